import csv
import json
import shutil

import pytest
from typer.testing import CliRunner

from jobscan import api, bundle, registry
from jobscan.cli import app

SCAM = "LOKER KAMBOJA! CS online gaji USD 1.200, tiket & visa ditanggung, tanpa pengalaman, DM Telegram @hr_lina"


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("JOBSCAN_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("JOBSCAN_MODEL", raising=False)
    api._scorer.cache_clear()
    yield tmp_path / "home"
    api._scorer.cache_clear()


@pytest.fixture()
def local(tiny_bundle, home):
    """The tiny bundle installed as a local model called `tiny1`."""
    dest = home / "models" / "tiny1"
    shutil.copytree(tiny_bundle, dest)
    return dest


def run(*args):
    return CliRunner().invoke(app, list(args))


def test_home_is_jobscan_home_else_the_platform_app_dir(monkeypatch, tmp_path):
    assert registry.home() == tmp_path / "home"
    monkeypatch.delenv("JOBSCAN_HOME")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    import typer

    assert registry.home() == type(registry.home())(typer.get_app_dir("jobscan"))


def test_list_shows_the_shipped_model_and_local_ones(local, shipped_bundle):
    r = run("models", "list", "--lang", "en")
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert lines[0].split()[:2] == ["NAME", "VERSION"]
    assert lines[1].startswith("* default") and str(shipped_bundle) in lines[1]
    assert lines[2].startswith("  tiny1") and "0.0.1" in lines[2]
    assert "local models live in" in r.stderr
    r = run("models", "list", "--lang", "id")
    assert r.stdout.splitlines()[0].split()[:2] == ["NAMA", "VERSI"] and "model lokal disimpan di" in r.stderr
    data = json.loads(run("models", "list", "--json").stdout)
    assert [(e["name"], e["default"]) for e in data] == [("default", True), ("tiny1", False)]


def test_use_makes_check_follow_the_choice_and_default_restores(local, shipped_bundle):
    r = run("models", "use", "tiny1", "--lang", "en")
    assert r.exit_code == 0, r.output
    assert "check, scan and review now use" in r.stdout and "models use default" in r.stdout
    assert bundle.resolve_path(None) == local.resolve()
    r = run("check", "--format", "json", SCAM)
    assert r.exit_code == 0 and json.loads(r.stdout)["model"]["name"] == "tiny"
    assert run("models", "list").stdout.splitlines()[2].startswith("* tiny1")
    r = run("models", "use", "default", "--lang", "id")
    assert r.exit_code == 0 and "model bawaan" in r.stdout
    assert bundle.resolve_path(None) == shipped_bundle
    assert json.loads(run("check", "--format", "json", SCAM).stdout)["model"]["name"] == "jobscan-default"


def test_jobscan_model_and_model_option_win_over_the_saved_choice(local, shipped_bundle, monkeypatch):
    registry.use("tiny1")
    monkeypatch.setenv("JOBSCAN_MODEL", str(shipped_bundle))
    assert bundle.resolve_path(None) == shipped_bundle
    r = run("models", "use", "tiny1", "--lang", "en")
    assert "JOBSCAN_MODEL" in r.stderr  # says the variable takes precedence
    monkeypatch.delenv("JOBSCAN_MODEL")
    assert bundle.resolve_path("default") == shipped_bundle  # names work wherever --model is taken
    assert bundle.resolve_path("tiny1") == local


def test_a_default_that_has_gone_fails_loudly_and_can_be_restored(local):
    registry.use("tiny1")
    shutil.rmtree(local)
    r = run("check", SCAM)
    assert r.exit_code == 2 and "jobscan models use default" in r.stderr
    assert run("models", "use", "default").exit_code == 0
    assert run("check", "--format", "json", SCAM).exit_code == 0


def test_validate_passes_a_good_bundle_and_exits_1_on_problems(local, tmp_path):
    r = run("models", "validate", "tiny1", "--lang", "en")
    assert r.exit_code == 0, r.output
    assert r.stdout.strip().splitlines()[-1].startswith("ok: tiny 0.0.1")
    tampered = tmp_path / "tampered"
    shutil.copytree(local, tampered)
    with open(tampered / "model.skops", "ab") as f:
        f.write(b"\0")
    r = run("models", "validate", str(tampered), "--lang", "en")
    assert r.exit_code == 1 and "problem:" in r.stdout and "sha256" in r.stdout
    old = tmp_path / "old"
    shutil.copytree(local, old)
    meta = json.loads((old / "meta.json").read_text())
    meta["sklearn_version"] = "0.24.2"
    (old / "meta.json").write_text(json.dumps(meta))
    r = run("models", "validate", str(old), "--lang", "en")
    assert r.exit_code == 1 and "trained with scikit-learn 0.24.2" in r.stdout
    r = run("models", "validate", str(old), "--lang", "id")
    assert r.exit_code == 1 and "masalah:" in r.stdout and "dilatih dengan scikit-learn 0.24.2" in r.stdout
    meta["format_version"] = 99
    (old / "meta.json").write_text(json.dumps(meta))
    r = run("models", "validate", str(old), "--json")
    assert r.exit_code == 1 and "unsupported bundle format 99" in json.loads(r.stdout)[0]["problems"][0]
    # `use` refuses a bundle with a problem and keeps the current default
    r = run("models", "use", str(old), "--lang", "en")
    assert r.exit_code == 2 and "not using" in r.stderr and registry.chosen_default() is None


def test_unknown_names_are_usage_errors_in_both_languages():
    r = run("models", "show", "nope", "--lang", "en")
    assert r.exit_code == 2 and "no model called 'nope'" in r.stderr
    r = run("models", "use", "nope", "--lang", "id")
    assert r.exit_code == 2 and "tidak ada model bernama 'nope'" in r.stderr


def test_show_describes_a_bundle(local):
    r = run("models", "show", "tiny1", "--lang", "en")
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("tiny 0.0.1") and "thresholds: review" in r.stdout and "parent: none" in r.stdout
    assert "| flagged |" in r.stdout
    r = run("models", "show", "tiny1", "--lang", "id")
    assert "ambang: review" in r.stdout and "induk: tidak ada" in r.stdout
    assert json.loads(run("models", "show", "tiny1", "--json").stdout)["name"] == "tiny"


def test_compare_scores_both_models_on_the_same_data(local, tiny_data, tmp_path):
    r = run("models", "compare", "tiny1", str(local), "--data", str(tiny_data["test"]), "--lang", "en")
    assert r.exit_code == 0, r.output
    assert "| metric | A | B | B - A |" in r.stdout and "| precision@flagged |" in r.stdout
    assert "same verdict for 100.0% of posts" in r.stdout and "±0" in r.stdout
    r = run("models", "compare", "tiny1", "default", "--json")  # default data: A's recorded test split
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["n"] == 20 and out["metrics"]["a"]["n"] == 20 and out["b"]["name"] == "jobscan-default"
    posts = tmp_path / "posts.csv"  # unlabelled posts: verdicts only
    with open(posts, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([["text"], [SCAM], ["Dijual HP bekas mulus, COD Jakarta"]])
    r = run("models", "compare", "tiny1", "default", "--data", str(posts), "--lang", "id")
    assert r.exit_code == 0, r.output
    assert "A = tiny 0.0.1, B = jobscan-default" in r.stdout and "2 postingan" in r.stdout
    assert "| metric |" not in r.stdout
