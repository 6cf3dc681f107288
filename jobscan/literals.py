"""Which of many literal strings occur in a text, and where, in one pass (Aho-Corasick, via
pyahocorasick).

Used as a prefilter: a regular expression is run only when one of its required literals (its
`gate`) is present, so hundreds of patterns cost about one scan of the text; and then only where
a match can start, given where those literals are (`gated_matches`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Iterator, NamedTuple

import ahocorasick

try:  # the regular-expression parser, used only to derive literal prefilters
    import re._parser as _sre_parse  # Python >= 3.11
    import re._constants as _sre_c
except ImportError:  # pragma: no cover
    import sre_parse as _sre_parse  # type: ignore[no-redef]
    import sre_constants as _sre_c  # type: ignore[no-redef]


_WHITESPACE = re.compile(r"\s")


def fold_spaces(text: str) -> str:
    """`text` with every whitespace character (what `\\s` matches) turned into a space: the same
    length, so indexes into one are indexes into the other."""
    # isprintable() is false for every whitespace character but the space, and costs far less
    # than a regular-expression scan.
    return text if text.isprintable() else _WHITESPACE.sub(" ", text)


# pyahocorasick looks for a node's child by a linear search, in the order the children were
# added, so literals that start with a common character are added first. When there are many
# first characters (hundreds: Thai, Chinese...), a character that starts no literal would be
# compared with all of them; in a space-folded text, the common ones are made children too,
# early, by words that end with a tab (which such a text never has, so they are never found).
_COMMON_FIRST = " aeinrtoskgumldbhpcywjfvzxq0123456789_"
_COMMON_OTHERS = ",.:-\"'()+/?!&%*#=;–"
_MANY_FIRSTS = 100


def _first_rank(literal: str) -> int:
    rank = _COMMON_FIRST.find(literal[0])
    return rank if rank >= 0 else len(_COMMON_FIRST)


class LiteralSet:
    """Literals, found in one pass. With `spaces_folded`, a literal is looked for in
    `fold_spaces(text)` (as `gate` literals must be)."""

    def __init__(self, literals: Iterable[str], spaces_folded: bool = False):
        self.literals = tuple(dict.fromkeys(lit for lit in literals if lit))
        self.spaces_folded = spaces_folded
        self._automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        ranked = sorted(range(len(self.literals)), key=lambda i: _first_rank(self.literals[i]))
        common = [i for i in ranked if _first_rank(self.literals[i]) < len(_COMMON_FIRST)]
        for i in common:
            self._automaton.add_word(self.literals[i], i)
        firsts = {lit[0] for lit in self.literals}
        if spaces_folded and len(firsts) > _MANY_FIRSTS:
            for ch in _COMMON_FIRST + _COMMON_OTHERS:
                if ch not in firsts:
                    self._automaton.add_word(ch + "\t", len(self.literals))
        for i in ranked[len(common):]:
            self._automaton.add_word(self.literals[i], i)
        if self.literals:
            self._automaton.make_automaton()

    def hits(self, text: str) -> Iterator[tuple[int, int]]:
        """(end index, literal index) for every occurrence of a literal in `text`, overlaps
        included: `text[end - len(literal) + 1:end + 1] == literal`."""
        if not self.literals:
            return iter(())
        return self._automaton.iter(fold_spaces(text) if self.spaces_folded else text)

    def starts(self, text: str, unlocks: list[tuple[tuple[int, int], ...]],
               found: dict[int, list[int]]) -> dict[int, list[int]]:
        """For each occurrence of literal i in `text`, and each (k, shift) in unlocks[i], appends
        end - shift (the earliest place a match of pattern k can start) to found[k]; returns `found`."""
        for end, i in self.hits(text):
            for k, shift in unlocks[i]:
                if k in found:
                    found[k].append(end - shift)
                else:
                    found[k] = [end - shift]
        return found

    def present(self, text: str) -> set[int]:
        """Indexes (into `self.literals`) of the literals that occur in `text`, overlaps included."""
        return {i for _, i in self.hits(text)}


UNBOUNDED = _sre_c.MAXREPEAT


class Gate(NamedTuple):
    """Every match of the pattern, read with its spaces folded (`fold_spaces`), contains one of
    `literals` starting between `lo` and `hi` characters after the start of the match (`hi` is
    UNBOUNDED or more when there is no limit)."""
    literals: tuple[str, ...]
    lo: int
    hi: int


# Gates are sets of at most this many literals: "g ?(?:to|2) ?g" gives the 8 spellings of "g to g"
# rather than the one letter "g", which is in nearly every ad.
MAX_GATE = 128
_REPEATS = tuple(getattr(_sre_c, op) for op in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") if hasattr(_sre_c, op))
_ATOMIC = getattr(_sre_c, "ATOMIC_GROUP", None)  # Python >= 3.11
_ZERO_WIDTH = (_sre_c.AT, _sre_c.ASSERT, _sre_c.ASSERT_NOT)
_EMPTY = frozenset({""})


def _product(a: frozenset[str], b: frozenset[str]) -> frozenset[str] | None:
    if len(a) * len(b) > MAX_GATE:
        return None
    return frozenset(x + y for x in a for y in b)


def _strings(seq) -> frozenset[str] | None:
    """Every string this parsed sequence can match, if they are few (at most MAX_GATE); else None."""
    out: frozenset[str] | None = _EMPTY
    for op, av in seq:
        s = _item_strings(op, av)
        out = _product(out, s) if s is not None else None
        if out is None:
            return None
    return out


@lru_cache(maxsize=None)
def _char(code: int) -> str:
    """A character as `fold_spaces` leaves it."""
    return fold_spaces(chr(code))


def _item_strings(op, av) -> frozenset[str] | None:
    if op is _sre_c.LITERAL:
        return frozenset({_char(av)})
    if op in _ZERO_WIDTH:
        return _EMPTY
    if op is _sre_c.IN:
        chars: set[str] = set()
        for kind, arg in av:
            if kind is _sre_c.LITERAL:
                chars.add(_char(arg))
            elif kind is _sre_c.RANGE and arg[1] - arg[0] < MAX_GATE:
                chars.update(map(_char, range(arg[0], arg[1] + 1)))
            elif kind is _sre_c.CATEGORY and arg is _sre_c.CATEGORY_SPACE:
                chars.add(" ")
            else:  # a negated class, another category such as \d, a wide range
                return None
        return frozenset(chars) if len(chars) <= MAX_GATE else None
    if op is _sre_c.SUBPATTERN:
        return None if av[1] & _sre_c.SRE_FLAG_IGNORECASE else _strings(av[-1])
    if op is _ATOMIC:
        return _strings(av)
    if op is _sre_c.BRANCH:
        out: set[str] = set()
        for alt in av[1]:
            s = _strings(alt)
            if s is None:
                return None
            out |= s
        return frozenset(out) if len(out) <= MAX_GATE else None
    if op in _REPEATS and av[1] <= 3:
        once = _strings(av[2])
        if once is None:
            return None
        out, power = set(), _EMPTY
        for n in range(av[1] + 1):
            if n >= av[0]:
                out |= power
            if n < av[1]:
                power = _product(power, once)
                if power is None:
                    return None
        return frozenset(out) if len(out) <= MAX_GATE else None
    return None


def _nested(op, av) -> Gate | None:
    """A gate for an item that matches too many strings to list, from its parts."""
    if op is _sre_c.SUBPATTERN:
        return None if av[1] & _sre_c.SRE_FLAG_IGNORECASE else _required(av[-1])
    if op is _ATOMIC:
        return _required(av)
    if op is _sre_c.BRANCH:
        alts = [_required(a) for a in av[1]]
        if not all(alts):
            return None
        return Gate(tuple(sorted({lit for g in alts for lit in g.literals})), min(g.lo for g in alts), max(g.hi for g in alts))
    if op in _REPEATS and av[0] >= 1:  # the first repetition contains the gate
        return _required(av[2])
    return None


def _cost(gate: Gate) -> float:
    """A rough cost, in microseconds, of a pattern with this gate on a typical ad: the literals'
    expected occurrences, then `gated_matches`' work."""
    occurrences = sum(_EXPECTED[min(len(lit.encode("utf-8")), _RARE_BYTES)] for lit in gate.literals)
    tries = occurrences * (gate.hi - gate.lo + 1)
    run = tries * _MATCH_US if tries <= MAX_ANCHORS else min(occurrences, 1.0) * _SCAN_US
    return occurrences * _HIT_US + run


_HIT_US, _MATCH_US, _SCAN_US = 0.1, 0.3, 6.0  # per literal found, per anchored match, per scan of an ad
# Expected occurrences of a literal in an ad, by its length in UTF-8 bytes, as measured on the ads
# of the benchmark: a one-byte literal (a Latin letter or digit) is in every ad, many times; from
# two bytes on, a literal is found about 0.5 times per ad, four times less for each byte more
# (so that a Thai or Chinese character, three bytes, counts as rare).
_RARE_BYTES = 8
_EXPECTED = (0.0, 30.0) + tuple(0.5 / 4 ** (n - 2) for n in range(2, _RARE_BYTES + 1))


def _width(seq, op, av) -> tuple[int, int]:
    """The least and the most characters the item matches."""
    if op is _sre_c.LITERAL or op is _sre_c.IN:
        return 1, 1
    if op in _ZERO_WIDTH:
        return 0, 0
    return _sre_parse.SubPattern(seq.state, [(op, av)]).getwidth()


def _required(seq) -> Gate | None:
    """The best gate for this parsed sequence (a SubPattern). Candidates: each window of
    consecutive items that each match a few strings (every match contains one of their
    concatenations), and the gates of the parts of the other items."""
    # Consecutive items that match one string each are taken as one: a window of them is never
    # better than the whole run.
    merged: list[tuple[frozenset[str] | None, tuple[int, int], tuple]] = []
    for op, av in seq:
        s = _item_strings(op, av)
        width = _width(seq, op, av)
        if s is not None and len(s) == 1 and merged and merged[-1][0] is not None and len(merged[-1][0]) == 1:
            (prev,), (lo, hi), _ = merged[-1]
            merged[-1] = (frozenset({prev + next(iter(s))}), (lo + width[0], hi + width[1]), ())
        else:
            merged.append((s, width, (op, av)))
    candidates: list[Gate] = []
    lo = hi = 0  # width of the items before the current one
    for i, (s, (wlo, whi), item) in enumerate(merged):
        if s is None:
            nested = _nested(*item)
            if nested:
                candidates.append(Gate(nested.literals, lo + nested.lo, hi + nested.hi))
        window: frozenset[str] | None = _EMPTY
        for t, _, _ in merged[i:]:
            window = _product(window, t) if t is not None else None
            if window is None:
                break
            if "" not in window:
                candidates.append(Gate(tuple(sorted(window)), lo, hi))
                if all(len(x) >= _RARE_BYTES for x in window):
                    break  # longer windows cannot be rarer
        lo, hi = lo + wlo, hi + whi
    return min(candidates, key=_cost) if candidates else None


def gate(pattern: str) -> Gate | None:
    """A prefilter for `pattern`: if none of the gate's literals is in `fold_spaces(text)`, the
    pattern cannot match `text` (so look for them with a `LiteralSet(..., spaces_folded=True)`).
    (The idea of SpamAssassin's rule2xs and Hyperscan's literal factoring, kept simple.)
    Taken from the shipped `data/gates.json` when the pattern is there (see `gatecache`), else derived."""
    shipped = _shipped_gates()
    if pattern in shipped:
        return shipped[pattern]
    return derive_gate(pattern)


@lru_cache(maxsize=1)
def _shipped_gates() -> dict[str, Gate | None]:
    from importlib import resources
    import json

    try:
        raw = json.loads(resources.files("jobscan").joinpath(GATES_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {p: (Gate(tuple(g[0]), g[1], g[2]) if g else None) for p, g in raw.get("gates", {}).items()}


GATES_FILE = "data/gates.json"


def derive_gate(pattern: str) -> Gate | None:
    """`gate(pattern)`, worked out from the pattern itself."""
    try:
        parsed = _sre_parse.parse(pattern)
        if parsed.state.flags & _sre_c.SRE_FLAG_IGNORECASE:
            return None
        return _required(parsed)
    except Exception:  # an unusual construct: run the pattern unfiltered
        return None


def required_literals(pattern: str) -> tuple[str, ...] | None:
    """The literals of `gate(pattern)`."""
    g = gate(pattern)
    return g.literals if g else None


# Up to this many possible starts, trying each is cheaper than scanning the text.
MAX_ANCHORS = 20


def gated_matches(pattern: re.Pattern[str], text: str, starts: list[int], spread: int,
                  limit: int | None = None) -> list[re.Match[str]]:
    """The matches of `pattern.finditer(text)` (the first `limit` of them), given that each of
    them starts between s and s + spread for some s in `starts` (which may hold more, in any
    order, repeated; for a gate's literal found at q, s = q - gate.hi and spread = gate.hi -
    gate.lo): matches are tried only there. None of the matches may be empty (true when a gate is)."""
    if spread == 0 and len(starts) == 1:  # the usual case
        m = pattern.match(text, starts[0]) if starts[0] >= 0 else None
        return [m] if m else []
    found: list[re.Match[str]] = []
    if len(starts) * (spread + 1) > MAX_ANCHORS:
        for m in pattern.finditer(text, max(0, min(starts))):  # no match starts before
            found.append(m)
            if len(found) == limit:
                break
        return found
    pos = 0
    for p in sorted({s + d for s in starts for d in range(spread + 1)}):
        if p >= pos:
            m = pattern.match(text, p)
            if m:
                found.append(m)
                if len(found) == limit:
                    break
                pos = m.end()
    return found


def width(pattern: str) -> tuple[int, int]:
    """The least and the most characters a match of `pattern` has (the most is UNBOUNDED or
    more when there is no limit)."""
    return _sre_parse.parse(pattern).getwidth()
