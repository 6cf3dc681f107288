"""The indicator catalogue (jobscan/data/flags.toml): loading, matching with evidence, linting.

Flags are matched on normalised text and their evidence is mapped back to the ad exactly as
given, so `evidence.start/end` index the original string.
"""

from __future__ import annotations

import hashlib
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from . import money
from .literals import Gate, LiteralSet, gate, gated_matches
from .normalize import Normalized

KINDS = ("risk", "fraud", "context")
_ID = re.compile(r"^[A-Z][A-Z0-9_]{2,40}$")
MAX_EVIDENCE = 3


@dataclass(frozen=True)
class Flag:
    id: str
    group: str
    kind: str
    languages: tuple[str, ...]
    patterns: tuple[str, ...]
    description_en: str
    description_id: str
    computed: str | None = None
    # Words that, right before a match, take it back ("no placement fee"): see `with_not_after`.
    not_after: tuple[str, ...] = ()
    compiled: tuple[re.Pattern[str], ...] = field(default=(), compare=False, repr=False)
    # For each pattern, literals of which at least one occurs in any match (None: no prefilter).
    gates: tuple[tuple[str, ...] | None, ...] = field(default=(), compare=False, repr=False)
    # The same with where in a match they start (see `literals.gate`).
    prefilters: tuple[Gate | None, ...] = field(default=(), compare=False, repr=False)

    def description(self, lang: str) -> str:
        return self.description_id if lang == "id" else self.description_en


@dataclass(frozen=True)
class Evidence:
    text: str
    start: int
    end: int

    def to_dict(self) -> dict:
        return {"text": self.text, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class Hit:
    flag: Flag
    evidence: tuple[Evidence, ...]


def catalogue_bytes() -> bytes:
    return resources.files("jobscan").joinpath("data/flags.toml").read_bytes()


def with_not_after(pattern: str, words: tuple[str, ...]) -> str:
    """`pattern` that does not match right after any of `words` and a space (one fixed-width
    lookbehind per word, so the pattern's own matches and prefilter are unchanged)."""
    return "".join(rf"(?<!\b{re.escape(w)} )" for w in words) + pattern


@lru_cache(maxsize=1)
def catalogue() -> tuple[Flag, ...]:
    raw = tomllib.loads(catalogue_bytes().decode("utf-8"))
    flags = []
    for entry in raw["flag"]:
        patterns = tuple(entry.get("patterns", ()))
        not_after = tuple(entry.get("not_after", ()))
        full = tuple(with_not_after(p, not_after) for p in patterns)
        prefilters = tuple(gate(p) for p in full)
        flags.append(Flag(
            id=entry["id"], group=entry["group"], kind=entry["kind"], languages=tuple(entry["languages"]),
            patterns=patterns, description_en=entry["description_en"], description_id=entry["description_id"],
            computed=entry.get("computed"), not_after=not_after, compiled=tuple(re.compile(p) for p in full),
            gates=tuple(g.literals if g else None for g in prefilters), prefilters=prefilters,
        ))
    return tuple(flags)


def catalogue_version() -> dict:
    raw = tomllib.loads(catalogue_bytes().decode("utf-8"))
    return {"version": raw["version"], "sha256": hashlib.sha256(catalogue_bytes()).hexdigest()}


def flag_ids() -> list[str]:
    return [f.id for f in catalogue()]


def by_id() -> dict[str, Flag]:
    return {f.id: f for f in catalogue()}


def _evidence(norm: Normalized, original: str, spans: list[tuple[int, int]]) -> tuple[Evidence, ...]:
    if len(spans) == 1:  # the usual case
        a, b = norm.span(*spans[0])
        return (Evidence(original[a:b], a, b),) if b > a else ()
    merged: list[list[int]] = []
    for s, e in sorted([norm.span(s, e) for s, e in spans]):
        if e <= s:
            continue
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return tuple([Evidence(original[a:b], a, b) for a, b in merged[:MAX_EVIDENCE]])


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[int, int, re.Pattern[str], Gate | None], ...]:
    """(flag, pattern, compiled pattern, prefilter) for every pattern of the catalogue, in order;
    the prefilter refers to patterns by their position here."""
    return tuple((fi, pi, rx, flag.prefilters[pi]) for fi, flag in enumerate(catalogue())
                 for pi, rx in enumerate(flag.compiled))


@lru_cache(maxsize=1)
def _prefilter() -> tuple[LiteralSet, list[tuple[tuple[int, int], ...]], frozenset[int]]:
    """All prefilter literals; for each, the patterns it unlocks, as (position in `_patterns()`,
    shift: a match can start no earlier than the end of the literal minus the shift); and the
    patterns that have no prefilter and always run."""
    unlocks: dict[str, list[tuple[int, int]]] = {}
    always = set()
    for k, (_, _, _, g) in enumerate(_patterns()):
        if g is None:
            always.add(k)
        else:
            for lit in g.literals:
                unlocks.setdefault(lit, []).append((k, len(lit) - 1 + g.hi))
    lits = LiteralSet(unlocks, spaces_folded=True)
    return lits, [tuple(unlocks[lit]) for lit in lits.literals], frozenset(always)


def _candidates(text: str) -> dict[int, list[int]]:
    """The patterns (positions in `_patterns()`) whose prefilter passes on `text`, each with the
    earliest index where a match can start for each occurrence of one of its literals (the
    `starts` of `gated_matches`; empty if it has no prefilter)."""
    lits, unlocks, always = _prefilter()
    return lits.starts(text, unlocks, {k: [] for k in always})


def candidate_patterns(text: str) -> set[tuple[int, int]]:
    """(flag, pattern) positions whose prefilter passes on `text`."""
    patterns = _patterns()
    return {patterns[k][:2] for k in _candidates(text)}


def _pattern_spans(text: str) -> dict[int, list[tuple[int, int]]]:
    """For each flag that has a match, the spans of its first matches (at most MAX_EVIDENCE,
    taken pattern by pattern in catalogue order, as `pattern.finditer` finds them)."""
    patterns = _patterns()
    candidates = _candidates(text)
    found: dict[int, list[tuple[int, int]]] = {}
    for k in sorted(candidates):
        fi, _, pattern, g = patterns[k]
        spans = found.get(fi) or []
        if len(spans) >= MAX_EVIDENCE:
            continue
        if g is None:
            for m in pattern.finditer(text):
                if m.end() > m.start():
                    spans.append(m.span())
                if len(spans) >= MAX_EVIDENCE:
                    break
        else:
            for m in gated_matches(pattern, text, candidates[k], g.hi - g.lo, MAX_EVIDENCE - len(spans)):
                spans.append(m.span())
        if spans:
            found[fi] = spans
    return found


@lru_cache(maxsize=1)
def _pay_flags() -> tuple[int, ...]:
    return tuple(fi for fi, flag in enumerate(catalogue()) if flag.computed == "pay")


def match(norm: Normalized, original: str, amounts: list[money.Amount] | None = None) -> list[Hit]:
    """Every catalogue flag that fires on the ad, with up to three quoted pieces of evidence.
    `amounts` are the pay amounts of the normalised text, when already parsed."""
    text = norm.text
    if amounts is None:
        amounts = money.amounts(text)
    found = _pattern_spans(text)
    pay = [(a.start, a.end) for a in amounts if a.high]
    for fi in _pay_flags():  # evidence from the money parser only
        if pay:
            found[fi] = pay
        else:
            found.pop(fi, None)
    flags = catalogue()
    hits = []
    for fi in sorted(found):
        spans = found[fi]
        spans.sort()
        evidence = _evidence(norm, original, spans)
        if evidence:
            hits.append(Hit(flags[fi], evidence))
    return hits


def lint(flags: tuple[Flag, ...] | None = None) -> list[str]:
    """Problems in the catalogue, one line each (an empty list means it is clean)."""
    problems = []
    seen: set[str] = set()
    try:
        flags = catalogue() if flags is None else flags
    except (re.error, KeyError, tomllib.TOMLDecodeError) as exc:
        return [f"catalogue does not load: {exc}"]
    for f in flags:
        where = f"flag {f.id}"
        if not _ID.match(f.id):
            problems.append(f"{where}: id must be UPPER_SNAKE_CASE")
        if f.id in seen:
            problems.append(f"{where}: duplicate id")
        seen.add(f.id)
        if f.kind not in KINDS:
            problems.append(f"{where}: kind {f.kind!r} is not one of {KINDS}")
        if not f.description_en.strip() or not f.description_id.strip():
            problems.append(f"{where}: needs a description in English and Indonesian")
        if f.description_en.strip() == f.description_id.strip():
            problems.append(f"{where}: Indonesian description is a copy of the English one")
        if not f.patterns and not f.computed:
            problems.append(f"{where}: has neither patterns nor a computed source")
        for w in f.not_after:
            if not w.strip() or w != w.strip() or unicodedata.normalize("NFKC", w).casefold() != w:
                problems.append(f"{where}: not_after entry {w!r} must be a trimmed, NFKC-normalised, case-folded phrase")
        for p in f.patterns:
            try:
                rx = re.compile(p)
            except re.error as exc:
                problems.append(f"{where}: pattern {p!r} does not compile: {exc}")
                continue
            literal = re.sub(r"\\[A-Za-z]", "", p)  # escapes such as \S or \B are not text
            if unicodedata.normalize("NFKC", literal).casefold() != literal:
                problems.append(f"{where}: pattern {p!r} is not NFKC-normalised and case-folded like the text it "
                                f"is matched against (it can never match as written)")
            if any(ord(ch) < 32 for ch in p):
                problems.append(f"{where}: pattern {p!r} contains a control character (a TOML escape such as \\b "
                                f"in a double-quoted string? use single quotes)")
            if rx.search(""):
                problems.append(f"{where}: pattern {p!r} matches the empty string")
    return problems
