"""Contact patterns (phones, messenger links, handles, emails): found, normalised, masked.

The same patterns serve two jobs: the normaliser replaces every match with a placeholder token
so that no personal data reaches the model's features, and `extract_contacts` reports them,
normalised, so volunteers can see who is behind a post.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Iterable

# Order matters: links and emails first, so their digits and @ are not read as phones/handles.
WA_LINK = re.compile(r"(?:https?://)?(?:wa\.me|api\.whatsapp\.com/send\?phone=|chat\.whatsapp\.com)/?[\w+/?=&.-]*", re.I)
TG_LINK = re.compile(r"(?:https?://)?(?:t\.me|telegram\.me|telegram\.dog)/[\w+/]+", re.I)
# Lengths are bounded as in DNS and mail addresses (labels of at most 63 characters, at most 16 of
# them; a local part of at most 64): unbounded, "a.a.a.a…" made these patterns quadratic.
URL = re.compile(r"(?:https?://|www\.)[^\s<>\"']+|\b[\w-]{1,63}(?:\.[\w-]{1,63}){0,16}\.(?:com|net|org|id|co|me|ly|io|info|biz|xyz|site|online|top|ph|my|kh|vn|th|cn)/[^\s<>\"']*", re.I)
EMAIL = re.compile(r"\b[\w.+-]{1,64}@[\w-]+(?:\.[\w-]+)+\b")
HANDLE = re.compile(r"(?<![\w@.])@[A-Za-z_][\w.]{2,31}(?<!\.)")
# Phone numbers: optional +country code, then 8-15 digits with spaces, dots, dashes or brackets.
PHONE = re.compile(r"(?<![\w+])(?:\+|00)?\d(?:[\s.\-()]{0,2}\d){7,14}(?!\w)")

KINDS = ("whatsapp_link", "telegram_link", "email", "url", "handle", "phone")
PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("whatsapp_link", WA_LINK),
    ("telegram_link", TG_LINK),
    ("email", EMAIL),
    ("url", URL),
    ("handle", HANDLE),
    ("phone", PHONE),
)

# Placeholder tokens that stand in for contacts in normalised text.
PLACEHOLDER = {
    "whatsapp_link": "__walink__",
    "telegram_link": "__tglink__",
    "email": "__email__",
    "url": "__url__",
    "handle": "__handle__",
    "phone": "__phone__",
}

_COUNTRY_CODES = ("62", "855", "63", "60", "66", "84", "95", "856", "86", "65", "971", "91", "880", "94", "977", "254", "234", "233")
_TRUNK_DEFAULT = {"08": "62"}  # Indonesian mobiles written 08xx


@dataclass(frozen=True)
class Contact:
    kind: str
    value: str  # normalised
    text: str  # as written
    start: int
    end: int

    def to_dict(self) -> dict:
        return {"kind": self.kind, "value": self.value, "text": self.text, "start": self.start, "end": self.end}


def normalise_phone(raw: str) -> str | None:
    digits = re.sub(r"\D", "", raw)
    if raw.strip().startswith("00"):
        digits = digits[2:]
        return "+" + digits if 8 <= len(digits) <= 15 else None
    if raw.strip().startswith("+"):
        return "+" + digits if 8 <= len(digits) <= 15 else None
    for prefix, cc in _TRUNK_DEFAULT.items():
        if digits.startswith(prefix) and 10 <= len(digits) <= 13:
            return "+" + cc + digits[1:]
    for cc in _COUNTRY_CODES:
        if digits.startswith(cc) and len(digits) >= 10:
            return "+" + digits
    if 9 <= len(digits) <= 12 and digits.startswith("0"):
        return digits  # national format, country unknown
    return None


def _normalise(kind: str, raw: str) -> str | None:
    if kind == "phone":
        return normalise_phone(raw)
    if kind == "whatsapp_link":
        m = re.search(r"(\d{8,15})", raw)
        return f"wa.me/{m.group(1)}" if m else raw.lower().split("://")[-1].rstrip("/.")
    if kind == "telegram_link":
        name = raw.rstrip("/.").rsplit("/", 1)[-1]
        return "@" + name.lower()
    if kind == "handle":
        return raw.lower().rstrip(".")
    if kind == "email":
        return raw.lower()
    return raw.lower().split("://")[-1].rstrip("/.,")


class SpanSet:
    """Non-overlapping spans taken so far; `overlaps` and `add` cost O(log n), so an input with
    100,000 contacts or amounts is not quadratic."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def overlaps(self, s: int, e: int) -> bool:
        i = bisect.bisect_right(self._starts, s)
        return (i > 0 and self._ends[i - 1] > s) or (i < len(self._starts) and self._starts[i] < e)

    def add(self, s: int, e: int) -> None:
        """Take [s, e); spans it overlaps are merged into it, so the set stays non-overlapping."""
        i = bisect.bisect_right(self._starts, s)
        if i > 0 and self._ends[i - 1] > s:
            i -= 1
        j = i
        while j < len(self._starts) and self._starts[j] < e:
            j += 1
        if j > i:
            s, e = min(s, self._starts[i]), max(e, self._ends[j - 1])
        self._starts[i:j] = [s]
        self._ends[i:j] = [e]


# Cheap tests that skip the patterns on most ads (tests/test_speedpaths_contacts.py checks that
# they never skip a match). For each kind, a piece of every match, searched for first, and how far
# before it a match can start (None: anywhere).
_HINTS = {
    "whatsapp_link": (re.compile(r"\.(?:me(?<=wa\.me)|com(?<=app\.com))", re.I), None),  # wa.me, whatsapp.com
    "telegram_link": (re.compile(r"\.(?:me|dog)/", re.I), None),
    "email": (re.compile(r"@[\w-]+\."), 64),  # its "@" and domain
    "url": (re.compile(r"://|\.(?:[^\W\d_]{2,6}/|(?<=www\.))", re.I), None),  # ://, www., a top-level domain and /
    "handle": (re.compile(r"@"), 0),
    "phone": (re.compile(r"\d(?:[\s.\-()]{0,2}\d){7}"), 2),  # eight digits, after "+" or "00"
}
# Where a match can start, for the patterns that are tried only there (the others are run from
# the first place a match can start): a handle at its "@"; a phone at "+", "00" or a digit that
# seven more digits follow, each after at most two separators.
_STARTS = {"handle": re.compile(r"@"), "phone": re.compile(r"[+\d](?:[\s.\-()]{0,2}\d){7}")}


def _matches(kind: str, pattern: re.Pattern[str], text: str) -> Iterable[re.Match[str]]:
    """The matches of `pattern.finditer(text)` (none of them is empty), looked for only where a
    cheap test allows."""
    if kind not in _HINTS:
        return pattern.finditer(text)
    hint, reach = _HINTS[kind]
    found = hint.search(text)
    if found is None:
        return ()
    pos = 0 if reach is None else max(0, found.start() - reach)  # no match starts before
    starts = _STARTS.get(kind)
    if starts is None:
        return pattern.finditer(text, pos)
    matches = []
    while (start := starts.search(text, pos)) is not None:
        m = pattern.match(text, start.start())
        if m:
            matches.append(m)
        pos = m.end() if m else start.start() + 1
    return matches


def find_contacts(text: str) -> list[Contact]:
    """Every contact in `text`, in order, without overlaps; spans index `text` exactly."""
    taken = SpanSet()
    found: list[Contact] = []
    for kind, pattern in PATTERNS:
        for m in _matches(kind, pattern, text):
            s, e = m.span()
            if taken.overlaps(s, e):
                continue
            value = _normalise(kind, m.group())
            if value is None:
                continue
            taken.add(s, e)
            found.append(Contact(kind, value, m.group(), s, e))
    found.sort(key=lambda c: c.start)
    return found


def extract_contacts(text: str) -> list[dict]:
    """Distinct normalised contacts (links to sites that are not messengers are left out)."""
    seen: set[tuple[str, str]] = set()
    out = []
    for c in find_contacts(text):
        if c.kind == "url":
            continue
        key = (c.kind, c.value)
        if key not in seen:
            seen.add(key)
            out.append(c.to_dict())
    return out


def redact(text: str) -> str:
    """`text` with every contact replaced by a mask such as [phone]."""
    parts = []
    last = 0
    for c in find_contacts(text):
        parts.append(text[last:c.start])
        parts.append(f"[{c.kind}]")
        last = c.end
    parts.append(text[last:])
    return "".join(parts)
