"""Evasion-style rewrites of an ad: used to augment training data and to test robustness.

Each transform keeps the meaning a human reads and changes the characters a naive filter sees.
Augmented copies inherit the source item's group, so they never cross the train/test line.
"""

from __future__ import annotations

import random
import re

_LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7"}
_HOMO = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "i": "і"}
_ZW = ["\u200b", "\u200c", "\u200d", "\u2060"]
_EMOJI = ["🔥", "💰", "✈️", "✅", "💵", "🌏", "📲", "👉", "⭐", "🙏"]
_ABBREV = {
    "yang": "yg", "tidak": "tdk", "gaji": "gj", "juta": "jt", "untuk": "utk", "dengan": "dgn", "sudah": "udh",
    "pengalaman": "pngalaman", "berangkat": "brgkt", "langsung": "lgsg", "tiket": "tkt", "bulan": "bln",
    "free": "fr33", "salary": "sal", "experience": "exp", "please": "pls", "message": "msg", "people": "ppl",
}
_WORD = re.compile(r"\w+")


def leet(text: str, rng: random.Random, rate: float = 0.5) -> str:
    return "".join(_LEET[c.lower()] if c.lower() in _LEET and c.isascii() and rng.random() < rate else c for c in text)


def spaced(text: str, rng: random.Random, rate: float = 0.3) -> str:
    def sp(m: re.Match[str]) -> str:
        w = m.group()
        return " ".join(w) if len(w) >= 4 and w.isalpha() and rng.random() < rate else w
    return _WORD.sub(sp, text)


def zero_width(text: str, rng: random.Random, rate: float = 0.25) -> str:
    return "".join(c + rng.choice(_ZW) if c.isalpha() and rng.random() < rate else c for c in text)


def homoglyphs(text: str, rng: random.Random, rate: float = 0.4) -> str:
    return "".join(_HOMO[c] if c in _HOMO and rng.random() < rate else c for c in text)


def emoji_between_words(text: str, rng: random.Random, rate: float = 0.3) -> str:
    parts = text.split(" ")
    return " ".join(p + (" " + rng.choice(_EMOJI) if rng.random() < rate else "") for p in parts)


def all_caps(text: str, rng: random.Random) -> str:
    return text.upper()


def line_breaks(text: str, rng: random.Random, rate: float = 0.2) -> str:
    parts = text.split(" ")
    return "".join(p + ("\n" if rng.random() < rate else " ") for p in parts).rstrip()


def abbreviations(text: str, rng: random.Random, rate: float = 0.8) -> str:
    def ab(m: re.Match[str]) -> str:
        w = m.group()
        short = _ABBREV.get(w.lower())
        return short if short and rng.random() < rate else w
    return _WORD.sub(ab, text)


TRANSFORMS = {
    "leet": leet, "spaced": spaced, "zero_width": zero_width, "homoglyphs": homoglyphs,
    "emoji": emoji_between_words, "caps": all_caps, "line_breaks": line_breaks, "abbreviations": abbreviations,
}


def augment(text: str, rng: random.Random, n_transforms: int = 2) -> str:
    names = rng.sample(sorted(TRANSFORMS), k=min(n_transforms, len(TRANSFORMS)))
    for name in names:
        text = TRANSFORMS[name](text, rng)
    return text
