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
