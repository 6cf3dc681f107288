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
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from . import contacts

NORMALIZER_VERSION = 1

# Cyrillic and Greek letters that look like Latin ones (after case folding).
HOMOGLYPHS = str.maketrans({
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c",
    "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "ԁ": "d", "ӏ": "l", "ɡ": "g",
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
    "υ": "u", "χ": "x", "ω": "w", "σ": "o", "ς": "c", "μ": "u",
})
LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g", "@": "a", "$": "s", "!": "i", "|": "l"}
# Number + unit tokens that must keep their digits ("5jt", "8juta", "3k", "20rb", "24h").
_UNIT_TOKEN = re.compile(r"\d+(?:[.,]\d+)?(?:jt|juta|jeti|rb|ribu|k|m|usd|rm|php|thb|vnd|tr|h|hr|hrs|th|thn|tahun|bulan|bln|x|am|pm|st|nd|rd|an)$")
_CURRENCY_TOKEN = re.compile(r"(?:rp|rm|usd|idr|php|thb|myr|aed|inr|rs|us|p)\d")
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


def _norm_grapheme(grapheme: str) -> str:
    out = _GRAPHEME_CACHE.get(grapheme)
    if out is None:
        base = grapheme[0]
        if _is_dropped(base):
            out = ""
        elif _is_symbol(base):
            out = " "
        else:
            out = "".join(ch for ch in unicodedata.normalize("NFKC", grapheme).casefold().translate(HOMOGLYPHS)
                          if not _is_dropped(ch))
        if len(_GRAPHEME_CACHE) < 100_000:
            _GRAPHEME_CACHE[grapheme] = out
    return out


def _other_pass(text: str, a: int, b: int, chars: list[str], offs: list[tuple[int, int]]) -> None:
    i = a
    while i < b:
        j = i + 1
        while j < b and _is_mark(text[j]):
            j += 1
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
        if a > last:
            _other_pass(text, last, a, chars, offs)
        chars.extend(m.group().lower().translate(_ASCII_MAP))
        offs.extend(zip(range(a, b), range(a + 1, b + 1)))
        last = b
    if last < len(text):
        _other_pass(text, last, len(text), chars, offs)
    return chars, offs


Spans = list[tuple[int, int]]


def _rewrite(text: str, offs: Spans, pattern: re.Pattern[str], repl) -> tuple[str, Spans]:
    """Apply `repl(match) -> str | None` to every match, keeping the offset map in step."""
    matches = list(pattern.finditer(text))
    if not matches:
        return text, offs
    out: list[str] = []
    new_offs: Spans = []
    last = 0
    for m in matches:
        r = repl(m)
        if r is None:
            continue
        s, e = m.span()
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


def _contact_repl(kind: str):
    placeholder = " " + contacts.PLACEHOLDER[kind] + " "

    def repl(m: re.Match[str]):
        if kind == "phone" and contacts.normalise_phone(m.group()) is None:
            return None
        return placeholder

    return repl


def _despace(m: re.Match[str]) -> _Aligned:
    src = [k for k, ch in enumerate(m.group()) if ch.isalpha()]
    return _Aligned("".join(m.group()[k] for k in src), src)


def _latin(c: str) -> bool:
    return c.isalpha() and ord(c) < 0x250


def _unleet(m: re.Match[str]):
    tok = m.group()
    if tok.isalpha() or tok.isdigit() or not any(c in LEET for c in tok) or _UNIT_TOKEN.match(tok) or _CURRENCY_TOKEN.match(tok):
        return None
    letters = sum(_latin(c) for c in tok)
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
    if not changed:
        return None
    return _Aligned("".join(chars), list(range(len(tok))))


def _shorten(m: re.Match[str]) -> _Aligned:
    return _Aligned(m.group(1), [0])


def _collapse(m: re.Match[str]) -> _Aligned:
    return _Aligned(" ", [0])


def normalize(text: str) -> Normalized:
    chars, offs = _unicode_pass(text)
    s = "".join(chars)
    for kind, pattern in contacts.PATTERNS:
        s, offs = _rewrite(s, offs, pattern, _contact_repl(kind))
    s, offs = _rewrite(s, offs, _SPACED, _despace)
    s, offs = _rewrite(s, offs, _TOKEN, _unleet)
    s, offs = _rewrite(s, offs, _REPEAT, _shorten)
    s, offs = _rewrite(s, offs, _SPACE, _collapse)
    # Trim, keeping the map aligned.
    lead = len(s) - len(s.lstrip(" "))
    s2 = s.strip(" ")
    offs = offs[lead:lead + len(s2)]
    return Normalized(s2, tuple(o[0] for o in offs), tuple(o[1] for o in offs))


def normalize_text(text: str) -> str:
    return normalize(text).text
