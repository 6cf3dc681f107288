import re

import pytest

from jobscan import flags
from jobscan.normalize import normalize


def test_catalogue_lints_clean():
    assert flags.lint() == []


def test_lint_reports_broken_flags():
    bad = flags.Flag(id="bad id", group="pay", kind="nope", languages=("en",),
                     patterns=("(unclosed", "\x08o'smach\x08", "Gaji", "กำไร"), description_en="x", description_id="x")
    problems = flags.lint((bad, bad))
    text = "\n".join(problems)
    assert "UPPER_SNAKE_CASE" in text and "duplicate" in text and "kind" in text
    assert "does not compile" in text and "copy of the English" in text
    assert "control character" in text  # a TOML "\b" that became a backspace
    assert text.count("not NFKC-normalised") == 4  # twice each: upper case, and Thai sara am that NFKC splits


def test_lint_reports_not_after_phrases_that_can_never_match():
    bad = flags.Flag(id="BAD_NEGATION", group="pay", kind="risk", languages=("en",), patterns=(r"\bfee\b",),
                     description_en="x", description_id="y", not_after=("No", " without", ""))
    assert len([p for p in flags.lint((bad,)) if "not_after entry" in p]) == 3


def test_not_after_takes_a_match_back_only_right_after_the_phrase():
    rx = re.compile(flags.with_not_after(r"\bplacement fee\b", ("no", "tidak ada")))
    assert not rx.search("no placement fee") and not rx.search("tidak ada placement fee")
    assert rx.search("placement fee: 20,000") and rx.search("no hidden charges, placement fee 20,000")
    assert rx.search("piano placement fee")  # "no" inside a word is not the word "no"


def test_prefilter_never_hides_a_match():
    """The literal prefilter may skip a pattern only when the pattern cannot match."""
    import json

    from .conftest import TRAIN

    texts = [json.loads(x)["text"] for x in TRAIN.read_text(encoding="utf-8").splitlines()[:400]]
    for text in texts:
        norm = normalize(text).text
        candidates = flags.candidate_patterns(norm)
        for fi, flag in enumerate(flags.catalogue()):
            for pi, rx in enumerate(flag.compiled):
                if rx.search(norm):
                    assert (fi, pi) in candidates, (flag.id, rx.pattern)


def test_every_flag_has_both_languages():
    for f in flags.catalogue():
        assert f.description("en") and f.description("id") and f.description("en") != f.description("id")


def test_hits_quote_the_ad_exactly():
    ad = "🔥 LOKER K4MB0J4 🔥 CS online, gaji USD 1.200, tiket & visa ditanggung, tanpa pengalaman, usia 18-35. DM t.me/hr_x"
    hits = {h.flag.id: h for h in flags.match(normalize(ad), ad)}
    for fid in ("HIGH_PAY", "HIGH_RISK_DESTINATION", "NO_EXPERIENCE_NEEDED", "AGE_WINDOW", "GENERIC_ONLINE_ROLE",
                "FREE_TRAVEL_HOUSING", "MESSENGER_ONLY_CONTACT"):
        assert fid in hits, fid
        for e in hits[fid].evidence:
            assert ad[e.start:e.end] == e.text
    assert hits["HIGH_RISK_DESTINATION"].evidence[0].text == "K4MB0J4"


def test_other_fraud_flags_fire_on_fee_and_task_scams():
    ad = "Kerja dari rumah: like video YouTube dibayar 10rb per tugas. Biaya pendaftaran Rp 150.000, kirim kode OTP."
    ids = {h.flag.id for h in flags.match(normalize(ad), ad)}
    assert {"UPFRONT_FEE", "TASK_SCAM", "BANK_OR_OTP_REQUEST"} <= ids


def _ids(ad: str) -> set[str]:
    return {h.flag.id for h in flags.match(normalize(ad), ad)}


@pytest.mark.parametrize("ad", [
    "⚠️ URGENT HIRING ⚠️ CSR for Cambodia, USD 1,200, free flight",  # an attention-grabbing emoji is no warning
    "🚩 We're not like other recruiters! 🚩 Direct hiring, everything free",
    "LEGIT PO ITO, NOT SCAM 🙏 CSR Cambodia $1,000 free ticket",  # asserts, does not ask
    "[Pesan diteruskan] Hai semua, aku kerja jadi CS di Kamboja, gaji 16 jt",  # a forward is how ads travel
    "POV: kamu dapet tawaran kerja di Jepang tapi berangkatnya lewat Bangkok dulu",
    # an ad's reassurance negates the scam word, and its FAQ answers its own questions
    "Tanya jawab: Apakah ini resmi? Ya, perusahaan resmi bukan penipuan. Gaji 12 juta, tiket ditanggung",
    "FAQ: Is this legit? Yes, registered company, we are not a victim of fake news. USD 1,500, free flight",
    "Q: Aman gak? J: aman 100%, tidak ada penipuan, sudah 50 orang berangkat ke negara tetangga",
    "正规公司，不是诈骗！柬埔寨客服月薪1500美金，包吃包住，机票报销",
    "งานแอดมินออนไลน์ เงินเดือน 40,000 บาท ไม่ใช่มิจฉาชีพ ที่พักฟรี",
    "Tuyển CSKH lương 1200 USD, bao vé máy bay, công ty uy tín không lừa đảo",
    "FAQs 👇 T: Legit po ba ito? S: Opo! Registered company po kami. CSR sa Thailand ₱55,000",
])
def test_ad_wording_is_not_read_as_a_warning_or_a_question(ad):
    assert not _ids(ad) & {"WARNING_CONTEXT", "QUESTION_CONTEXT"}


@pytest.mark.parametrize("ad", [
    "Waspada! Jangan tergiur lowongan CS ke Kamboja gaji 15 juta.",
    "Is this legit? They offer USD 1,500 in Cambodia, free flight.",
    "legit po ba ito? CSR sa Thailand 60k",
    "Adik saya dapet tawaran kerja di Kamboja, aman gak?",
    "Ini penipuan! Bukan kerja CS, korban dipaksa menipu.",  # the negation takes back only the word right after it
    "Apakah ini resmi? Gaji 12 juta ke Kamboja, tiket ditanggung",  # a question nobody answers
    "警惕！所谓高薪客服是诈骗，不是诈骗的话为什么要没收护照？",
])
def test_warnings_and_questions_still_are(ad):
    assert _ids(ad) & {"WARNING_CONTEXT", "QUESTION_CONTEXT"}


@pytest.mark.parametrize("ad", [
    "Direct hiring, no DMW processing needed so mabilis!",
    "Don't go through the department, it takes months.",
    "Berangkat tanpa lewat BP2MI, lebih cepat, gaji 12 juta.",
    "Jalur cepet kerja LN: ga usah ke BP2MI, ga usah medical.",
    "hindi na kailangan dumaan sa DMW",
])
def test_skipping_official_registration_is_a_red_flag_not_a_placement_marker(ad):
    ids = _ids(ad)
    assert "BYPASSES_OFFICIAL_CHANNEL" in ids
    if "dumaan" not in ad:
        assert "OFFICIAL_PLACEMENT_MARKERS" not in ids


@pytest.mark.parametrize("ad", [
    "Customer Service sa Myawaddy, ₱70,000/month. Hindi kailangan ng work visa, tourist visa lang.",
    "No need for work visa, tourist visa ok, CSR Cambodia USD 1,200",
    "Tidak perlu visa kerja, pakai visa kunjungan dulu, gaji 12 juta",
])
def test_waiving_a_work_visa_is_no_placement_marker(ad):
    assert "OFFICIAL_PLACEMENT_MARKERS" not in _ids(ad)
    assert "OFFICIAL_PLACEMENT_MARKERS" in _ids("Kailangan ng work visa at employment contract bago umalis.")


def test_registering_through_the_official_channel_is_a_placement_marker():
    ids = _ids("Daftar resmi lewat BP2MI, cek SISKOP2MI. DMW-licensed agency, job order approved.")
    assert "OFFICIAL_PLACEMENT_MARKERS" in ids and "BYPASSES_OFFICIAL_CHANNEL" not in ids


@pytest.mark.parametrize("ad, fee", [
    ("No placement fee! Free ticket and visa", False),
    ("Tidak ada biaya pendaftaran, semua gratis", False),
    ("Biaya pendaftaran gratis", False),
    ("Ada biaya pendaftaran 200rb", True),
    ("Dipungut biaya pendaftaran Rp 500.000", True),
    ("Placement fee PHP 25,000 before deployment", True),
])
def test_a_fee_is_flagged_only_when_asked_for(ad, fee):
    assert ("UPFRONT_FEE" in _ids(ad)) is fee


@pytest.mark.parametrize("ad", [
    "Reminder sa mga aalis bukas: pag tinanong ng IO, bakasyon lang kayo. HUWAG banggitin ang trabaho.",
    "Adik tak payah bagitau family dulu, nanti diorang risau. Bawa passport je.",
    "If asked at the airport, say you are visiting a friend. Flight is paid.",
])
def test_coaching_a_cover_story_in_tagalog_malay_and_english_is_a_red_flag(ad):
    assert "COVER_STORY_OR_SECRECY" in _ids(ad)
