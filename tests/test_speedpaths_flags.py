"""The fast paths of flag matching change nothing: literal gates never skip a match, matches tried
only where they can start are the matches `finditer` finds, and `flags.match` equals the plain
loop over every pattern of the catalogue."""

import json
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobscan import flags
from jobscan.literals import LiteralSet, fold_spaces, gate, gated_matches
from jobscan.normalize import normalize

from .conftest import TRAIN

PATTERNS = [(rx, g) for f in flags.catalogue() for rx, g in zip(f.compiled, f.prefilters)]
LITERALS = sorted({lit for _, g in PATTERNS if g for lit in g.literals})
WORDS = sorted({w for x in TRAIN.read_text(encoding="utf-8").splitlines()[:300] for w in json.loads(x)["text"].split()})
SPACES = [" ", " ", " ", "  ", "\t", "\n", "\xa0", "\u3000", ""]


def _reference_match(norm, original, amounts):
    """flags.match as a plain loop over every pattern (no prefilter)."""
    hits = []
    for flag in flags.catalogue():
        spans = []
        if flag.computed == "pay":
            spans = [(a.start, a.end) for a in amounts if a.high]
        else:
            for pattern in flag.compiled:
                for m in pattern.finditer(norm.text):
                    if m.end() > m.start():
                        spans.append(m.span())
                    if len(spans) >= flags.MAX_EVIDENCE:
                        break
                if len(spans) >= flags.MAX_EVIDENCE:
                    break
        if spans:
            merged = []
            for s, e in sorted(norm.span(s, e) for s, e in sorted(spans)):
                if e <= s:
                    continue
                if merged and s <= merged[-1][1]:
                    merged[-1][1] = max(merged[-1][1], e)
                else:
                    merged.append([s, e])
            evidence = tuple(flags.Evidence(original[a:b], a, b) for a, b in merged[:flags.MAX_EVIDENCE])
            if evidence:
                hits.append((flag.id, evidence))
    return hits


def _matches_ok(rx, g, text):
    """Every match of `rx` in `text` has one of the gate's literals where the gate says."""
    folded = fold_spaces(text)
    for m in rx.finditer(text):
        assert any(folded.startswith(lit, m.start() + d) for lit in g.literals for d in range(g.lo, min(g.hi, len(text)) + 1)), \
            (rx.pattern, g, m)


pieces = st.one_of(st.sampled_from(LITERALS), st.sampled_from(WORDS), st.sampled_from(SPACES), st.text(max_size=3))
texts = st.lists(pieces, max_size=40).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_match_equals_the_plain_loop(text):
    norm = normalize(text)
    amounts = flags.money.amounts(norm.text)
    got = [(h.flag.id, h.evidence) for h in flags.match(norm, text, amounts)]
    assert got == _reference_match(norm, text, amounts)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_match_equals_the_plain_loop_on_text_as_given(text):
    """Also on text that the normaliser did not touch (other whitespace, capitals, digits)."""
    norm = flags.Normalized(text, tuple(range(len(text))), tuple(range(1, len(text) + 1)))
    amounts = flags.money.amounts(text)
    got = [(h.flag.id, h.evidence) for h in flags.match(norm, text, amounts)]
    assert got == _reference_match(norm, text, amounts)


def test_match_equals_the_plain_loop_on_the_corpus():
    for line in TRAIN.read_text(encoding="utf-8").splitlines()[::3]:
        text = json.loads(line)["text"]
        norm = normalize(text)
        amounts = flags.money.amounts(norm.text)
        assert [(h.flag.id, h.evidence) for h in flags.match(norm, text, amounts)] == _reference_match(norm, text, amounts)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(st.data())
def test_every_match_holds_a_gate_literal(data):
    """Strings made from the pattern itself, alone and inside other text."""
    rx, g = data.draw(st.sampled_from([(rx, g) for rx, g in PATTERNS if g]))
    s = data.draw(st.from_regex(rx, fullmatch=True))
    _matches_ok(rx, g, s)
    _matches_ok(rx, g, data.draw(texts) + s + data.draw(texts))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="ab \t\xa0cd", min_size=1, max_size=4), min_size=1, max_size=8),
       st.text(alphabet="ab \t\n\xa0cdx", max_size=60), st.booleans())
def test_literal_set_finds_every_occurrence(literals, text, folded):
    lits = LiteralSet(literals, spaces_folded=folded)
    haystack = fold_spaces(text) if folded else text
    want = sorted((i + len(lit) - 1, k) for k, lit in enumerate(lits.literals) for i in range(len(text))
                  if haystack.startswith(lit, i))
    assert sorted(lits.hits(text)) == want


GATED = [r"\bab\b.{0,5}cd", r"(?:^|\s)(?:x|yy)\s?[:=]\s?\w{2,}", r"a+b?c", r"(?<![a-z])q\s?(?:id\s?:?\s?)?zz"]


@settings(max_examples=500, deadline=None)
@given(st.sampled_from(GATED), st.text(alphabet="abcdqxyz:= \t\nid", max_size=50), st.integers(1, 4))
def test_gated_matches_are_finditer_matches(pattern, text, limit):
    rx, g = re.compile(pattern), gate(pattern)
    lits = LiteralSet(g.literals, spaces_folded=True)
    starts = [end - len(lits.literals[i]) + 1 - g.hi for end, i in lits.hits(text)]
    want = [m.span() for m in rx.finditer(text)][:limit]
    assert [m.span() for m in gated_matches(rx, text, starts, g.hi - g.lo, limit)] == want


def test_gates_are_sharp():
    """A gate is not a single common letter when the pattern offers better."""
    assert gate(r"\bg ?(?:to|2) ?g\b").literals == ("g 2 g", "g 2g", "g to g", "g tog", "g2 g", "g2g", "gto g", "gtog")
    assert gate(r"(?:^|\s)(?:vx|wx|v)\s?[::]\s?[a-z0-9_.]{4,}").lo == 0
    assert gate("x(?i:ab)").literals == ("x",) and gate("(?i)abc") is None


MANY_FIRSTS = [chr(0x4E00 + i) + "a" for i in range(150)] + ["ab", " a", "b\t", ",x"]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab ,.x\t\n\xa0" + "".join(chr(0x4E00 + i) for i in range(0, 150, 7)), max_size=60), st.booleans())
def test_literal_set_with_many_first_letters_finds_every_occurrence(text, folded):
    """With over a hundred first letters the automaton gets never-found helper words."""
    lits = LiteralSet(MANY_FIRSTS, spaces_folded=folded)
    haystack = fold_spaces(text) if folded else text
    want = sorted((i + len(lit) - 1, k) for k, lit in enumerate(lits.literals) for i in range(len(text))
                  if haystack.startswith(lit, i))
    assert sorted(lits.hits(text)) == want
