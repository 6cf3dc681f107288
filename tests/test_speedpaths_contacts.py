"""The cheap tests that let contact extraction skip its patterns never skip a contact: on any text,
find_contacts finds what running every pattern over the whole text finds."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobscan import contacts

from .conftest import TRAIN

PATTERNS = dict(contacts.PATTERNS)


def _reference_find(text):
    """find_contacts as it was: every pattern with finditer over the whole text."""
    taken = contacts.SpanSet()
    found = []
    for kind, pattern in contacts.PATTERNS:
        for m in pattern.finditer(text):
            s, e = m.span()
            if taken.overlaps(s, e):
                continue
            value = contacts._normalise(kind, m.group())
            if value is None:
                continue
            taken.add(s, e)
            found.append(contacts.Contact(kind, value, m.group(), s, e))
    found.sort(key=lambda c: c.start)
    return found


TOKENS = ["wa.me/", "WA.ME/", "https://", "http://", "api.whatsapp.com/send?phone=", "chat.whatsapp.com/", "t.me/",
          "telegram.me/", "Telegram.Dog/", "www.", "WWW.", ".com/", ".co.id", ".xyz/", ".ſite/", "ſ", "ı", "İ", "K",
          "@", "@hr_lina", "@x.", "gmail.com", "a.b", "rekrut", "+62", "+", "00", "0812", "3456", "7890", "12",
          "٠١٢٣", "๐๙", "１２３", "-", "(", ")", ".", " ", "  ", "\t", "\n", "_", "x", "é"]
pieces = st.one_of(st.sampled_from(TOKENS), st.text(max_size=2))
texts = st.lists(pieces, max_size=40).map("".join)


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_find_contacts_equals_every_pattern_everywhere(text):
    assert contacts.find_contacts(text) == _reference_find(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(st.data())
def test_each_pattern_finds_what_finditer_finds(data):
    """Text made from the pattern itself, inside other text."""
    kind = data.draw(st.sampled_from(sorted(PATTERNS)))
    pattern = PATTERNS[kind]
    text = data.draw(texts) + data.draw(st.from_regex(pattern, fullmatch=True)) + data.draw(texts)
    assert [m.span() for m in contacts._matches(kind, pattern, text)] == [m.span() for m in pattern.finditer(text)]


def test_find_contacts_equals_every_pattern_everywhere_on_the_corpus():
    for line in TRAIN.read_text(encoding="utf-8").splitlines():
        text = json.loads(line)["text"]
        assert contacts.find_contacts(text) == _reference_find(text)
