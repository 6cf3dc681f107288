"""A small offline language guesser for the languages jobscan serves.

Scripts decide Thai, Khmer, Burmese and Chinese; Vietnamese by its letters; Indonesian, Malay,
Tagalog and English by counts of common function words. Returns an ISO 639-1 code, or "und".
"""

from __future__ import annotations

import re
from itertools import repeat

_SCRIPTS = (
    ("th", re.compile(r"[\u0e00-\u0e7f]")),
    ("km", re.compile(r"[\u1780-\u17ff]")),
    ("my", re.compile(r"[\u1000-\u109f]")),
    ("zh", re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]")),
)
_VI = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]")
_WORD = re.compile(r"[a-z]+")
_STOP = {
    "id": set("yang dan di ke dari untuk dengan tidak gak ga nggak ini itu ada bisa kerja gaji tanpa kami kita saya aku kamu juga sudah udah akan atau jadi hanya cuma dapat buat sama banget bgt yg dgn utk tdk lowongan pengalaman berangkat segera hubungi minat mau".split()),
    "ms": set("yang dan di ke dari untuk dengan tidak tak ini itu ada boleh kerja gaji kami kita saya awak anda juga sudah akan atau hanya sahaja dapat kerana sebab pekerjaan pengalaman percuma sila hubungi berminat nak mahu".split()),
    "tl": set("ang mga ng sa na ay at para po ko mo namin kayo siya hindi wala may trabaho sahod lang din rin yung kung pag naman talaga ba".split()),
    "en": set("the and to of for with in on is are you your we our no not this that be will can job work salary experience apply contact now free only just".split()),
}
# Words that tell Malay from Indonesian (both share most function words).
_MS_ONLY = set("tak boleh sahaja kerana awak anda percuma sila berminat nak mahu pekerja jawatan syarikat ringgit rm kemboja wang".split())
_ID_ONLY = set("tidak gak ga nggak bisa aku kamu udah banget bgt yg utk tdk gratis loker kak min perusahaan kamboja rp juta jt".split())


# Script characters are counted in runs (one string per run, not per character; written [x][x]*,
# not [x]+, for the regex engine to skip to the first character), when the sample has any.
_SCRIPT_RUNS = {code: re.compile(rx.pattern + rx.pattern + "*") for code, rx in _SCRIPTS}
_SCRIPT_CHARS = "".join(rx.pattern[1:-1] for _, rx in _SCRIPTS)  # (each pattern is one [...])
_ANY_SCRIPT = re.compile("[" + _SCRIPT_CHARS + "]")
# _WORD's words of sample.lower() are looked for in bytes: every other character becomes a space
# (a character that is not ASCII, a "?" first), then split.
_NOT_A_TO_Z = bytes(c if 97 <= c <= 122 else 32 for c in range(256))
_NOT_A_TO_Z_LOWERED = bytes(c + 32 if 65 <= c <= 90 else _NOT_A_TO_Z[c] for c in range(256))  # A-Z lowered first
# lower() is needed only for a sample with a letter that lowers to a Vietnamese one, or with one of
# the two characters that lower to a-z (Kelvin sign, dotted capital I, which also lowers to two).
# Most samples have neither, nor a script character: one search tells.
_VI_ANY_CASE = "".join(sorted({c for v in _VI.pattern[1:-1] for c in (v, v.upper()) if c.lower() == v}))
_LOWER_TO_A_Z = "\u212a\u0130"
_PLAIN_LATIN_BUT = re.compile("[" + _SCRIPT_CHARS + _VI_ANY_CASE + _LOWER_TO_A_Z + "]")
# Function words are tallied by adding, for each word, one number that holds a count per list
# (_STOP's codes, then Malay-only and Indonesian-only words), _FIELD bits each.
_FIELD = 16  # a sample of 4,000 characters has at most 2,000 words
_MASK = (1 << _FIELD) - 1
_LISTS = (*_STOP.values(), _MS_ONLY, _ID_ONLY)
_MS_FIELD, _ID_FIELD = len(_STOP), len(_STOP) + 1
_TALLY = {w.encode("ascii"): sum(1 << (_FIELD * i) for i, words in enumerate(_LISTS) if w in words)
          for w in set().union(*_LISTS)}


def _script_counts(sample: str) -> dict[str, int]:
    if _ANY_SCRIPT.search(sample) is None:
        return dict.fromkeys(_SCRIPT_RUNS, 0)
    return {code: sum(map(len, runs.findall(sample))) for code, runs in _SCRIPT_RUNS.items()}


def detect(text: str) -> str:
    sample = text[:4000]
    if sample.isascii():  # no script, no Vietnamese letter; lower() changes only A-Z
        words = sample.encode("ascii").translate(_NOT_A_TO_Z_LOWERED).split()
    elif _PLAIN_LATIN_BUT.search(sample) is None:  # no script, no Vietnamese letter, lower() as for ASCII
        words = sample.encode("ascii", "replace").translate(_NOT_A_TO_Z_LOWERED).split()
    else:
        counts = _script_counts(sample)
        best = max(counts, key=counts.get)
        n = counts[best]  # more than 0.3 of the characters are more than 0.3 of the letters
        if n and (n / len(sample) > 0.3 or n / (sum(map(str.isalpha, sample)) or 1) > 0.3):
            return best
        lower = sample.lower()
        if len(_VI.findall(lower)) >= 2:
            return "vi"
        words = lower.encode("ascii", "replace").translate(_NOT_A_TO_Z).split()
    if not words:
        return "und"
    tally = sum(map(_TALLY.get, words, repeat(0)))
    scores = {code: (tally >> (_FIELD * i)) & _MASK for i, code in enumerate(_STOP)}
    top = max(scores, key=scores.get)
    if scores[top] == 0:
        return "und"
    if top in ("id", "ms"):
        return "ms" if (tally >> (_FIELD * _MS_FIELD)) & _MASK > (tally >> (_FIELD * _ID_FIELD)) & _MASK else "id"
    return top
