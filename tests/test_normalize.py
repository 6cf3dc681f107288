import re

import pytest

from jobscan.normalize import normalize, normalize_text


@pytest.mark.parametrize("raw, expected", [
    ("K4MB0J4", "kamboja"),
    ("g a j i  t i n g g i", "gaji tinggi"),
    ("Lоwоngаn", "lowongan"),  # Cyrillic o and a
    ("Kam\u200bbo\u200dja", "kamboja"),  # zero-width characters
    ("ＣＳ　ＯＮＬＩＮＥ", "cs online"),  # full-width (NFKC)
    ("tinggiiii bgt", "tinggi bgt"),
    ("gaji 5jt, 15jt/bulan", "gaji 5jt, 15jt/bulan"),  # numbers with units keep their digits
    ("月薪3万", "月薪3万"),
])
def test_obfuscation_is_undone(raw, expected):
    assert normalize_text(raw) == expected


def test_contacts_become_placeholders():
    text = "WA 0812-3456-7890, t.me/hr_lina, @rekrut_kh, hr@mail-pt.com, wa.me/6281234567890"
    norm = normalize_text(text)
    for secret in ("0812", "hr_lina", "rekrut_kh", "mail-pt", "6281234567890"):
        assert secret not in norm
    for ph in ("__phone__", "__tglink__", "__handle__", "__email__", "__walink__"):
        assert ph in norm


def test_spans_map_back_to_the_original_text():
    text = "🔥LOKER K4MB0J4🔥 hub 0812 3456 7890 g a j i  besar"
    n = normalize(text)
    for word, original in (("kamboja", "K4MB0J4"), ("__phone__", "0812 3456 7890"), ("gaji", "g a j i")):
        m = re.search(re.escape(word), n.text)
        a, b = n.span(*m.span())
        assert text[a:b] == original


def test_normalisation_is_idempotent_on_examples():
    for text in ("Gaji USD 1.500!!! DM @hr_x", "k 4 m b o j a", "ｆｒｅｅ ｔｉｃｋｅｔ"):
        once = normalize_text(text)
        assert normalize_text(once) == once


@pytest.mark.parametrize("raw, expected", [
    ("t1k37 g4j1 d1 k4mb0j4", "tiket gaji di kamboja"),  # an ad in l33t: its short words too
    ("lulusan S1 atau D3, sertifikat K3", "lulusan s1 atau d3, sertifikat k3"),  # alone, codes stay codes
    ("resmi BP3MI dan SIP3MI", "resmi bp3mi dan sip3mi"),
    ("30wpm, foto 3x4, 2nd floor, 5jt", "30wpm, foto 3x4, 2nd floor, 5jt"),
    ("p4y 4nd v1s4", "pay and visa"),
    ("ngườ1", "người"),
    ("ร\u200bี", "รี"),  # a zero-width character between a letter and its mark
])
def test_evasions_found_by_the_robustness_report(raw, expected):
    assert normalize_text(raw) == expected
    assert normalize_text(expected) == expected
