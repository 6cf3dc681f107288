"""A small offline language guesser for the languages jobscan serves.

Scripts decide Thai, Khmer, Burmese and Chinese; Vietnamese by its letters; Indonesian, Malay,
Tagalog and English by counts of common function words. Returns an ISO 639-1 code, or "und".
"""

from __future__ import annotations

import re

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


def detect(text: str) -> str:
    sample = text[:4000]
    counts = {code: len(rx.findall(sample)) for code, rx in _SCRIPTS}
    letters = sum(ch.isalpha() for ch in sample) or 1
    best = max(counts, key=counts.get)
    if counts[best] / letters > 0.3:
        return best
    lower = sample.lower()
    if len(_VI.findall(lower)) >= 2:
        return "vi"
    words = _WORD.findall(lower)
    if not words:
        return "und"
    scores = {code: sum(w in stop for w in words) for code, stop in _STOP.items()}
    top = max(scores, key=scores.get)
    if scores[top] == 0:
        return "und"
    if top in ("id", "ms"):
        ms = sum(w in _MS_ONLY for w in words)
        idn = sum(w in _ID_ONLY for w in words)
        return "ms" if ms > idn else "id"
    return top
