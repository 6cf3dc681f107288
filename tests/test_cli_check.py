import json
import sys

import pytest
from typer.testing import CliRunner

from jobscan.cli import app

SCAM_ID = ("LOKER KAMBOJA! CS online gaji USD 1.200, tiket & visa ditanggung, tanpa pengalaman. "
           "Usia 18-35. Berangkat minggu ini, DM Telegram @hr_lina_kh")
LEGIT_EN = ("We are hiring customer service representatives for our Makati office. Salary PHP 22,000 plus night "
            "differential. College level, good English, typing 25 wpm. Apply at careers@acme-bpo.ph")


@pytest.fixture()
def run(shipped_bundle, monkeypatch):
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    runner = CliRunner()

    def invoke(*args, input=None):
        return runner.invoke(app, list(args), input=input)

    return invoke


def test_check_flags_a_scam_ad_in_indonesian_by_default(run):
    r = run("check", SCAM_ID)
    assert r.exit_code == 0, r.output
    assert "RISIKO TINGGI" in r.stdout
    assert "«KAMBOJA»" in r.stdout  # the phrase from the ad, highlighted
    assert "KP2MI" in r.stdout and "KBRI Phnom Penh" in r.stdout  # where to verify, incl. the destination


def test_check_in_english_on_request(run):
    r = run("check", "--lang", "en", SCAM_ID)
    assert r.exit_code == 0
    assert "HIGH RISK" in r.stdout and "What to do now" in r.stdout


def test_check_json_schema_and_exact_evidence(run):
    r = run("check", "--format", "json", SCAM_ID)
    assert r.exit_code == 0
    res = json.loads(r.stdout)
    for key in ("schema", "risk", "verdict", "thresholds", "language", "flags", "top_terms", "contacts", "advice", "model"):
        assert key in res
    assert res["schema"] == "jobscan.result/1" and res["verdict"] == "flagged" and res["language"] == "id"
    for f in res["flags"]:
        assert {"id", "group", "description", "evidence", "contribution"} <= set(f)
        for e in f["evidence"]:
            assert SCAM_ID[e["start"]:e["end"]] == e["text"]
    assert {"kind": "handle", "value": "@hr_lina_kh"}.items() <= res["contacts"][0].items()
    assert res["top_terms"] and all(SCAM_ID[t["start"]:t["end"]] == t["term"] for t in res["top_terms"])


def test_check_legit_ad_is_ok_and_says_low_score_is_no_proof(run):
    r = run("check", LEGIT_EN)
    assert r.exit_code == 0
    assert "LOW RISK" in r.stdout and "not proof" in r.stdout


def test_fail_on(run):
    assert run("check", "--fail-on", "flagged", SCAM_ID).exit_code == 1
    assert run("check", "--fail-on", "review", LEGIT_EN).exit_code == 0
    assert run("check", "--fail-on", "sometimes", SCAM_ID).exit_code == 2


def test_stdin_only_with_dash_and_file_input(run, tmp_path):
    r = run("check", "-", input=SCAM_ID)
    assert r.exit_code == 0 and "RISIKO TINGGI" in r.stdout
    f = tmp_path / "ad.txt"
    f.write_text(SCAM_ID + "\n\nline two", encoding="utf-8")
    assert run("check", "--file", str(f), "--format", "json").exit_code == 0


@pytest.mark.parametrize("args, stdin, message", [
    (["check", "   "], None, "empty"),
    (["check", "-"], "", "empty"),
    (["check"], None, "no ad given"),
    (["check", "--lang", "fr", "x"], None, "--lang"),
])
def test_bad_input_is_one_line_exit_2(run, args, stdin, message):
    r = run(*args, input=stdin)
    assert r.exit_code == 2
    assert message in r.stderr and r.stderr.count("\n") == 1
    assert "Traceback" not in r.output


def test_binary_and_invalid_utf8_files(run, tmp_path):
    b = tmp_path / "bin.dat"
    b.write_bytes(b"\x00\x01\x02PK\x03\x04" * 100)
    r = run("check", "--file", str(b))
    assert r.exit_code == 2 and "binary" in r.stderr
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Gaji tinggi di Kamboja \xe9\xe8".encode("latin-1"))
    r = run("check", "--file", str(latin))
    assert r.exit_code == 2 and "UTF-8" in r.stderr


def test_broken_model_is_exit_2(run, tmp_path):
    r = run("check", "--model", str(tmp_path / "missing"), SCAM_ID)
    assert r.exit_code == 2 and "not found" in r.stderr


def test_version(run):
    from jobscan import __version__

    r = run("--version")
    assert r.exit_code == 0 and __version__ in r.stdout


def test_python_api_returns_the_cli_schema(shipped_bundle):
    import jobscan

    res = jobscan.check(SCAM_ID, lang="en")
    assert res["verdict"] == "flagged" and res["output_language"] == "en"
    assert res["flags"][0]["description"].isascii()


@pytest.mark.parametrize("argv, message", [
    (["check", "--json", "ad text"], "No such option: --json"),
    (["scan"], "Missing argument"),
])
def test_usage_errors_are_named_with_exit_2_not_reported_as_internal_errors(argv, message, monkeypatch, capsys):
    """A mistyped option or a missing argument, through the installed entry point (`cli.main`):
    click's usage message and exit 2, whichever copy of click typer uses; never "internal error"."""
    from jobscan import cli

    monkeypatch.setattr(sys, "argv", ["jobscan", *argv])
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    err = capsys.readouterr().err
    assert exit_info.value.code == 2
    assert message in err and "internal error" not in err and "Traceback" not in err
