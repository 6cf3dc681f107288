"""The normaliser's shortcuts give exactly what the plain way gives (hypothesis): the stretch-by-
stretch Unicode pass and the general one, each pattern's hint and the pattern, the lazy offset map
and `span`."""

import pickle
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobscan import contacts
from jobscan import normalize as N

SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Characters where the shortcuts could go wrong: marks after ASCII and after other letters,
# zero-width and format characters before marks, letters that lower-case like ASCII ("é", "–") and
# ones that do not ("ß", "İ", "Σ", NBSP), expansions ("ﬁ", "…"), emoji and their variation
# selectors, other scripts, digits other than 0-9, surrogates, tags.
TRICKY = (list("abcXYZ09 48.-_*·@+()$!|:/\n\t^`") + [
    "é", "ệ", "ñ", "Å", "–", "’", "€", "ß", "ẞ", "İ", "ı", "Σ", "σ", "ς", "K", "ſ", "Ω", "ǅ", "ǰ", "ŉ", "ᾈ", "\u0345",
    "\u0301", "\u0300", "\u0307", "\u1ab0", "\u1acf", "\u20e3", "\ufe20", "\u0e31", "ี", "ำ", "ก", "្", "ា",
    "\u200b", "\u200d", "\u2060", "\ufeff", "\u00ad", "\ufe0f", "\U000e0041", "\ud800", "\ue000",
    "🔥", "✈", "🚩", "⚠", "👉🏽", "а", "е", "о", "ο", "ﬁ", "…", "\xa0", "\x85", "\u3000", "\u2028",
    "٣", "๓", "①", "０", "月", "ｇ",
])
PIECES = TRICKY + ["gaji", "k4mb0j4", "fr33", "d1", "p4y", "t1k37", "g a j i", "k.a.m.b.o.j.a", "aaa", "tinggiiii",
                   "0812 3456 7890", "+62 812-3456-7890", "00 62 812 3456 789", "1.500.000", "2016-08-07 11:29",
                   "@hr_lina", "x@y", "hr@mail-pt.com", "t.me/hr_x", "wa.me/6281234567890", "www.x.com/a",
                   "https://a.b/c", "site.id/", "  ", "   ", " \t "]
TEXT = st.one_of(st.lists(st.sampled_from(TRICKY), max_size=40).map("".join),
                 st.lists(st.sampled_from(PIECES), max_size=30).map("".join))


def _pairs(history):
    return N._offsets(history).pairs()


@SETTINGS
@given(TEXT)
def test_stretch_by_stretch_unicode_pass_is_the_general_one(text):
    fast, fast_history, fast_wide = N._unicode_pass(text)
    slow, slow_history, slow_wide = N._unicode_pass_general(text)
    assert fast == slow
    assert _pairs(fast_history) == _pairs(slow_history)
    assert fast_wide == slow_wide == (N._WIDE_DIGIT.search(slow) is not None)


def test_characters_kept_with_ascii_normalise_like_it():
    for c in map(chr, N._LIKE_ASCII):
        assert N._norm_grapheme(c) == c.lower() and len(c.lower()) == 1
        assert not N._is_mark(c) and not N._is_dropped(c) and not re.match(r"\d", c)


def test_every_contact_pattern_has_its_hint():
    """A contact pattern changed in contacts.py runs without a hint (right, but slow): write one."""
    assert set(N._CONTACT_HINTS) == {kind for kind, _ in contacts.PATTERNS}


def _spans(matches):
    return [m.span() for m in matches]


@SETTINGS
@given(TEXT)
def test_contact_hints_find_every_match(text):
    s = N._unicode_pass(text)[0]
    maps = [N._CONTACT_HINTS] + ([N._CONTACT_HINTS_ASCII_DIGITS] if not N._WIDE_DIGIT.search(s) else [])
    for hints in maps:
        seen = {}
        for kind, pattern in contacts.PATTERNS:
            assert _spans(hints[kind].matches(pattern, s, seen)) == _spans(pattern.finditer(s)), kind


@SETTINGS
@given(TEXT)
def test_spaced_repeat_and_space_shortcuts(text):
    s = N._unicode_pass(text)[0]
    assert _spans(N._SPACED_START.matches(N._SPACED, s)) == _spans(N._SPACED.finditer(s))
    assert (N._SPACED.search(s) is None) or N._SPACED_HINT.search(s)
    assert (N._REPEAT.search(s) is None) or N._REPEAT_HINT.search(s)
    plain = re.compile(r"\s{2,}|[^\S ]")
    assert _spans(N._SPACE.finditer(s)) == _spans(plain.finditer(s))
    if s.isprintable():
        assert _spans(N._SPACES.finditer(s)) == _spans(plain.finditer(s))


@SETTINGS
@given(TEXT)
def test_collapse_records_what_it_replaced(text):
    s = N._unicode_pass(text)[0]
    history = [len(s)]
    out, spaces = N._collapse(s, history)
    plain = re.compile(r"\s{2,}|[^\S ]")
    assert out == plain.sub(" ", s)
    assert [(a, b) for a, b, _ in (history[1] if len(history) > 1 else [])] == _spans(plain.finditer(s))
    assert all(out[p] == " " for p in spaces) and len(spaces) == len(history[1:] and history[1])


@SETTINGS
@given(TEXT)
def test_spaced_letters_after_collapsing_are_near_its_spaces(text):
    s = N._unicode_pass(text)[0]
    if N._SPACED.search(s):
        return  # _has_spaced's shortcut is for text without s p a c e d letters
    out, spaces = N._collapse(s, [len(s)])
    assert N._has_spaced(out, spaces) == (N._SPACED.search(out) is not None)


@SETTINGS
@given(TEXT)
def test_leet_tokens_hold_every_token_that_changes(text):
    s = N._unicode_pass(text)[0]
    tokens = _spans(N._TOKEN.finditer(s))
    found = _spans(N._leet_tokens(s))
    assert set(found) <= set(tokens) and found == sorted(found)
    changing = [m.span() for m in N._TOKEN.finditer(s) if N._unleet(m) is not None or N._unleet_short(m) is not None]
    assert set(changing) <= set(found)
    unleet_changing = [m.span() for m in N._TOKEN.finditer(s) if N._unleet(m) is not None]
    assert set(unleet_changing) <= set(_spans(N._leet_tokens(s, N._UNLEET_CACHE)))


def _span_from_pairs(n, start, end):
    """Normalized.span as it was, on tuples of starts and ends."""
    if not n.text:
        return 0, 0
    start = min(start, len(n.text) - 1)
    end = max(end, start + 1)
    return n.starts[start], max(n.ends[start:end])


@SETTINGS
@given(TEXT)
def test_lazy_map_and_span(text):
    n = N.normalize(text)
    assert len(n.starts) == len(n.ends) == len(n.text)
    k = len(n.text)
    for i in range(-2, k + 2):
        for j in range(i - 1, min(k, i + 6) + 3):
            try:
                expected = _span_from_pairs(n, i, j)
            except (ValueError, IndexError) as exc:  # a negative start out of range, or max() of nothing: so it was
                with pytest.raises(type(exc)):
                    n.span(i, j)
                continue
            assert n.span(i, j) == expected
    again = N.normalize(text)
    assert again == n and hash(again) == hash(n) and again.text == N.normalize_text(text)
    assert pickle.loads(pickle.dumps(n)) == n


def test_normalized_is_immutable_and_can_be_built_from_pairs():
    n = N.Normalized("ab", (0, 2), (2, 3))
    assert n.starts == (0, 2) and n.ends == (2, 3) and n.span(0, 2) == (0, 3)
    assert n == N.Normalized("ab", [0, 2], [2, 3])
    with pytest.raises(AttributeError):
        n.text = "x"
