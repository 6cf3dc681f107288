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

Speed (a 60-word post: ~60 µs, was ~450 µs; normalize_text the same): the map back to the
original is built only when asked for (`Normalized.starts`, `.ends`, `.span`), from what each step
replaced (`_History`), and as runs rather than one pair per character (`_Offsets`). Each pattern is
first given a *hint*, a cheap regex (starting with a literal or a character set, so the engine
jumps between candidates in C) that every match of the pattern implies: no hint, no scan with the
pattern, the usual case. Step 1 works stretch by stretch of the characters that do not lower-case
like ASCII, each stretch's result cached. tests/test_normalize_fast.py checks every shortcut
against the plain way.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from itertools import accumulate, chain, groupby
from operator import itemgetter

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
# A whitespace run of two or more characters, or one whitespace character other than a space:
# the matches of `\s{2,}|[^\S ]`, written to start with `\s` so that the regex engine skips from
# one whitespace character to the next instead of trying the pattern at every position.
_SPACE = re.compile(r"\s(?:\s+|(?<=[^\S ]))")
_SPACES = re.compile(r"  +")  # the same matches in text whose only whitespace is spaces

# Hints. A hint finds a piece that every match of its pattern contains (same flags), so where the
# hint finds nothing the pattern finds nothing, and the usual post skips the pattern. Each hint
# starts with a literal or a character set, which the regex engine jumps to in C; most of the
# patterns start with a look-behind or a letter class and are tried at every position, ~50 ns each.
_SPACED_HINT = re.compile(r"[ .\-*·_]\w[ .\-*·_]\w[ .\-*·_]")  # the middle of "x.x.x.x"
_REPEAT_HINT = re.compile(r"(.)\1\1(?<=[^\W\d_])", re.S)  # three of the same letter
# _unleet and _unleet_short only change l33t characters next to a (Latin) letter.
_LEET_HINT = re.compile(r"[013457-9@$!|](?:(?=[^\W\d_])|(?<=[^\W\d_].))")
_TOKEN_CHARS = re.compile(r"[\w@$!|]*")

# Hints for the contact patterns, each for the pattern's source and flags it was written for: a
# contact pattern that contacts.py changes runs without its hint (slower, never wrong), and
# tests/test_normalize_fast.py says so. Two kinds: a piece inside every match (_Inside, which the
# links share: one scan for three patterns), or a pattern that matches wherever a match starts
# (_Start: the pattern is tried only there).
class _Inside:
    def __init__(self, hint: re.Pattern[str], literal: str = "") -> None:
        self.hint = hint
        self.literal = literal  # also a hint, looked for with `in`

    def matches(self, pattern: re.Pattern[str], s: str, seen: dict[int, bool]) -> list[re.Match[str]]:
        """`seen`: the hints already looked for in `s`, by id."""
        found = seen.get(id(self))
        if found is None:
            found = seen[id(self)] = bool(self.literal and self.literal in s) or self.hint.search(s) is not None
        return list(pattern.finditer(s)) if found else []


class _Start:
    def __init__(self, hint: re.Pattern[str], inside: re.Pattern[str] | None = None, back: int = 0,
                 shift: int = 0) -> None:
        self.hint = hint  # matches `shift` characters after wherever a match starts
        self.inside = inside  # optional: a piece inside every match, that starts at most `back` after it
        self.back = back
        self.shift = shift

    def matches(self, pattern: re.Pattern[str], s: str, seen: dict[int, bool] | None = None) -> list[re.Match[str]]:
        """pattern.finditer(s): its leftmost match from `pos` starts at the first place from `pos`
        where the hint matches (`shift` characters on) and the pattern matches too."""
        found = []
        pos = 0
        if self.inside is not None:
            if (h := self.inside.search(s)) is None:
                return found
            pos = max(0, h.start() - self.back)
        while (h := self.hint.search(s, pos + self.shift)) is not None:
            start = h.start() - self.shift
            m = pattern.match(s, start)
            if m is None:
                pos = start + 1
            else:
                found.append(m)
                pos = m.end()
        return found


# s p a c e d letters: the hint matches one character after a match starts.
_SPACED_START = _Start(_SPACED_HINT, shift=1)

# In every WhatsApp, Telegram or other link: "://", "www.", ".me", ".dog", ".whatsapp" or a
# top-level domain and "/".
_LINK = _Inside(re.compile(r"\.(?:(?<=www\.)|(?=[a-z])(?:me|dog|whatsapp|(?=\w{2,6}/)(?:com|net|org|id|co|me|ly|io|info"
                           r"|biz|xyz|site|online|top|ph|my|kh|vn|th|cn)/))", re.I), "://")
_I = re.IGNORECASE | re.UNICODE
_CONTACT_HINT_FOR = {
    "whatsapp_link": (r"(?:https?://)?(?:wa\.me|api\.whatsapp\.com/send\?phone=|chat\.whatsapp\.com)/?[\w+/?=&.-]*", _I,
                      _LINK),
    "telegram_link": (r"(?:https?://)?(?:t\.me|telegram\.me|telegram\.dog)/[\w+/]+", _I, _LINK),
    "email": (r"\b[\w.+-]{1,64}@[\w-]+(?:\.[\w-]+)+\b", re.UNICODE, _Inside(re.compile(r"@[\w-]+\."))),
    "url": (r"(?:https?://|www\.)[^\s<>\"']+|\b[\w-]{1,63}(?:\.[\w-]{1,63}){0,16}\.(?:com|net|org|id|co|me|ly|io|info|biz"
            r"|xyz|site|online|top|ph|my|kh|vn|th|cn)/[^\s<>\"']*", _I, _LINK),
    "handle": (r"(?<![\w@.])@[A-Za-z_][\w.]{2,31}(?<!\.)", re.UNICODE, _Start(re.compile(r"@"))),
    # A phone starts with "+", "00" or a digit and from its second character on has seven digits,
    # each after at most two separators; inside it, eight such digits start at most two characters in
    # (looked for from the first digit of a run only: where they start after a digit, they start
    # there too).
    "phone": (r"(?<![\w+])(?:\+|00)?\d(?:[\s.\-()]{0,2}\d){7,14}(?!\w)", re.UNICODE,
              _Start(re.compile(r"[+\d](?:[\s.\-()]{0,2}\d){7}"), re.compile(r"\d(?<!\d\d)(?:[\s.\-()]{0,2}+\d){7}"), 2)),
}
_CONTACT_HINTS: dict[str, _Inside | _Start] = {
    kind: hint
    for kind, pattern in contacts.PATTERNS if kind in _CONTACT_HINT_FOR
    for source, flags, hint in [_CONTACT_HINT_FOR[kind]] if (pattern.pattern, pattern.flags) == (source, flags)
}
# The same for text whose only digits are 0-9 (a character class is quicker than \d's Unicode lookup).
_CONTACT_HINTS_ASCII_DIGITS = dict(_CONTACT_HINTS)
if "phone" in _CONTACT_HINTS:
    _CONTACT_HINTS_ASCII_DIGITS["phone"] = _Start(re.compile(r"[+0-9](?:[\s.\-()]{0,2}[0-9]){7}"),
                                                  re.compile(r"[0-9](?<![0-9][0-9])(?:[\s.\-()]{0,2}+[0-9]){7}"), 2)


class _Offsets:
    """Where each character of a normalised string came from: character k came from
    original[start:end], (start, end) = at(k). Kept as runs, not one pair per character, since most
    of a post is copied as it is: run r covers characters pos[r] to pos[r + 1] - 1 (the last run: to
    n - 1) and is (a, b, step), character pos[r] + d coming from original[a + step*d:b + step*d].
    Step 1: characters copied one for one; step 0: characters sharing one span (a grapheme that
    NFKC made into several characters, a contact's placeholder)."""

    __slots__ = ("pos", "runs", "n")

    def __init__(self) -> None:
        self.pos: list[int] = []
        self.runs: list[tuple[int, int, int]] = []
        self.n = 0

    def add(self, count: int, a: int, b: int, step: int) -> None:
        """Append `count` characters of the run (a, b, step), joined to the last run if it goes on from it."""
        if count <= 0:
            return
        if count == 1:
            step = 1  # either step describes one character; 1 lets neighbouring copies join
        if self.runs:
            pa, pb, ps = self.runs[-1]
            d = self.n - self.pos[-1]
            if ps == step and ((a == pa + d and b == pb + d) if step else (a == pa and b == pb)):
                self.n += count
                return
        self.pos.append(self.n)
        self.runs.append((a, b, step))
        self.n += count

    def copy(self, other: _Offsets, x: int, y: int) -> None:
        """Append other's characters x to y - 1."""
        if x >= y:
            return
        pos, runs = other.pos, other.runs
        r = bisect_right(pos, x) - 1  # the runs of characters x and y - 1
        q = bisect_right(pos, y - 1, r) - 1
        a, b, step = runs[r]
        d = x - pos[r]
        if r == q:
            self.add(y - x, a + step * d, b + step * d, step)
            return
        self.add(pos[r + 1] - x, a + step * d, b + step * d, step)
        self._extend(pos, runs, r + 1, q)
        a, b, step = runs[q]
        self.add(y - pos[q], a, b, step)

    def shifted(self, other: _Offsets, shift: int) -> None:
        """Append all of other's characters, their spans moved `shift` characters on."""
        if not other.runs:
            return
        pos = other.pos
        runs = [(a + shift, b + shift, step) for a, b, step in other.runs] if shift else other.runs
        a, b, step = runs[0]
        if len(pos) == 1:
            self.add(other.n, a, b, step)
            return
        self.add(pos[1], a, b, step)
        self._extend(pos, runs, 1, len(pos) - 1)
        a, b, step = runs[-1]
        self.add(other.n - pos[-1], a, b, step)

    def _extend(self, pos: list[int], runs: list[tuple[int, int, int]], r: int, q: int) -> None:
        """Append whole runs r to q - 1 of (pos, runs) as they are, not joined to the last run
        (joining only makes fewer runs)."""
        if q > r:
            shift = self.n - pos[r]
            self.pos += [p + shift for p in pos[r:q]]
            self.runs += runs[r:q]
            self.n = pos[q] + shift

    def at(self, k: int) -> tuple[int, int]:
        r = bisect_right(self.pos, k) - 1
        a, b, step = self.runs[r]
        d = k - self.pos[r]
        return a + step * d, b + step * d

    def span(self, x: int, y: int) -> tuple[int, int]:
        """(start of character x, the largest end of characters x to y - 1), for 0 <= x < y <= n."""
        pos, runs = self.pos, self.runs
        r = bisect_right(pos, x) - 1
        a, b, step = runs[r]
        first = a + step * (x - pos[r])
        if r + 1 == len(pos) or y <= pos[r + 1]:  # the usual case: one run
            return first, b + step * (y - 1 - pos[r])
        best = -1
        while True:
            a, b, step = runs[r]
            stop = pos[r + 1] if r + 1 < len(pos) else self.n
            last = min(y, stop) - 1  # ends grow along a run (step >= 0): its last character has the largest
            best = max(best, b + step * (last - pos[r]))
            if stop >= y:
                return first, best
            r += 1

    def pairs(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """(starts, ends): one pair per character."""
        starts: list[int] = []
        ends: list[int] = []
        for p, q, (a, b, step) in zip(self.pos, self.pos[1:] + [self.n], self.runs):
            if step:
                starts.extend(range(a, a + q - p))
                ends.extend(range(b, b + q - p))
            else:
                starts.extend([a] * (q - p))
                ends.extend([b] * (q - p))
        return tuple(starts), tuple(ends)

    @classmethod
    def of_pairs(cls, starts: Iterable[int], ends: Iterable[int]) -> _Offsets:
        offs = cls()
        for a, b in zip(starts, ends):
            offs.add(1, a, b, 1)
        return offs


# How a normalised string came about, for building its offset map only when it is asked for (most
# callers need only the text): [step 1's map, then the replacements of each later step that changed
# the text, as [(start, end, replacement), ...] in the text of that moment]. Step 1's map is an
# _Offsets, a function making it, or the text's length if every character stayed in place.
_History = list


def _offsets(history: _History) -> _Offsets:
    base = history[0]
    if isinstance(base, int):
        offs = _Offsets()
        offs.add(base, 0, 1, 1)
    else:
        offs = base if isinstance(base, _Offsets) else base()
        if isinstance(offs, _Moved):
            offs = offs.offsets()
    for repls in history[1:]:
        offs = _replaced(offs, repls)
    return offs


class _Points:
    """A history's map looked up one character at a time, without building it (`_offsets`): a
    post's evidence needs a few characters, the whole map costs as much as normalising did. A
    character is followed back through each step's replacements to step 1's map (`_Moved.at`,
    `_Offsets.at`, or in place).

    A span's end is the end of its last character: along a map made from a history, starts and
    ends never decrease, so that is the largest end `_Offsets.span` looks for. Step 1 maps
    graphemes in order, each character to its own grapheme or character; a step keeps what it
    copies in order, characters of an _Aligned replacement come from characters of what it
    replaces in order (its `source` ascends), and those of another replacement from the start of
    its first character to the end of its last, between its neighbours'. (tests/
    test_speedpaths_offsets.py checks every span against the map.)"""

    __slots__ = ("base", "steps")

    def __init__(self, history: _History) -> None:
        base = history[0]
        self.base = base if isinstance(base, (int, _Offsets)) else base()
        steps = []
        for repls in reversed(history[1:]):
            outs = []  # where each replacement starts in the step's result
            shift = 0
            for start, end, r in repls:
                outs.append(start + shift)
                shift += len(r) - (end - start)
            steps.append((repls, outs))
        self.steps = steps

    def _back(self, k: int, last: bool) -> int:
        """The character of step 1's result that character k of the last step's result comes
        from; for a character of a replacement that is not _Aligned, the first (or with `last`,
        the last) character of what it replaced."""
        for repls, outs in self.steps:
            j = bisect_right(outs, k) - 1
            if j >= 0:
                start, end, r = repls[j]
                d = k - outs[j]
                if d < len(r):
                    k = start + r.source[d] if isinstance(r, _Aligned) else (end - 1 if last else start)
                else:
                    k = end + d - len(r)
        return k

    def span(self, x: int, y: int) -> tuple[int, int]:
        """As `_Offsets.span` of the history's map: (start of character x, end of character y - 1)."""
        a = self._back(x, False)
        b = self._back(y - 1, True)
        base = self.base
        if type(base) is int:  # every character in place
            return a, b + 1
        return base.at(a)[0], base.at(b)[1]


def _replaced(offs: _Offsets, repls: list[tuple[int, int, str]]) -> _Offsets:
    """The offset map after `repls`: characters of an _Aligned replacement come from the given
    characters of what they replace, those of another string from all of it."""
    if len(offs.runs) == 1:
        return _replaced_in_run(offs, repls)
    new = _Offsets()
    last = 0
    for start, end, r in repls:
        new.copy(offs, last, start)
        if isinstance(r, _Aligned):
            src = r.source
            if isinstance(src, range) and src.step == 1:
                new.copy(offs, start + src.start, start + src.stop)
            else:
                for k in src:
                    new.copy(offs, start + k, start + k + 1)
        else:
            new.add(len(r), offs.at(start)[0], offs.at(end - 1)[1], 0)
        last = end
    new.copy(offs, last, offs.n)
    return new


def _replaced_in_run(offs: _Offsets, repls: list[tuple[int, int, str]]) -> _Offsets:
    """_replaced for a map of one run (the usual one: text that step 1 left in place), where
    character k comes from (a + step*k, b + step*k): what `copy` and `at` give, without looking
    the runs up."""
    (a, b, step), = offs.runs
    new = _Offsets()
    add = new.add
    last = 0
    for start, end, r in repls:
        if start > last:
            add(start - last, a + step * last, b + step * last, step)
        if isinstance(r, _Aligned):
            src = r.source
            if isinstance(src, range) and src.step == 1:
                k = start + src.start
                add(len(src), a + step * k, b + step * k, step)
            else:
                for k in src:
                    add(1, a + step * (start + k), b + step * (start + k), step)
        else:
            add(len(r), a + step * start, b + step * (end - 1), 0)
        last = end
    if offs.n > last:
        add(offs.n - last, a + step * last, b + step * last, step)
    return new


class Normalized:
    """Normalised text and the original-text span each character came from: text[i] came from
    original[starts[i]:ends[i]]. The map is built on first use of `starts`, `ends` or `span` (most
    callers need only `text`). Immutable, like the frozen dataclass it was."""

    # _source: an _Offsets, a _History to make it from, or None to make it from _pairs;
    # _points: the history's _Points, made on the first `span` while there is no _Offsets
    __slots__ = ("text", "_source", "_lead", "_pairs", "_points")

    def __init__(self, text: str, starts: Iterable[int], ends: Iterable[int]) -> None:
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "_source", None)
        object.__setattr__(self, "_lead", 0)
        object.__setattr__(self, "_pairs", (tuple(starts), tuple(ends)))

    @classmethod
    def _made(cls, text: str, history: _History, lead: int) -> Normalized:
        """`text` is the history's result with `lead` characters cut from its start (and maybe some from its end)."""
        obj = object.__new__(cls)
        object.__setattr__(obj, "text", text)
        object.__setattr__(obj, "_source", history)
        object.__setattr__(obj, "_lead", lead)
        return obj

    def _map(self) -> _Offsets:
        offs = self._source
        if offs is None:
            offs = _Offsets.of_pairs(*self._pairs)
            object.__setattr__(self, "_source", offs)
        elif not isinstance(offs, _Offsets):
            offs = _offsets(offs)
            if self._lead or offs.n != len(self.text):
                trimmed = _Offsets()
                trimmed.copy(offs, self._lead, self._lead + len(self.text))
                offs = trimmed
            object.__setattr__(self, "_source", offs)
        return offs

    def _both(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        try:
            return self._pairs
        except AttributeError:
            object.__setattr__(self, "_pairs", self._map().pairs())
            return self._pairs

    @property
    def starts(self) -> tuple[int, ...]:
        return self._both()[0]

    @property
    def ends(self) -> tuple[int, ...]:
        return self._both()[1]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that normalised text[start:end] came from."""
        n = len(self.text)
        if not n:
            return 0, 0
        if start >= n:
            start = n - 1
        if end <= start:
            end = start + 1
        if start < 0:  # counted from the end, as tuple indexing does
            return self.starts[start], max(self.ends[start:end])
        if end > n:
            end = n
        if type(self._source) is list:  # a history: look up just the characters asked for
            try:
                points = self._points
            except AttributeError:
                points = _Points(self._source)
                object.__setattr__(self, "_points", points)
            return points.span(start + self._lead, end + self._lead)
        return self._map().span(start, end)

    def __setattr__(self, name: str, value) -> None:
        raise AttributeError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Normalized):
            return NotImplemented
        return self.text == other.text and self._both() == other._both()

    def __hash__(self) -> int:
        return hash((self.text, *self._both()))

    def __repr__(self) -> str:
        return f"Normalized(text={self.text!r}, starts={self.starts!r}, ends={self.ends!r})"

    def __reduce__(self):
        return Normalized, (self.text, self.starts, self.ends)


def _is_dropped(ch: str) -> bool:
    cat = unicodedata.category(ch)
    return cat == "Cf" or ch in "\ufe0e\ufe0f" or 0xE0000 <= ord(ch) <= 0xE007F


def _is_symbol(ch: str) -> bool:
    cat = unicodedata.category(ch)
    return cat in ("So", "Sk", "Cs", "Co") or 0x1F000 <= ord(ch) <= 0x1FAFF


# ASCII runs take a fast path (lower-casing); an ASCII character followed by a combining mark is
# left to the per-grapheme path so that NFKC can compose it ("e" + U+0301 -> "é").
_ASCII = re.compile(r"[\x00-\x7f]+")
_LISTED_MARK = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
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


class _PerCharacter(dict):
    """ord(c) -> f(c), worked out on first use: a table for str.translate."""

    def __init__(self, f) -> None:
        super().__init__()
        self.f = f

    def __missing__(self, key: int) -> str:
        value = self.f(chr(key))
        if len(self) < 100_000:
            self[key] = value
        return value


# Per character, for str.translate: "m" a mark, "d" dropped (zero-width and other format
# characters), "c" anything else; a character's normalised form as a grapheme on its own; the
# character itself if that form is not exactly one character, else nothing.
_KIND = _PerCharacter(lambda c: "m" if _is_mark(c) else "d" if _is_dropped_cached(c) else "c")
_ALONE = _PerCharacter(_norm_grapheme)
_NOT_ONE = _PerCharacter(lambda c: "" if len(_norm_grapheme(c)) == 1 else c)
# In a string of kinds, a grapheme of several characters: any character, then marks, each maybe
# after zero-width characters ("ร" + ZWSP + "ี"; the zero-width characters go, the mark stays).
_SEVERAL = re.compile(r".(?:d*m)+", re.S)


def _several(kinds: str) -> list[tuple[int, int]]:
    """The graphemes of several characters, from the string of kinds."""
    return [m.span() for m in _SEVERAL.finditer(kinds)] if "m" in kinds else []


def _graphemes_text(text: str, several: list[tuple[int, int]]) -> str:
    """`text` normalised grapheme by grapheme (a character and the marks after it), given its
    graphemes of several characters; the others are single characters."""
    if not several:
        return text.translate(_ALONE)
    bounds = [0, *chain.from_iterable(several), len(text)]
    pieces = [text[a:b] for a, b in zip(bounds, bounds[1:])]  # single characters, a grapheme, ...
    pieces[::2] = [p.translate(_ALONE) for p in pieces[::2]]
    pieces[1::2] = [out if (out := _GRAPHEME_CACHE.get(g)) is not None else _norm_grapheme(g) for g in pieces[1::2]]
    return "".join(pieces)


# Per character, for str.translate: "1" if its normalised form as a grapheme on its own is one
# character, else "0" (_graphemes_offsets takes a run of the former in one step).
_ONE_CODE = _PerCharacter(lambda c: "1" if len(_norm_grapheme(c)) == 1 else "0")
_ONES = re.compile(r"1+|0")
_GRAPHEMES_OFFSETS_CACHE: dict[str, tuple[list[tuple[int, int]], _Offsets]] = {}
_GRAPHEMES_OFFSETS_CACHE_CHARS = 0  # characters in its keys


def _graphemes_offsets(text: str, several: list[tuple[int, int]]) -> _Offsets:
    """_graphemes_text's map: each character of a grapheme's normalised form comes from all of it.
    Cached, as _stretch is (the same emoji and the same words of other scripts come back post after
    post); the map returned is shared, so callers only read it (`_Offsets.shifted`)."""
    cached = _GRAPHEMES_OFFSETS_CACHE.get(text)
    if cached is not None and cached[0] == several:
        return cached[1]
    offs = _graphemes_offsets_made(text, several)
    global _GRAPHEMES_OFFSETS_CACHE_CHARS
    if len(text) <= 128 and _GRAPHEMES_OFFSETS_CACHE_CHARS < 1_000_000:  # bounded: a few MB
        _GRAPHEMES_OFFSETS_CACHE[text] = (several, offs)
        _GRAPHEMES_OFFSETS_CACHE_CHARS += len(text)
    return offs


def _graphemes_offsets_made(text: str, several: list[tuple[int, int]]) -> _Offsets:
    """_graphemes_offsets without the cache. Single characters that normalise to one character
    each go in as one run (what adding them one by one joins them into)."""
    offs = _Offsets()
    done = 0
    for i, j in [*several, (len(text), len(text))]:
        if done < i:  # single characters
            codes = text[done:i].translate(_ONE_CODE)
            if "0" not in codes:
                offs.add(i - done, done, done + 1, 1)  # one character each, in place
            else:
                for m in _ONES.finditer(codes):
                    k, e = m.span()
                    k += done
                    if codes[m.start()] == "1":
                        offs.add(e - m.start(), k, k + 1, 1)
                    else:
                        offs.add(len(_ALONE[ord(text[k])]), k, k + 1, 0)
        offs.add(len(_norm_grapheme(text[i:j])) if i < j else 0, i, j, 0)
        done = j
    return offs


def _other_pass(text: str, a: int, b: int, pieces: list[str], offs: _Offsets) -> None:
    """Normalise text[a:b] per grapheme (the result depends on text[a:b] alone)."""
    part = text[a:b]
    several = _several(part.translate(_KIND))
    pieces.append(_graphemes_text(part, several))
    offs.shifted(_graphemes_offsets(part, several), a)


def _unicode_pass_general(text: str) -> tuple[str, _History, bool]:
    """Step 1 for any text: ASCII runs lower-cased, the rest per grapheme. An ASCII character
    that a combining mark follows (maybe after zero-width characters) is normalised with it."""
    pieces: list[str] = []
    offs = _Offsets()
    last = 0  # text[:last] is done
    n = len(text)
    for m in _ASCII.finditer(text):
        a, b = m.span()
        if b < n and _LISTED_MARK.match(text, b):
            b -= 1  # the last character is the base of the mark that follows
        else:
            k = b
            while k < n and _is_dropped_cached(text[k]):
                k += 1
            if k < n and _is_mark(text[k]):
                # a mark outside the ranges above, or after a zero-width character: compose per grapheme
                b -= 1
        if b <= a:
            continue
        if a > last:
            _other_pass(text, last, a, pieces, offs)
        pieces.append(text[a:b].lower().translate(_ASCII_MAP))
        offs.add(b - a, a, a + 1, 1)
        last = b
    if last < n:
        _other_pass(text, last, n, pieces, offs)
    out = "".join(pieces)
    return out, [offs], _WIDE_DIGIT.search(out) is not None


_WIDE_DIGIT = re.compile(r"[^\x00-\x7f](?<=\d)")  # a decimal digit other than 0-9


def _like_ascii(c: str) -> bool:
    """Whether `c`, alone, normalises to c.lower(), one character: then it needs no grapheme of
    its own (it is not a mark, nor dropped, nor a base a mark can be missing from: a mark after it
    is a stretch of its own, that _unicode_pass leaves to _unicode_pass_general), nor a digit
    other than 0-9 (see _WIDE_DIGIT)."""
    low = c.lower()
    return (len(low) == 1 and _norm_grapheme(c) == low and not _is_mark(c) and not _is_dropped(c)
            and not _LISTED_MARK.match(c) and not _WIDE_DIGIT.match(c))


# Characters of Latin, punctuation and currency blocks that normalise like ASCII ("é", "ñ", "ệ",
# "–", "’", "€"): kept in the runs that are lower-cased, so that text in Vietnamese or with
# typographic quotes does not come as a stretch per letter.
def _ranges(chars: Iterable[int]) -> str:
    """A character class body for the code points `chars` (ascending), consecutive ones as ranges."""
    out = []
    for _, run in groupby(enumerate(chars), lambda kc: kc[1] - kc[0]):
        run = [c for _, c in run]
        out.append(f"\\U{run[0]:08x}" + (f"-\\U{run[-1]:08x}" if len(run) > 1 else ""))
    return "".join(out)


_LIKE_ASCII = [c for a, b in ((0x80, 0x250), (0x1E00, 0x1F00), (0x2010, 0x2040), (0x20A0, 0x20C1))
               for c in range(a, b) if _like_ascii(chr(c))]
# Stretches of other characters, as split() parts; starting with a character set (not a repeat)
# lets the regex engine skip the rest in C.
_OTHER = "[^\\x00-\\x7f" + _ranges(_LIKE_ASCII) + "]"
_NON_ASCII_SPLIT = re.compile(f"({_OTHER}{_OTHER}*)")
# (text, moved, takes_base, wide_digits, graphemes of several characters): see _stretch.
_Stretch = tuple[str, bool, bool, bool, list[tuple[int, int]]]
_STRETCH_CACHE: dict[str, _Stretch] = {}
_STRETCH_CACHE_CHARS = 0  # characters in its keys
_OUT, _MOVED, _TAKES_BASE, _WIDE_DIGITS = (itemgetter(k) for k in range(4))


def _stretch(stretch: str) -> _Stretch:
    """A maximal run of non-ASCII characters normalised per grapheme: (text; whether not every
    character became one character in place; whether an ASCII character before it would be the
    base of its first mark; whether the text has digits other than 0-9; its graphemes of several
    characters, for _graphemes_offsets). Cached: the same emoji, dashes and quotes come back post
    after post."""
    done = _STRETCH_CACHE.get(stretch)
    if done is None:
        kinds = stretch.translate(_KIND)
        several = _several(kinds)
        in_place = not several and not stretch.translate(_NOT_ONE)
        takes_base = bool(_LISTED_MARK.match(stretch)) or kinds.lstrip("d")[:1] == "m"
        out = _graphemes_text(stretch, several)
        done = out, not in_place, takes_base, _WIDE_DIGIT.search(out) is not None, several
        global _STRETCH_CACHE_CHARS
        if len(stretch) <= 128 and _STRETCH_CACHE_CHARS < 1_000_000:  # bounded: a few MB
            _STRETCH_CACHE[stretch] = done
            _STRETCH_CACHE_CHARS += len(stretch)
    return done


def _unicode_pass(text: str) -> tuple[str, _History, bool]:
    """Step 1, stretch by stretch of non-ASCII characters. Unless a stretch starts with a mark
    for the ASCII character before it (left to _unicode_pass_general), _unicode_pass_general's
    ASCII runs are the whole runs between the stretches and it normalises each stretch on its own,
    which is what this does, with each stretch's result cached. Also returns whether the result
    has digits other than 0-9 (no later step makes any)."""
    parts = [text] if text.isascii() else _NON_ASCII_SPLIT.split(text)  # like ASCII, stretch, like ASCII, ...
    stretches = list(map(_STRETCH_CACHE.get, parts[1::2]))
    if None in stretches:
        stretches = [done or _stretch(p) for done, p in zip(stretches, parts[1::2])]
    if any(map(_TAKES_BASE, stretches)):
        return _unicode_pass_general(text)
    if any(map(_MOVED, stretches)):
        moved = [(k, done[4]) for k, done in enumerate(stretches) if done[1]]
        original = parts[:]
        history: _History = [lambda: _moved(original, moved)]
    else:
        history = [len(text)]  # every character became one character in place
    parts[::2] = map(str.lower, parts[::2])
    if "^" in text or "`" in text:
        parts[::2] = [p.translate(_ASCII_MAP) for p in parts[::2]]
    parts[1::2] = map(_OUT, stretches)
    return "".join(parts), history, any(map(_WIDE_DIGITS, stretches))


def _moved(parts: list[str], moved: list[tuple[int, list[tuple[int, int]]]]) -> _Moved:
    """_unicode_pass's map: `parts` (ASCII, stretch, ASCII, ...) stay in place but for the
    stretches `moved`, (k, graphemes of several characters of the k-th stretch)."""
    return _Moved(parts, moved)


class _Moved:
    """_moved's map, as its moved stretches: `offsets()` builds it (`_offsets` does, for the whole
    map), `at(k)` looks up one character (`_Points` does, for a few)."""

    __slots__ = ("parts", "moved", "_index")

    def __init__(self, parts: list[str], moved: list[tuple[int, list[tuple[int, int]]]]) -> None:
        self.parts = parts
        self.moved = moved

    def offsets(self) -> _Offsets:
        parts = self.parts
        ends = list(accumulate(map(len, parts)))  # where each part ends in the text
        offs = _Offsets()
        done = 0
        for k, several in self.moved:
            offs.add(ends[2 * k] - done, done, done + 1, 1)
            offs.shifted(_graphemes_offsets(parts[2 * k + 1], several), ends[2 * k])
            done = ends[2 * k + 1]
        offs.add(ends[-1] - done, done, done + 1, 1)
        return offs

    def _stretches(self) -> tuple[list[int], list[tuple[int, int, int, int, _Offsets]]]:
        """Where each moved stretch starts in the result; and per stretch, where it starts and ends
        in the text and the result, and its map."""
        try:
            return self._index
        except AttributeError:
            pass
        parts = self.parts
        ends = list(accumulate(map(len, parts)))
        starts: list[int] = []
        stretches = []
        shift = 0  # characters the result has more than the text, up to here
        for k, several in self.moved:
            offs = _graphemes_offsets(parts[2 * k + 1], several)
            a, b = ends[2 * k], ends[2 * k + 1]
            starts.append(a + shift)
            stretches.append((a, b, a + shift, a + shift + offs.n, offs))
            shift += offs.n - (b - a)
        self._index = starts, stretches
        return self._index

    def at(self, k: int) -> tuple[int, int]:
        starts, stretches = self._stretches()
        j = bisect_right(starts, k) - 1
        if j < 0:
            return k, k + 1
        a, b, out_a, out_b, offs = stretches[j]
        if k < out_b:
            s, e = offs.at(k - out_a)
            return s + a, e + a
        k += b - out_b  # in place after the stretch
        return k, k + 1


def _rewrite(text: str, history: _History, matches: Iterable[re.Match[str]], repl,
             absorb_marks: bool = False) -> str:
    """Apply `repl(match) -> str | None` to `matches` (in order, of `text`), noting the
    replacements in `history`. With `absorb_marks`, combining marks right after a match are
    replaced with it (a handle ending in a letter with an accent that has no precomposed form)."""
    out: list[str] = []
    repls: list[tuple[int, int, str]] = []
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
        out.append(r)
        repls.append((s, e, r))
        last = e
    if not repls:
        return text
    out.append(text[last:])
    history.append(repls)
    return "".join(out)


class _Aligned(str):
    """A replacement string whose characters each come from a known position of the match."""

    source: Sequence[int]

    def __new__(cls, value: str, source: Sequence[int]):
        obj = super().__new__(cls, value)
        obj.source = source
        return obj


def _leet_tokens(s: str, known: dict[str, str | None] | None = None) -> list[re.Match[str]]:
    """The matches of _TOKEN.finditer(s) that _unleet or _unleet_short may change: the tokens with
    a _LEET_HINT; the others are left as they are. Each is found from its hint (the token's start is
    found by matching token characters backwards in the reversed string). With `known`, tokens it
    maps to None (unchanged) are left out too."""
    found = []
    rev = None
    pos = 0
    while (h := _LEET_HINT.search(s, pos)) is not None:
        if rev is None:
            rev = s[::-1]
        back = len(s) - h.start()  # where s[h.start() - 1] is in rev
        tok = _TOKEN.match(s, h.start() - (_TOKEN_CHARS.match(rev, back).end() - back))
        if known is None or known.get(tok.group(), "") is not None:
            found.append(tok)
        pos = tok.end()
    return found


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


_UNLEET_CACHE: dict[str, str | None] = {}


def _unleet_word(tok: str) -> str | None:
    """`tok` with l33t characters read as letters, None if that changes nothing. Repeated until
    nothing changes (a character turned into a letter can make its neighbour readable), so
    normalising twice changes nothing. Cached: "5jt", "24h" and the like recur in post after post."""
    if tok in _UNLEET_CACHE:
        return _UNLEET_CACHE[tok]
    cur = tok
    while (nxt := _unleet_step(cur)) is not None and nxt != cur:
        cur = nxt
    out = None if cur == tok else cur
    if len(tok) <= 64 and len(_UNLEET_CACHE) < 100_000:
        _UNLEET_CACHE[tok] = out
    return out


def _unleet(m: re.Match[str]):
    """A token with l33t characters read as letters (see _unleet_word)."""
    if m.end() < len(m.string) and _is_mark(m.string[m.end()]):
        return None  # "0" + accent: left alone, else a second pass would compose "o" + accent
    tok = m.group()
    cur = _unleet_word(tok)
    return None if cur is None else _Aligned(cur, range(len(tok)))


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


_ONE_SPACE = _Aligned(" ", [0])


def _collapse(s: str, history: _History) -> tuple[str, list[int]]:
    """Step 4: each whitespace run of two or more characters, and each whitespace character other
    than a space, made one space that comes from the run's first character. Also returns where
    those spaces are in the result."""
    if s.isprintable():  # then its only whitespace is spaces (all other whitespace is unprintable)
        if "  " not in s:
            return s, []
        pattern = _SPACES
    else:
        pattern = _SPACE
    repls = [(*m.span(), _ONE_SPACE) for m in pattern.finditer(s)]
    if not repls:
        return s, []
    history.append(repls)
    spaces = []
    removed = 0
    for start, end, _ in repls:
        spaces.append(start - removed)
        removed += end - start - 1
    return pattern.sub(" ", s), spaces


def _rewrites(s: str, history: _History, wide_digits: bool) -> tuple[str, bool, list[int] | None]:
    """Steps 2-4 once (`wide_digits`: whether `s` has digits other than 0-9). Returns whether
    letters were joined or decoded (which can make new contacts, l33t words or repeats for another
    round) and, when not, where in the result s p a c e d letters can be: None for anywhere, else
    only next to one of the listed spaces (see _has_spaced)."""
    hints = _CONTACT_HINTS if wide_digits else _CONTACT_HINTS_ASCII_DIGITS
    for _ in range(8):  # again when a replaced contact touched its neighbours: "0812…@x" has a handle once the phone is gone
        touched = [False]
        seen: dict[int, bool] = {}  # hints looked for in s
        for kind, pattern in contacts.PATTERNS:
            hint = hints.get(kind)
            if matches := list(pattern.finditer(s)) if hint is None else hint.matches(pattern, s, seen):
                s = _rewrite(s, history, matches, _contact_repl(kind, touched), absorb_marks=True)
                seen = {}
        if not touched[0]:
            break
    before = s
    if matches := _SPACED_START.matches(_SPACED, s):
        s = _rewrite(s, history, matches, _despace)
    joined = s != before
    without_spaced = s  # when not joined: no s p a c e d letters in it
    decoded = 0
    if tokens := _leet_tokens(s, _UNLEET_CACHE):  # (tokens that _unleet_word leaves as they are, _unleet does too)
        if decodes := [(m, r) for m in tokens if (r := _unleet(m)) is not None]:
            decoded = len(decodes)
            s = _rewrite(s, history, [m for m, _ in decodes], dict(decodes).__getitem__)
    if decoded >= LEET_WORDS_FOR_SHORT:
        s = _rewrite(s, history, _leet_tokens(s), _unleet_short)
    if _REPEAT_HINT.search(s):
        s = _rewrite(s, history, _REPEAT.finditer(s), _shorten)
    collapsed_only = s is without_spaced
    s, spaces = _collapse(s, history)
    return s, joined or decoded > 0, spaces if collapsed_only else None


def _has_spaced(s: str, near: list[int] | None) -> bool:
    """Whether `s` has s p a c e d letters, given that any are `near` one of the listed spaces (None:
    anywhere). Why that holds after step 4 in text without any: such letters in the result that
    take in none of step 4's spaces were in the text before it, with the same neighbours. So one of
    those spaces is among their separators, and with the two letters and separators on each side
    of it, within 4 characters of it, makes a match of _SPACED_HINT."""
    if near is not None and (not near or not _SPACED_HINT.search("\0".join([s[max(0, p - 4):p + 5] for p in near]))):
        return False  # (a NUL is neither a letter nor a separator: no match across windows)
    return _SPACED_HINT.search(s) is not None and _SPACED.search(s) is not None


def normalize(text: str) -> Normalized:
    s, history, wide_digits = _unicode_pass(text)
    # Steps 2-4 again while a round joined or decoded letters, or collapsing spaces lined up
    # s p a c e d letters: the result is a fixed point, so normalising twice changes nothing.
    for _ in range(8):  # bounded: a fixed point comes after one or two rounds
        s, changed, near = _rewrites(s, history, wide_digits)
        if not changed and not _has_spaced(s, near):
            break
    trimmed = s.strip(" ")
    return Normalized._made(trimmed, history, len(s) - len(s.lstrip(" ")) if trimmed else 0)


def normalize_text(text: str) -> str:
    return normalize(text).text


