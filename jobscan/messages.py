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
    "report.title": {"en": "jobscan report: job posts matching scam-compound recruitment",
                     "id": "Laporan jobscan: lowongan yang cocok dengan pola perekrutan markas penipuan"},
    "report.generated": {"en": "Generated {date}", "id": "Dibuat {date}"},
    "report.human_review": {
        "en": "Scores come from a statistical model and can be wrong. Review each post before reporting it; do not use this for automated takedown.",
        "id": "Skor berasal dari model statistik dan bisa salah. Periksa setiap postingan sebelum melaporkannya; jangan dipakai untuk penghapusan otomatis.",
    },
    "report.verdicts": {"en": "Verdicts", "id": "Hasil"},
    "report.errors": {"en": "errors", "id": "galat"},
    "report.total": {"en": "total", "id": "total"},
    "report.flags": {"en": "Most frequent red flags (posts marked review or flagged)",
                     "id": "Tanda bahaya yang paling sering (postingan perlu dicek atau berbahaya)"},
    "report.top_posts": {"en": "Highest-risk posts", "id": "Postingan dengan risiko tertinggi"},
    "report.clusters": {"en": "Repost clusters (the same ad posted again with small edits)",
                        "id": "Kelompok posting ulang (iklan yang sama diunggah lagi dengan sedikit perubahan)"},
    "report.cluster": {"en": "cluster", "id": "kelompok"},
    "report.posts": {"en": "posts", "id": "postingan"},
    "report.example": {"en": "example", "id": "contoh"},
    "report.contacts": {"en": "Contacts behind flagged posts", "id": "Kontak di balik postingan berbahaya"},
    "report.contact": {"en": "contact", "id": "kontak"},
    "report.kind": {"en": "kind", "id": "jenis"},
    "report.flagged_posts": {"en": "flagged posts", "id": "postingan berbahaya"},
    "report.none": {"en": "None.", "id": "Tidak ada."},
    "scan.summary": {"en": "scanned {rows} rows: {flagged} flagged, {review} review, {ok} ok, {errors} errors",
                     "id": "{rows} baris dipindai: {flagged} berbahaya, {review} perlu dicek, {ok} aman, {errors} galat"},
    "scan.top_flags": {"en": "most frequent flags", "id": "tanda paling sering"},
    "scan.top_contacts": {"en": "most frequent contacts in flagged or review posts",
                          "id": "kontak paling sering di postingan berbahaya atau perlu dicek"},
    "scan.interrupted": {"en": "interrupted after {rows} rows; run the same command with --resume to continue",
                         "id": "terhenti setelah {rows} baris; jalankan perintah yang sama dengan --resume untuk melanjutkan"},
    "scan.resumed": {"en": "resuming after {rows} rows", "id": "melanjutkan setelah {rows} baris"},
    "scan.report_written": {"en": "report written to {path}", "id": "laporan ditulis ke {path}"},
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
