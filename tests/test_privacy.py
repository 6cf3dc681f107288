"""Privacy: no ad text on stderr at default verbosity (check, scan); the saved model holds none of
the training data's phone numbers, handles or e-mail addresses."""

import csv
import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from jobscan.cli import app
from jobscan.contacts import find_contacts

ROOT = Path(__file__).resolve().parent.parent
TRAIN = ROOT / "datasets" / "scam-recruitment" / "train.jsonl"
SMS_TRAIN = ROOT / "datasets" / "id-sms-spam" / "train.csv"

# Made-up words that occur nowhere else, so any of them on stderr means ad text leaked.
SECRET_WORDS = ["Zorblaxian", "Quimbrello", "Vantorrix", "Plendoshi"]
ADS = [
    f"LOKER {SECRET_WORDS[0]}! CS online di Kamboja gaji USD 1.500, tiket & visa ditanggung, DM Telegram @hr_kh_lina",
    f"Dijual motor {SECRET_WORDS[1]} bekas, mulus, COD Sleman, WA 0812-9876-5432",
    f"Customer service {SECRET_WORDS[2]} in Cambodia, USD 1,400, free flight, no experience, hiring.desk@mailbox.com",
]


@pytest.fixture()
def runner(tiny_bundle, monkeypatch):
    monkeypatch.setenv("JOBSCAN_MODEL", str(tiny_bundle))
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    return CliRunner()


def assert_no_ad_text(stderr: str, *contacts: str) -> None:
    low = stderr.lower()
    for word in SECRET_WORDS + list(contacts):
        assert word.lower() not in low, f"{word!r} appeared on stderr:\n{stderr}"


def test_check_keeps_ad_text_off_stderr(runner, tmp_path):
    for ad in ADS:
        for args in (["check", ad], ["check", "--format", "json", ad]):
            r = runner.invoke(app, args)
            assert r.exit_code == 0 and r.stderr == "", r.stderr
    long_ad = tmp_path / "long.txt"
    long_ad.write_text(ADS[0] + " x" * 60_000, encoding="utf-8")
    r = runner.invoke(app, ["check", "--file", str(long_ad)])
    assert r.exit_code == 0 and r.stderr.count("\n") == 1  # the truncation note only
    assert_no_ad_text(r.stderr)
    for bad in ([f"\x00{SECRET_WORDS[0]}\x01\x02" * 50], ["--lang", "xx", ADS[0]]):
        r = runner.invoke(app, ["check", *bad])
        assert r.exit_code == 2
        assert_no_ad_text(r.stderr)


@pytest.mark.parametrize("redact", [False, True])
def test_scan_keeps_ad_text_off_stderr(runner, tmp_path, redact):
    src = tmp_path / "posts.jsonl"
    lines = [json.dumps({"id": k, "text": ad}) for k, ad in enumerate(ADS)]
    lines.insert(1, '{"text": "broken ' + SECRET_WORDS[3] + '"')  # an error row: its text stays out of stderr too
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    args = ["scan", str(src), "-o", str(tmp_path / "out.jsonl")] + (["--redact"] if redact else [])
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    assert r.stderr  # progress and the summary are there...
    # ...but no words of the ads (the summary names the contacts of risky posts, for volunteers to
    # report them; with --redact not even those)
    assert_no_ad_text(r.stderr, *(["hr_kh_lina", "9876", "hiring.desk"] if redact else []))


# ---------------------------------------------------------------- the saved model
def _training_contacts(*paths: Path) -> set[str]:
    """Phones, handles, e-mails and messenger links of the training data, as written and normalised."""
    texts = []
    for path in paths:
        if path.suffix == ".jsonl":
            texts += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        else:
            texts += [row["Teks"] for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")))]
    needles = set()
    for text in texts:
        for c in find_contacts(text):
            if c.kind in ("phone", "handle", "email", "whatsapp_link", "telegram_link"):
                for form in (c.text, c.text.lower(), c.value, c.value.lstrip("@+")):
                    if len(form) >= 6:
                        needles.add(form)
    return needles


def _bundle_texts(bundle_dir: Path) -> list[str]:
    """Everything the bundle stores, as text: each member of model.skops (JSON, and .npy arrays both
    as raw bytes and as decoded strings), each array of scorer.npz, meta.json and the model card."""
    out = []

    def add_bytes(data: bytes) -> None:
        out.append(data.decode("utf-8", "ignore"))
        out.append(data.decode("utf-32-le", "ignore") if len(data) % 4 == 0 else data[: len(data) // 4 * 4].decode("utf-32-le", "ignore"))

    def add_array(arr: np.ndarray) -> None:
        if arr.dtype.kind in "US":
            out.append("\n".join(str(x) for x in arr.ravel().tolist()))

    with zipfile.ZipFile(bundle_dir / "model.skops") as z:
        names = z.namelist()
        assert names
        for name in names:
            data = z.read(name)
            add_bytes(data)
            if name.endswith(".npy"):
                add_array(np.load(io.BytesIO(data), allow_pickle=False))
    if (bundle_dir / "scorer.npz").exists():
        with np.load(bundle_dir / "scorer.npz", allow_pickle=False) as npz:
            for key in npz.files:
                add_array(npz[key])
    for name in ("meta.json", "MODEL_CARD.md"):
        add_bytes((bundle_dir / name).read_bytes())
    return out


def _leaks(bundle_dir: Path, needles: set[str]) -> list[str]:
    texts = _bundle_texts(bundle_dir)
    return sorted(n for n in needles if any(n in t for t in texts))


def test_the_search_finds_a_planted_contact(tiny_bundle, tmp_path):
    """The search itself works: a contact planted in the bundle's strings is found."""
    import shutil

    copy = tmp_path / "planted"
    shutil.copytree(tiny_bundle, copy)
    with np.load(copy / "scorer.npz", allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    arrays["flag_ids"] = np.array(str(arrays["flag_ids"]) + "\nhr_planted_contact")
    np.savez_compressed(copy / "scorer.npz", **arrays)
    assert _leaks(copy, {"hr_planted_contact", "+6281299990000"}) == ["hr_planted_contact"]


def test_tiny_bundle_holds_no_training_contacts(tiny_bundle):
    needles = _training_contacts(TRAIN)
    assert len(needles) > 100
    assert _leaks(tiny_bundle, needles) == []


def test_shipped_bundle_holds_no_training_contacts(shipped_bundle):
    needles = _training_contacts(TRAIN, SMS_TRAIN)
    assert len(needles) > 100
    assert _leaks(shipped_bundle, needles) == []
