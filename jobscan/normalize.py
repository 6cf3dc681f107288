"""Text normalisation shared by training and scoring, with a map back to the original text.

`normalize(text)` returns the normalised string and, for every character of it, the index of the
original character it came from, so that evidence found in normalised text can be quoted from
the ad exactly as given. Steps, in order:

1. Unicode NFKC per grapheme (base character plus combining marks), case folding, removal of
   zero-width and other format characters, emoji and symbols turned into spaces, Cyrillic and
   Greek look-alike letters mapped to Latin.
2. Contacts (messenger links, URLs, emails, handles, phone numbers) replaced by placeholder
   tokens such as ``__phone__``: no personal data reaches the features.
3. Obfuscation undone: s p a c e d letters joined, l33t digits inside words turned back into
   letters, letters repeated three or more times shortened.
4. Whitespace collapsed.

Steps 2-4 run again while a round changed something another round could act on, so the result is
a fixed point: normalising normalised text changes nothing (tests/test_properties.py).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from . import contacts

NORMALIZER_VERSION = 3  # 3: l33t words and short words, marks after zero-width characters, fixed point

# Cyrillic and Greek letters that look like Latin ones (after case folding).
HOMOGLYPHS = str.maketrans({
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c",
    "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "ԁ": "d", "ӏ": "l", "ɡ": "g",
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
    "υ": "u", "χ": "x", "ω": "w", "σ": "o", "ς": "c", "μ": "u",
})
LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g", "@": "a", "$": "s", "!": "i", "|": "l"}
# Number + unit tokens that must keep their digits ("5jt", "8juta", "3k", "20rb", "24h").
_UNIT_TOKEN = re.compile(r"\d+(?:[.,]\d+)?(?:jt|juta|jeti|rb|ribu|k|m|usd|rm|php|thb|vnd|tr|h|hr|hrs|th|thn|tahun|bulan|bln|x|am|pm|an"
                         r"|s|jam|hari|menit|mnt|minggu|mgg|kg|gb|pcs|yo|min|mins|days?|hours?|weeks?|months?|years?|yrs?)$")
_ORDINAL_TOKEN = re.compile(r"\d*(?:1st|2nd|3rd)$")
# A currency followed by an amount ("rp5jt", "usd1500"), not a word that starts like one ("p4y", "p0sisi").
_CURRENCY_TOKEN = re.compile(r"(?:rp|rm|usd|idr|php|thb|myr|aed|inr|rs|us|p)\d+(?:[.,]\d+)?(?:jt|juta|rb|ribu|k|m|an)?$")
# Acronyms with a leet-like digit that are real words in the ads (Indonesian migrant-worker agencies).
_KEEP_TOKENS = frozenset({"p3mi", "bp3mi", "sip3mi"})
_LEET_DIGITS = frozenset(c for c in LEET if c.isdigit())
_TOKEN = re.compile(r"[\w@$!|]+")
_SPACED = re.compile(r"(?<![^\W\d_])(?:[^\W\d_][ .\-*·_]){3,}[^\W\d_](?![^\W\d_])")
_REPEAT = re.compile(r"([^\W\d_])\1{2,}")
_SPACE = re.compile(r"\s{2,}|[^\S ]")


@dataclass(frozen=True)
class Normalized:
    text: str
    starts: tuple[int, ...]  # text[i] came from original[starts[i]:ends[i]]
    ends: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that normalised text[start:end] came from."""
        if not self.text:
            return 0, 0
        start = min(start, len(self.text) - 1)
        end = max(end, start + 1)
        return self.starts[start], max(self.ends[start:end])


def _is_dropped(ch: str) -> bool:
    cat = unicodedata.category(ch)
    return cat == "Cf" or ch in "\ufe0e\ufe0f" or 0xE0000 <= ord(ch) <= 0xE007F


def _is_symbol(ch: str) -> bool:
    cat = unicodedata.category(ch)
    return cat in ("So", "Sk", "Cs", "Co") or 0x1F000 <= ord(ch) <= 0x1FAFF


# ASCII runs take a fast path (lower-casing); an ASCII letter followed by a combining mark is
# left to the per-grapheme path so that NFKC can compose it ("e" + U+0301 -> "é").
_ASCII_RUN = re.compile(r"(?:[\x00-\x7f](?![\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]))+")
_ASCII_MAP = str.maketrans({"^": " ", "`": " "})
_GRAPHEME_CACHE: dict[str, str] = {}
_MARK_CACHE: dict[str, bool] = {}


def _is_mark(ch: str) -> bool:
    r = _MARK_CACHE.get(ch)
    if r is None:
        r = unicodedata.category(ch).startswith("M") and ch not in "\ufe0e\ufe0f"
        if len(_MARK_CACHE) < 100_000:
            _MARK_CACHE[ch] = r
    return r


# Emoji that carry meaning in warnings and questions become word tokens; other symbols, spaces.
EMOJI_TOKENS = {"🚩": " __redflag__ ", "⚠": " __warnsign__ ", "❌": " __cross__ ", "🚫": " __cross__ ", "⛔": " __cross__ ",
                "❓": " ? ", "❔": " ? ", "🤔": " ? "}


_DROP_CACHE: dict[str, bool] = {}


def _is_dropped_cached(ch: str) -> bool:
    r = _DROP_CACHE.get(ch)
    if r is None:
        r = _is_dropped(ch)
        if len(_DROP_CACHE) < 100_000:
            _DROP_CACHE[ch] = r
    return r


def _norm_grapheme(grapheme: str) -> str:
    out = _GRAPHEME_CACHE.get(grapheme)
    if out is None:
        key = grapheme
        base = grapheme[0]
        if len(grapheme) > 1 and not _is_dropped(base):
            grapheme = base + "".join(ch for ch in grapheme[1:] if not _is_dropped(ch))
        if base in EMOJI_TOKENS:
            out = EMOJI_TOKENS[base]
        elif _is_dropped(base):
            out = ""
        elif _is_symbol(base):
            out = " "
        else:
            # NFKC again after case folding and look-alikes: "а́" (Cyrillic a + accent) becomes "á",
            # exactly what normalising "a" + accent gives, so a second pass changes nothing.
            folded = unicodedata.normalize("NFKC", grapheme).casefold().translate(HOMOGLYPHS)
            out = "".join(ch for ch in unicodedata.normalize("NFKC", folded) if not _is_dropped(ch))
        if len(_GRAPHEME_CACHE) < 100_000:
            _GRAPHEME_CACHE[key] = out
    return out


def _other_pass(text: str, a: int, b: int, chars: list[str], offs: list[tuple[int, int]]) -> None:
    i = a
    while i < b:
        j = i + 1
        while j < b:
            if _is_mark(text[j]):
                j += 1
                continue
            k = j  # zero-width characters between a letter and its mark ("ร" + ZWSP + "ี") go, the mark stays
            while k < b and _is_dropped_cached(text[k]):
                k += 1
            if k == j or k == b or not _is_mark(text[k]):
                break
            j = k + 1
        for ch in _norm_grapheme(text[i:j]):
            chars.append(ch)
            offs.append((i, j))
        i = j


def _unicode_pass(text: str) -> tuple[list[str], list[tuple[int, int]]]:
    chars: list[str] = []
    offs: list[tuple[int, int]] = []
    last = 0
    for m in _ASCII_RUN.finditer(text):
        a, b = m.span()
        k = b
        while k < len(text) and _is_dropped_cached(text[k]):
            k += 1
        if k < len(text) and _is_mark(text[k]):
            # a mark outside the ranges above, or after a zero-width character: compose per grapheme
            b -= 1
            if b <= a:
                continue
        if a > last:
            _other_pass(text, last, a, chars, offs)
        chars.extend(text[a:b].lower().translate(_ASCII_MAP))
        offs.extend(zip(range(a, b), range(a + 1, b + 1)))
        last = b
    if last < len(text):
        _other_pass(text, last, len(text), chars, offs)
    return chars, offs


Spans = list[tuple[int, int]]


def _rewrite(text: str, offs: Spans, pattern: re.Pattern[str], repl, absorb_marks: bool = False) -> tuple[str, Spans]:
    """Apply `repl(match) -> str | None` to every match, keeping the offset map in step. With
    `absorb_marks`, combining marks right after a match are replaced with it (a handle ending in
    a letter with an accent that has no precomposed form)."""
    matches = list(pattern.finditer(text))
    if not matches:
        return text, offs
    out: list[str] = []
    new_offs: Spans = []
    last = 0
    for m in matches:
        s, e = m.span()
        if s < last:
            continue
        r = repl(m)
        if r is None:
            continue
        if absorb_marks:
            while e < len(text) and _is_mark(text[e]):
                e += 1
        out.append(text[last:s])
        new_offs.extend(offs[last:s])
        out.append(r)
        if isinstance(r, _Aligned):
            new_offs.extend(offs[s + k] for k in r.source)
        else:
            whole = (offs[s][0], offs[e - 1][1])
            new_offs.extend([whole] * len(r))
        last = e
    out.append(text[last:])
    new_offs.extend(offs[last:len(text)])
    return "".join(out), new_offs


class _Aligned(str):
    """A replacement string whose characters each come from a known position of the match."""

    source: list[int]

    def __new__(cls, value: str, source: list[int]):
        obj = super().__new__(cls, value)
        obj.source = source
        return obj


def _touches(text: str, start: int, end: int) -> bool:
    """Whether a contact at text[start:end] touches a character that a contact pattern's context
    looks at (a letter, digit or one of @+.-/): with the contact replaced, that context changes."""
    while end < len(text) and _is_mark(text[end]):
        end += 1
    return any(c.isalnum() or c in "_@+.-/" for c in (text[start - 1:start], text[end:end + 1]) if c)


def _contact_repl(kind: str, touched: list[bool] | None = None):
    placeholder = " " + contacts.PLACEHOLDER[kind] + " "

    def repl(m: re.Match[str]):
        if kind == "phone" and contacts.normalise_phone(m.group()) is None:
            return None
        if touched is not None and not touched[0]:
            touched[0] = _touches(m.string, m.start(), m.end())
        return placeholder

    return repl


def _despace(m: re.Match[str]) -> _Aligned:
    g = m.group()
    src = [k for k, ch in enumerate(g) if ch.isalpha()]
    return _Aligned("".join(g[k] for k in src), src)


def _latin(c: str) -> bool:
    return c.isalpha() and (ord(c) < 0x250 or 0x1E00 <= ord(c) <= 0x1EFF)  # incl. Vietnamese letters


_EDGE_DIGITS = re.compile(r"^(\d*)\D.*?(\d*)$", re.S)
_VOWEL = re.compile(r"[aeiouy]")
_INNER_DIGIT = re.compile(r"(?<=[^\W\d_])\d(?=[^\W\d_])")  # "t1k37"
_DIMENSION = re.compile(r"\d+x\d+$")  # "3x4" (photo size), "1x24"


def _leet_word(tok: str) -> bool:
    """A token of letters and letter-like digits that reads as a l33t word ("k4mb0j4", "71dak", "7h3")
    rather than a number with a unit or a code ("30wpm", "info838", "x10"): digits at either end
    form runs of at most two, and a run of two goes with a vowel or a digit between two letters."""
    m = _EDGE_DIGITS.match(tok)
    lead, trail = (len(m.group(1)), len(m.group(2))) if m else (0, 0)
    if max(lead, trail) > 2 or _DIMENSION.match(tok):
        return False
    return max(lead, trail) < 2 or bool(_VOWEL.search(tok) or _INNER_DIGIT.search(tok))


def _unleet_step(tok: str) -> str | None:
    if tok.isalpha() or tok.isdigit() or not any(c in LEET for c in tok) or tok in _KEEP_TOKENS \
            or _UNIT_TOKEN.match(tok) or _ORDINAL_TOKEN.match(tok) or _CURRENCY_TOKEN.match(tok):
        return None
    letters = sum(_latin(c) for c in tok)
    if letters and len(tok) >= 3 and all(_latin(c) or c in _LEET_DIGITS for c in tok) and _leet_word(tok):
        return "".join(LEET.get(c, c) for c in tok)
    if letters < 2:
        return None
    chars = list(tok)
    changed = False
    for k, c in enumerate(tok):
        if c not in LEET:
            continue
        if c.isdigit() and ((k > 0 and tok[k - 1].isdigit()) or (k + 1 < len(tok) and tok[k + 1].isdigit())):
            continue  # part of a number, not a letter
        left = _latin(tok[k - 1]) if k > 0 else False
        right = _latin(tok[k + 1]) if k + 1 < len(tok) else False
        if (left or right) and not (c in "!|" and not (left and right)):
            chars[k] = LEET[c]
            changed = True
    return "".join(chars) if changed else None


def _unleet(m: re.Match[str]):
    """A token with l33t characters read as letters. Repeated until nothing changes (a character
    turned into a letter can make its neighbour readable), so normalising twice changes nothing."""
    tok = cur = m.group()
    if m.end() < len(m.string) and _is_mark(m.string[m.end()]):
        return None  # "0" + accent: left alone, else a second pass would compose "o" + accent
    while (nxt := _unleet_step(cur)) is not None and nxt != cur:
        cur = nxt
    return None if cur == tok else _Aligned(cur, list(range(len(tok))))


def _unleet_short(m: re.Match[str]):
    """A two-character l33t word ("d1", "7o", "k3"); only used in an ad that has other l33t words,
    since alone such tokens are more often codes ("S1", "D3", "K3", "4G")."""
    tok = m.group()
    if len(tok) != 2 or _UNIT_TOKEN.match(tok) or _CURRENCY_TOKEN.match(tok) \
            or (m.end() < len(m.string) and _is_mark(m.string[m.end()])):
        return None
    a, b = tok
    if not ((_latin(a) and b in _LEET_DIGITS) or (a in _LEET_DIGITS and _latin(b))):
        return None
    return _Aligned(LEET.get(a, a) + LEET.get(b, b), [0, 1])


LEET_WORDS_FOR_SHORT = 2  # l33t words an ad needs before its two-character tokens are read as l33t too


def _shorten(m: re.Match[str]) -> _Aligned:
    return _Aligned(m.group(1), [0])


def _collapse(m: re.Match[str]) -> _Aligned:
    return _Aligned(" ", [0])


def _rewrites(s: str, offs: Spans) -> tuple[str, Spans, bool]:
    """Steps 2-4 once; the flag says whether letters were joined or decoded (which can make new
    contacts, l33t words or repeats for another round)."""
    for _ in range(8):  # again when a replaced contact touched its neighbours: "0812…@x" has a handle once the phone is gone
        touched = [False]
        for kind, pattern in contacts.PATTERNS:
            s, offs = _rewrite(s, offs, pattern, _contact_repl(kind, touched), absorb_marks=True)
        if not touched[0]:
            break
    before = s
    s, offs = _rewrite(s, offs, _SPACED, _despace)
    joined = s != before
    decoded = 0

    def unleet(m: re.Match[str]):
        nonlocal decoded
        r = _unleet(m)
        decoded += r is not None
        return r

    s, offs = _rewrite(s, offs, _TOKEN, unleet)
    if decoded >= LEET_WORDS_FOR_SHORT:
        s, offs = _rewrite(s, offs, _TOKEN, _unleet_short)
    s, offs = _rewrite(s, offs, _REPEAT, _shorten)
    s, offs = _rewrite(s, offs, _SPACE, _collapse)
    return s, offs, joined or decoded > 0


def normalize(text: str) -> Normalized:
    chars, offs = _unicode_pass(text)
    s = "".join(chars)
    # Steps 2-4 again while a round joined or decoded letters, or collapsing spaces lined up
    # s p a c e d letters: the result is a fixed point, so normalising twice changes nothing.
    for _ in range(8):  # bounded: a fixed point comes after one or two rounds
        s, offs, changed = _rewrites(s, offs)
        if not changed and not _SPACED.search(s):
            break
    # Trim, keeping the map aligned.
    lead = len(s) - len(s.lstrip(" "))
    s2 = s.strip(" ")
    offs = offs[lead:lead + len(s2)]
    return Normalized(s2, tuple(o[0] for o in offs), tuple(o[1] for o in offs))


def normalize_text(text: str) -> str:
    return normalize(text).text
