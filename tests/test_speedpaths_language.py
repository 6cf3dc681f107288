"""The fast paths of the language guesser (words split in bytes, scripts counted in runs and only
when present, lower() only when it matters) give the same guess as the plain per-character code."""

import json
import sys

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobscan import language as L

from .conftest import TRAIN


def _reference_detect(text):
    """language.detect as it was."""
    sample = text[:4000]
    counts = {code: len(rx.findall(sample)) for code, rx in L._SCRIPTS}
    letters = sum(ch.isalpha() for ch in sample) or 1
    best = max(counts, key=counts.get)
    if counts[best] / letters > 0.3:
        return best
    lower = sample.lower()
    if len(L._VI.findall(lower)) >= 2:
        return "vi"
    words = L._WORD.findall(lower)
    if not words:
        return "und"
    scores = {code: sum(w in stop for w in words) for code, stop in L._STOP.items()}
    top = max(scores, key=scores.get)
    if scores[top] == 0:
        return "und"
    if top in ("id", "ms"):
        ms = sum(w in L._MS_ONLY for w in words)
        idn = sum(w in L._ID_ONLY for w in words)
        return "ms" if ms > idn else "id"
    return top


FUNCTION_WORDS = sorted({w for ws in (*L._STOP.values(), L._MS_ONLY, L._ID_ONLY) for w in ws})
OTHER = ["KERJA", "Gaji", "the", "THE", "\u212a", "\u0130", "İNDONESIA", "ı", "ß", "ǅ", "é", "ĐI", "Được", "ư", "ơ",
         "สวัสดี", "งาน", "ខ្មែរ", "မြန်မာ", "高薪", "工资", "㐀", "ー", "か", "😀", "–", "1", "2024", "_", "x1y",
         "don't", " ", "  ", "\n", "\t", ".", ",", "!", "?", "\ud800"]
pieces = st.one_of(st.sampled_from(FUNCTION_WORDS), st.sampled_from(OTHER), st.text(max_size=3))
texts = st.lists(pieces, max_size=60).map(" ".join) | st.lists(pieces, max_size=60).map("".join)


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_detect_equals_the_plain_code(text):
    assert L.detect(text) == _reference_detect(text)


def test_detect_equals_the_plain_code_on_the_corpus_and_long_text():
    for line in TRAIN.read_text(encoding="utf-8").splitlines():
        text = json.loads(line)["text"]
        assert L.detect(text) == _reference_detect(text)
        assert L.detect(text * 30) == _reference_detect(text * 30)  # past the 4,000-character sample


def test_lower_matters_only_for_the_listed_characters():
    """Only the Kelvin sign and dotted capital I lower to a-z, and only the characters of
    _VI_ANY_CASE lower to a Vietnamese letter."""
    vi = set(L._VI.pattern[1:-1])
    to_a_z, to_vi = [], []
    for code in range(0x80, sys.maxunicode + 1):
        low = chr(code).lower()
        if any("a" <= c <= "z" for c in low):
            to_a_z.append(chr(code))
        if any(c in vi for c in low):
            to_vi.append(chr(code))
    assert sorted(to_a_z) == sorted(L._LOWER_TO_A_Z)
    assert all(c in L._VI_ANY_CASE for c in to_vi)
