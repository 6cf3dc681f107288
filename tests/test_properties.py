"""Property tests (hypothesis): the normaliser, the indicator flags, contact extraction and the
readers never crash, their spans index the text as given, and normalisation is idempotent."""

import csv
import io
import random
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobscan import augment, flags, readers
from jobscan.contacts import SpanSet, find_contacts
from jobscan.normalize import normalize, normalize_text

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces that exercise every step of the normaliser: l33t, spacing, look-alikes, zero-width and
# format characters, combining marks, emoji, full-width forms, contacts, numbers, other scripts.
PIECES = (list("abcdeijkmnostgyKAMBOJA0134578 9@$!|.,-_*·+()/:#\n\r\t") + [
    "\u200b", "\u200d", "\u2060", "\ufeff", "\u00ad", "\ufe0f", "\u0301", "\u0307", "\u0e31", "\u20e3",
    "а", "е", "о", "р", "с", "і", "ο", "α", "Α", "İ", "ß", "ǰ", "ﬁ", "ŉ", "ᾈ", "ำ", "ก", "ี", "月薪", "万",
    "🔥", "💰", "✈️", "🚩", "⚠", "❌", "👉🏽", "4️⃣", "ＣＳ", "ｇａｊｉ",
    "gaji", "kamboja", "cambodia", "usd", "1.500", "$1,200", "rp 15 juta", "5jt", "tiket", "visa", "ditanggung",
    "telegram", "tanpa pengalaman", "0812 3456 7890", "+62 812-3456-7890", "@hr_lina", "t.me/hr_x",
    "wa.me/6281234567890", "hr@mail-pt.com", "www.x.com/a", "g a j i", "k4mb0j4", "d1", "  ", "\n\n",
])
TEXT = st.one_of(st.text(max_size=60), st.lists(st.sampled_from(PIECES), max_size=40).map("".join))


def _scam_like(draw_words: list[str], seed: int, transforms: int) -> str:
    text = " ".join(draw_words)
    return augment.augment(text, random.Random(seed), transforms) if transforms else text


WORDS = ["LOKER", "CS", "online", "di", "Kamboja", "Myanmar", "gaji", "USD", "1.500", "per", "bulan", "tiket", "&",
         "visa", "ditanggung", "tanpa", "pengalaman", "usia", "18-35", "berangkat", "minggu", "ini", "DM", "Telegram",
         "@hr_kh", "WA", "0812-3456-7890", "free", "ticket", "high", "salary", "customer", "service", "Cambodia",
         "no", "experience", "needed", "passport", "ditahan", "高薪", "柬埔寨", "เงินเดือนสูง", "กัมพูชา", "lương", "cao"]
SCAM_TEXT = st.builds(_scam_like, st.lists(st.sampled_from(WORDS), min_size=1, max_size=30),
                      st.integers(0, 2**32), st.integers(0, 3))


# ---------------------------------------------------------------- normaliser
@SETTINGS
@given(TEXT)
def test_normalised_spans_index_the_original_text(text):
    n = normalize(text)
    assert len(n.starts) == len(n.ends) == len(n.text)
    previous = 0
    for a, b in zip(n.starts, n.ends):
        assert 0 <= a < b <= len(text)
        assert a >= previous  # in order
        previous = a
    for i in range(len(n.text)):
        for j in range(i + 1, min(len(n.text), i + 12) + 1):
            a, b = n.span(i, j)
            assert 0 <= a < b <= len(text)


@SETTINGS
@given(st.one_of(TEXT, SCAM_TEXT))
def test_normalisation_is_idempotent(text):
    once = normalize_text(text)
    assert normalize_text(once) == once


# ---------------------------------------------------------------- flags
@SETTINGS
@given(st.one_of(SCAM_TEXT, TEXT))
def test_flag_evidence_is_quoted_exactly_from_the_ad(text):
    for hit in flags.match(normalize(text), text):
        assert hit.evidence
        for e in hit.evidence:
            assert 0 <= e.start < e.end <= len(text)
            assert text[e.start:e.end] == e.text


# ---------------------------------------------------------------- contacts
@SETTINGS
@given(st.one_of(TEXT, SCAM_TEXT))
def test_contacts_index_the_text_in_order_without_overlaps(text):
    found = find_contacts(text)
    end = 0
    for c in found:
        assert text[c.start:c.end] == c.text and c.start < c.end
        assert c.start >= end
        end = c.end


@SETTINGS
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(1, 8)), max_size=30))
def test_span_set_agrees_with_a_plain_list(spans):
    taken, plain = SpanSet(), []
    for s, length in spans:
        e = s + length
        assert taken.overlaps(s, e) == any(s < te and ts < e for ts, te in plain)
        if not any(s < te and ts < e for ts, te in plain):
            taken.add(s, e)
            plain.append((s, e))


# ---------------------------------------------------------------- readers
CHUNKS = [b'{"text": "gaji USD 1.500"}', b'{"text": 5}', b'{broken', b"[[[", b"null", b'{"text": "\\ud800"}',
          b"\n", b"\r\n", b"\r", b'"', b",", b"\t", b"\x00", b"\xff", b"\xe9", "é".encode(), b"\xef\xbb\xbf",
          b"text", b"id", b"  ", b"gaji", "月薪".encode(), b"1" * 40]
BYTES = st.one_of(st.binary(max_size=300), st.lists(st.sampled_from(CHUNKS), max_size=40).map(b"".join))


def _decoded_lines(path: Path) -> list[str]:
    f, _ = readers._open_text(str(path), None)
    with f:
        return list(io.StringIO(f.read(), newline=""))


def _read(suffix: str, data: bytes):
    """(rows, lines) or (None, error message) for `data` written to a file with this suffix."""
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"posts{suffix}"
        path.write_bytes(data)
        try:
            rows = list(readers.read_rows(str(path)))
        except readers.InputError as exc:
            return None, str(exc)
        return rows, _decoded_lines(path)


def _check_rows(rows):
    lines = [r.line for r in rows]
    assert lines == sorted(lines) and len(set(lines)) == len(lines)  # in input order, one row per record
    for r in rows:
        assert (r.error is None) != (r.text is None)  # a text to score, or an error saying why not
        if r.text is not None:
            assert r.text.strip() and len(r.text) <= readers.MAX_TEXT_CHARS


@SETTINGS
@given(BYTES)
def test_jsonl_reader_keeps_every_non_blank_line(data):
    rows, lines = _read(".jsonl", data)
    if rows is None:
        assert "\n" not in lines
        return
    _check_rows(rows)
    assert [r.line for r in rows] == [n for n, line in enumerate(lines, 1) if line.strip()]


@SETTINGS
@given(BYTES)
def test_txt_reader_keeps_every_post(data):
    rows, lines = _read(".txt", data)
    if rows is None:
        assert "\n" not in lines
        return
    _check_rows(rows)
    starts = [n for n, line in enumerate(lines, 1) if line.strip() and (n == 1 or not lines[n - 2].strip())]
    assert [r.line for r in rows] == starts


@SETTINGS
@given(st.one_of(BYTES, BYTES.map(lambda b: b"id,text\n" + b)))
@pytest.mark.parametrize("suffix", [".csv", ".tsv"])
def test_delimited_reader_keeps_every_record(suffix, data):
    rows, lines = _read(suffix, data)
    if rows is None:
        assert "\n" not in lines
        return
    _check_rows(rows)
    # every non-blank line after the header starts a row, or lies inside a row's multi-line field
    by_line = {r.line: r for r in rows}
    head = csv.reader(io.StringIO("".join(lines), newline=""), delimiter="," if suffix == ".csv" else "\t")
    next(head, None)
    header = head.line_num  # the header's last line
    current = None
    for n, line in enumerate(lines, 1):
        if n <= header:
            continue
        if n in by_line:
            current = by_line[n]
        elif line.strip():
            assert current is not None and any("\n" in str(v) or "\r" in str(v) for v in current.data.values()), (n, line)
