import json
import random
import shutil

import numpy as np
import pytest
from typer.testing import CliRunner

from jobscan import bundle
from jobscan import feedback as fb
from jobscan.cli import app
from jobscan.dataset import read_labelled
from jobscan.retrain import RetrainError, merge, retrain, split_feedback
from jobscan.scoring import Scorer

from .conftest import TRAIN

ADS = ["Lowongan CS Kamboja gaji USD 1.500, tiket ditanggung, DM Telegram", "Dijual HP bekas, mulus, Jakarta Selatan"]


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("JOBSCAN_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("JOBSCAN_MODEL", raising=False)


@pytest.fixture(scope="module")
def feedback_file(tiny_data, tmp_path_factory):
    """15 + 15 labelled posts the tiny model never saw, plus one base training post relabelled."""
    used = {r["text"] for p in (tiny_data["train"], tiny_data["test"])
            for r in map(json.loads, p.read_text(encoding="utf-8").splitlines())}
    rows = [json.loads(line) for line in TRAIN.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [r for r in rows if r["text"] not in used and r["language"] in ("id", "en")]
    random.Random(11).shuffle(rows)
    pos = [r for r in rows if r["label"] == 1][:15]
    neg = [r for r in rows if r["label"] == 0][:15]
    path = tmp_path_factory.mktemp("fb") / "feedback.jsonl"
    f = fb.FeedbackFile(path)
    for r in pos + neg:
        f.append(fb.make_label(r["text"], r["label"], "ana", language=r["language"]))
    base_row = json.loads(tiny_data["train"].read_text(encoding="utf-8").splitlines()[0])
    f.append(fb.make_label(base_row["text"], 1 - base_row["label"], "budi"))
    return path


def test_merge_lets_feedback_override_and_never_trains_on_held_out_or_test_posts(tiny_data, feedback_file):
    base = read_labelled(tiny_data["train"])
    test = read_labelled(tiny_data["test"])
    labels = fb.current_labels([feedback_file])
    fb_train, fb_held = split_feedback(fb.to_frame(labels), 30)
    assert len(fb_held) > 0 and len(fb_train) > 0
    held = {fb.content_hash(t) for t in fb_held["text"]}
    assert held.isdisjoint(fb.content_hash(t) for t in fb_train["text"])
    again_train, again_held = split_feedback(fb.to_frame(labels), 30)  # the rule depends on the texts only
    assert list(again_held["text"]) == list(fb_held["text"])
    test_hashes = {fb.content_hash(t) for t in test["text"]}
    merged, stats = merge(base, fb_train, set(labels), test_hashes)
    hashes = [fb.content_hash(t) for t in merged["text"]]
    assert len(hashes) == len(set(hashes))  # de-duplicated by content hash
    assert held.isdisjoint(hashes) and test_hashes.isdisjoint(hashes)
    flipped = fb.content_hash(base["text"][0])
    assert stats["base_rows_replaced_by_feedback"] == 1
    if flipped not in held:
        assert int(merged["label"][hashes.index(flipped)]) == 1 - int(base["label"][0])  # the feedback's label


def test_retrain_cli_writes_a_child_bundle_and_prints_deltas(tiny_bundle, feedback_file, tmp_path):
    out = tmp_path / "child"
    r = CliRunner().invoke(app, ["retrain", "--base", str(tiny_bundle), "--feedback", str(feedback_file), "-o", str(out),
                                 "--min-per-class", "10", "--lang", "en"])
    assert r.exit_code == 0, r.output
    assert "Change against the parent on the fixed test split" in r.stdout
    assert "Change against the parent on the held-out feedback" in r.stdout
    assert "| precision@flagged |" in r.stdout and "checking" in r.stderr
    meta = json.loads((out / "meta.json").read_text())
    parent = json.loads((tiny_bundle / "meta.json").read_text())
    assert meta["parent"]["model_sha256"] == parent["model_sha256"] and meta["parent"]["name"] == "tiny"
    assert meta["data"]["feedback"][0]["sha256"] == fb.file_sha256(feedback_file)
    assert meta["feedback"]["files"][0]["sha256"] == fb.file_sha256(feedback_file)
    assert meta["seed"] == parent["seed"]
    assert meta["training_config"]["features"] == parent["training_config"]["features"]
    assert meta["version"] == "0.0.1+r1" and meta["generation"] == 1
    s = meta["feedback"]["stats"]
    assert s["feedback_labels"] == 31 and s["feedback_train"] + s["feedback_held_out"] == 31
    assert meta["metrics"]["n"] == 20 and meta["feedback_metrics"]["n"] == s["feedback_held_out"]
    assert set(meta["deltas"]["test"]) >= {"precision@flagged", "recall@flagged", "pr_auc"}
    assert "## Retraining" in (out / "MODEL_CARD.md").read_text()
    Scorer.load(out)  # a valid, hash-verified bundle


def test_retrain_is_reproducible(tiny_bundle, feedback_file, tmp_path):
    metas = [retrain(tiny_bundle, [feedback_file], tmp_path / f"c{k}", min_per_class=10)["meta"] for k in range(2)]
    assert metas[0]["model_sha256"] == metas[1]["model_sha256"]
    assert metas[0]["scorer_sha256"] == metas[1]["scorer_sha256"]
    p = [bundle.load(tmp_path / f"c{k}").pipeline.predict_proba(ADS) for k in range(2)]
    assert np.array_equal(p[0], p[1])


def test_refuses_below_the_minimum_and_says_the_rule(tiny_bundle, feedback_file, tmp_path):
    out = tmp_path / "child"
    args = ["retrain", "--base", str(tiny_bundle), "--feedback", str(feedback_file), "-o", str(out)]
    r = CliRunner().invoke(app, args + ["--lang", "en"])
    assert r.exit_code == 2
    assert "retraining needs at least 20 feedback labels of each class" in r.stderr
    assert "the feedback has 16 scam recruitment and 15 not" in r.stderr or "has 15 scam recruitment and 16 not" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 2 and not out.exists()  # one progress line, one error line
    r = CliRunner().invoke(app, args + ["--lang", "id"])
    assert r.exit_code == 2 and "perlu minimal 20 label umpan balik untuk tiap kelas" in r.stderr


def test_data_checks_stop_before_training(tiny_bundle, tiny_data, feedback_file, tmp_path):
    broken = tmp_path / "train.jsonl"
    shutil.copy(tiny_data["train"], broken)
    with open(broken, "a", encoding="utf-8") as f:
        f.write(json.dumps({"text": "   ", "label": 0, "language": "id"}) + "\n")
    base = ["--base", str(tiny_bundle), "--feedback", str(feedback_file), "-o", str(tmp_path / "x"),
            "--min-per-class", "10", "--base-train", str(broken)]
    r = CliRunner().invoke(app, ["retrain", *base, "--lang", "en"])
    assert r.exit_code == 2 and "is not the file the base model was trained on" in r.stderr
    assert "--allow-data-change" in r.stderr
    r = CliRunner().invoke(app, ["retrain", *base, "--allow-data-change", "--lang", "en"])
    assert r.exit_code == 2
    assert "the data checks found problems, so nothing was trained: 1 empty texts" in r.stderr
    assert not (tmp_path / "x").exists()
    r = CliRunner().invoke(app, ["retrain", *base, "--allow-data-change", "--lang", "id"])
    assert "pemeriksaan data menemukan masalah" in r.stderr


def test_missing_base_data_names_the_option(tiny_bundle, feedback_file, tmp_path):
    moved = tmp_path / "moved"
    shutil.copytree(tiny_bundle, moved)
    meta = json.loads((moved / "meta.json").read_text())
    meta["training_config"]["data"]["train"] = [str(tmp_path / "gone" / "train.jsonl")]
    (moved / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(RetrainError) as err:
        retrain(moved, [feedback_file], tmp_path / "out", min_per_class=10)
    assert "--base-train FILE" in str(err.value)


def test_retrain_by_name_stores_the_model_with_the_local_models(tiny_bundle, feedback_file, tmp_path):
    r = CliRunner().invoke(app, ["retrain", "--base", str(tiny_bundle), "--feedback", str(feedback_file),
                                 "--name", "ngo-1", "--min-per-class", "10", "--format", "json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["name"] == "ngo-1" and out["path"] == str(tmp_path / "home" / "models" / "ngo-1")
    r = CliRunner().invoke(app, ["models", "list", "--lang", "en"])
    assert "ngo-1" in r.stdout and "tiny 0.0.1" in r.stdout  # listed with its parent


def test_a_chain_of_retrains_keeps_every_generations_feedback(tiny_bundle, feedback_file, tmp_path):
    first = tmp_path / "fb1.jsonl"
    shutil.copy(feedback_file, first)
    child = retrain(tiny_bundle, [first], tmp_path / "child", min_per_class=10)["meta"]
    assert child["data"]["feedback"][0]["bytes"] == first.stat().st_size
    second = tmp_path / "fb2.jsonl"
    fb.FeedbackFile(second).append(fb.make_label("Kerja admin di Myawaddy, gaji 25 juta, tiket gratis, DM Telegram", 1, "ana"))
    fb.FeedbackFile(first).append(fb.make_label("Dijual motor bekas, surat lengkap, Bandung", 0, "ana"))  # it grew
    report = retrain(tmp_path / "child", [second], tmp_path / "grandchild", min_per_class=10)
    meta = report["meta"]
    assert [f["file"] for f in meta["data"]["feedback"]] == ["fb1.jsonl", "fb2.jsonl"]
    assert meta["version"] == "0.0.1+r2" and meta["parent"]["name"] == "child"
    assert meta["feedback"]["stats"]["feedback_labels"] == 33
    first.unlink()
    with pytest.raises(RetrainError) as err:
        retrain(tmp_path / "child", [second], tmp_path / "again", min_per_class=10)
    assert "fb1.jsonl" in str(err.value) and "--feedback" in str(err.value)
