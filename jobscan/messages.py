"""Every sentence jobscan says to a person, in English and Indonesian (one catalogue).

`t(key, lang, **fields)` picks the language; a test checks that every key has both.
"""

from __future__ import annotations

import locale
import os

LANGS = ("en", "id")

MESSAGES: dict[str, dict[str, str]] = {
    "headline.flagged": {
        "en": "HIGH RISK: this post matches how scam compounds recruit",
        "id": "RISIKO TINGGI: postingan ini cocok dengan cara markas penipuan merekrut",
    },
    "headline.review": {
        "en": "CAUTION: this post has some signs of scam-compound recruitment; check it before you answer",
        "id": "HATI-HATI: postingan ini punya beberapa tanda perekrutan markas penipuan; cek dulu sebelum membalas",
    },
    "headline.ok": {
        "en": "LOW RISK: this post does not match the scam-compound recruitment pattern",
        "id": "RISIKO RENDAH: postingan ini tidak cocok dengan pola perekrutan markas penipuan",
    },
    "risk_line": {
        "en": "Risk {risk:.0%}. Tiers: ok below {review:.0%}, review from {review:.0%}, flagged from {flagged:.0%}.",
        "id": "Risiko {risk:.0%}. Tingkat: aman di bawah {review:.0%}, perlu dicek mulai {review:.0%}, berbahaya mulai {flagged:.0%}.",
    },
    "low_risk_caveat": {
        "en": "A low score is not proof that a job is safe: always verify an overseas offer through the official channels below.",
        "id": "Skor rendah bukan bukti lowongan itu aman: selalu cek tawaran kerja luar negeri lewat saluran resmi di bawah.",
    },
    "section.flags": {"en": "Red flags found in the ad", "id": "Tanda bahaya dalam iklan"},
    "section.context": {"en": "Signs the post may be something else", "id": "Tanda bahwa postingan ini mungkin hal lain"},
    "section.no_flags": {"en": "No listed red flags were found.", "id": "Tidak ditemukan tanda bahaya yang terdaftar."},
    "section.terms": {"en": "Words that weighed most in the verdict", "id": "Kata yang paling berpengaruh pada hasil"},
    "terms.legend": {"en": "(+ raises the risk, - lowers it)", "id": "(+ menaikkan risiko, - menurunkan)"},
    "section.contacts": {"en": "Contacts in the ad", "id": "Kontak dalam iklan"},
    "section.fraud": {"en": "Other job-fraud warning", "id": "Peringatan penipuan kerja lain"},
    "fraud.body": {
        "en": "This post also shows signs of another job fraud (fees, paid tasks or requests for bank data). Do not pay or share codes.",
        "id": "Postingan ini juga menunjukkan tanda penipuan kerja lain (biaya, tugas berbayar, atau permintaan data bank). Jangan membayar atau membagikan kode.",
    },
    "section.advice": {"en": "What to do now", "id": "Yang perlu dilakukan sekarang"},
    "advice.flagged": {
        "en": "Do not send documents or money and do not travel. Verify the offer and the recruiter with:",
        "id": "Jangan kirim dokumen atau uang dan jangan berangkat. Cek tawaran dan perekrutnya lewat:",
    },
    "advice.review": {
        "en": "Before you answer, verify the company and the job with:",
        "id": "Sebelum membalas, cek perusahaan dan lowongannya lewat:",
    },
    "advice.ok": {
        "en": "If the job is abroad, verify it with:",
        "id": "Jika pekerjaannya di luar negeri, cek lewat:",
    },
    "advice.source": {"en": "as published {date}; check the number on the official site", "id": "sesuai publikasi {date}; cek nomornya di situs resmi"},
    "model_line": {"en": "Model {name} {version}", "id": "Model {name} {version}"},
    "error.prefix": {"en": "jobscan: error: ", "id": "jobscan: galat: "},
    "error.empty": {"en": "the ad is empty; give its text, --file PATH, or - to read stdin",
                    "id": "iklan kosong; berikan teksnya, --file PATH, atau - untuk membaca stdin"},
    "error.binary": {"en": "the input looks like binary data, not text", "id": "input terlihat seperti data biner, bukan teks"},
    "error.encoding": {"en": "the input is not valid UTF-8 text", "id": "input bukan teks UTF-8 yang valid"},
    "error.both_inputs": {"en": "give the ad as TEXT, - or --file, not several of them",
                          "id": "berikan iklan sebagai TEKS, - atau --file, jangan sekaligus"},
    "error.no_input": {"en": "no ad given; give its text, --file PATH, or - to read stdin",
                       "id": "tidak ada iklan; berikan teksnya, --file PATH, atau - untuk membaca stdin"},
    "note.truncated": {"en": "note: the ad is longer than {limit:,} characters; only the first {limit:,} were checked",
                       "id": "catatan: iklan lebih dari {limit:,} karakter; hanya {limit:,} karakter pertama yang dicek"},
    "verdict.ok": {"en": "ok", "id": "aman"},
    "verdict.review": {"en": "review", "id": "perlu dicek"},
    "verdict.flagged": {"en": "flagged", "id": "berbahaya"},
}


def t(key: str, lang: str = "en", **fields) -> str:
    entry = MESSAGES[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**fields) if fields else text


def locale_language() -> str | None:
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(var, "")
        if value:
            code = value.split(":")[0].split("_")[0].split(".")[0].lower()
            if code in ("id", "in", "ms"):
                return "id"
            if code and code not in ("c", "posix"):
                return "en"
    try:
        code = (locale.getlocale()[0] or "").split("_")[0].lower()
    except ValueError:
        code = ""
    return "id" if code in ("id", "in", "ms") else None


def choose_language(requested: str | None, ad_language: str) -> str:
    """--lang wins; else the ad's language when Indonesian or Malay; else the locale; else English."""
    if requested:
        return requested
    if ad_language in ("id", "ms"):
        return "id"
    return locale_language() or "en"
