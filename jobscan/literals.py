"""Which of many literal strings occur in a text, in one pass (Aho-Corasick, via pyahocorasick).

Used as a prefilter: a regular expression is run only when one of its required literals is
present (see `flags.required_literals`), so hundreds of patterns cost about one scan of the text.
"""

from __future__ import annotations

from typing import Iterable

import ahocorasick

try:  # the regular-expression parser, used only to derive literal prefilters
    import re._parser as _sre_parse  # Python >= 3.11
    import re._constants as _sre_c
except ImportError:  # pragma: no cover
    import sre_parse as _sre_parse  # type: ignore[no-redef]
    import sre_constants as _sre_c  # type: ignore[no-redef]



class LiteralSet:
    def __init__(self, literals: Iterable[str]):
        self.literals = tuple(dict.fromkeys(lit for lit in literals if lit))
        self._automaton = ahocorasick.Automaton()
        for i, lit in enumerate(self.literals):
            self._automaton.add_word(lit, i)
        if self.literals:
            self._automaton.make_automaton()

    def present(self, text: str) -> set[int]:
        """Indexes (into `self.literals`) of the literals that occur in `text`, overlaps included."""
        if not self.literals:
            return set()
        return {i for _, i in self._automaton.iter(text)}


def _required(items) -> tuple[str, ...] | None:
    """Literals of which one must occur in any match of this parsed sequence (best candidate)."""
    candidates: list[tuple[str, ...]] = []
    run: list[str] = []
    for op, av in items:
        if op is _sre_c.LITERAL:
            run.append(chr(av))
            continue
        if run:
            candidates.append(("".join(run),))
            run = []
        if op is _sre_c.SUBPATTERN:
            r = _required(av[-1])
        elif op is _sre_c.BRANCH:
            alts = [_required(a) for a in av[1]]
            r = tuple(sorted({lit for a in alts for lit in a})) if all(alts) else None
        elif op in (_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT) and av[0] >= 1:
            r = _required(av[2])
        else:
            r = None
        if r:
            candidates.append(r)
    if run:
        candidates.append(("".join(run),))
    if not candidates:
        return None
    return max(candidates, key=lambda c: (min(len(x) for x in c), -len(c)))


def required_literals(pattern: str) -> tuple[str, ...] | None:
    """A prefilter for `pattern`: if none of these literals is in a text, the pattern cannot match.
    (The idea of SpamAssassin's rule2xs and Hyperscan's literal factoring, kept simple.)"""
    try:
        return _required(_sre_parse.parse(pattern))
    except Exception:  # an unusual construct: run the pattern unfiltered
        return None
