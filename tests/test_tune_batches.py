"""`training/tune.py --by-batch` holds out whole writing batches (the split's `batch` column): every
training row must belong to one."""

import importlib.util
import json
from pathlib import Path

from jobscan import dataset

ROOT = Path(__file__).resolve().parent.parent


def _tune():
    spec = importlib.util.spec_from_file_location("tune", ROOT / "training" / "tune.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _parts_batches(df) -> list[str]:
    """Each row's writing batch worked out independently: the parts/ file its id comes from."""
    batch_of = {}
    for part in sorted((ROOT / "datasets/scam-recruitment/parts").glob("*.jsonl")):
        for line in part.read_text(encoding="utf-8").splitlines():
            if line.strip():
                batch_of[json.loads(line)["id"]] = part.stem
    return [batch_of.get(i, "id-sms-spam" if str(g).startswith("sms-") else "other") for i, g in zip(df["id"], df["group"])]


def test_every_training_row_has_a_writing_batch_and_no_batch_spans_the_split():
    train = dataset.read_many([ROOT / "datasets/scam-recruitment/train.jsonl", ROOT / "datasets/id-sms-spam/train.csv"])
    batches = list(train["batch"])
    assert "other" not in _parts_batches(train)  # a row without a batch would never be held out
    assert len(set(batches)) >= 10
    assert {b for b, g in zip(batches, train["group"]) if str(g).startswith("sms-")} == {"id-sms-spam"}
    # a source group (an ad and its variants) never sits in two batches, or holding out a batch would leak
    batch_of_group: dict[str, set[str]] = {}
    for b, g in zip(batches, train["group"]):
        batch_of_group.setdefault(str(g), set()).add(b)
    assert all(len(v) == 1 for v in batch_of_group.values())


def test_the_batch_column_of_the_split_is_the_writing_batch():
    """tune.py and `jobscan train` hold out by the split's `batch` field; it must name the parts/ file
    each row comes from (and the SMS corpus is one batch)."""
    for split in ("train", "test"):
        df = dataset.read_many([ROOT / f"datasets/scam-recruitment/{split}.jsonl", ROOT / f"datasets/id-sms-spam/{split}.csv"])
        assert list(df["batch"]) == _parts_batches(df)


def test_a_labelled_file_without_batches_is_one_batch(tmp_path):
    f = tmp_path / "volunteers-2026-11.jsonl"
    f.write_text('{"text": "a", "label": 0}\n{"text": "b", "label": 1, "batch": "group-chat"}\n', encoding="utf-8")
    assert list(dataset.read_labelled(f)["batch"]) == ["volunteers-2026-11.jsonl", "group-chat"]


def test_nested_trains_without_the_batch_it_scores(tiny_data, monkeypatch):
    """`tune.py --nested`: the model that scores a batch never saw any row of it, and it is scored
    at that model's own thresholds."""
    import numpy as np

    from jobscan.train import load_config

    tune = _tune()
    cfg = load_config(tiny_data["config"])
    df = dataset.read_many([tiny_data["train"]])
    df["batch"] = [f"b{k % 3}" for k in range(len(df))]
    seen = {}
    real_fit = tune.fit

    def recording_fit(aug, c, seed):
        seen["batches"] = set(aug["batch"])
        seen["texts"] = set(aug["text"])
        return real_fit(aug, c, seed)

    monkeypatch.setattr(tune, "fit", recording_fit)
    b, rows, p, th = tune._left_out((df, cfg, "b1"))
    assert b == "b1" and list(rows) == list(np.flatnonzero(df["batch"] == "b1"))
    assert seen["batches"] == {"b0", "b2"}
    assert not seen["texts"] & set(df["text"][df["batch"] == "b1"])
    assert len(p) == len(rows) and all(0.0 <= x <= 1.0 for x in p)
    assert set(th) >= {"review", "flagged"} and th["review"] <= th["flagged"]


def test_rates_count_flagged_rows():
    import numpy as np

    tune = _tune()
    y = np.array([1, 1, 1, 0, 0])
    flagged = np.array([True, True, False, True, False])
    assert tune._rates(y, flagged) == {"f1": 0.667, "precision": 0.667, "recall": 0.667}


def test_tune_refuses_bad_arguments_with_one_line_and_exit_2(tmp_path):
    """A trainer's typo (missing config, a setting without its section) is named in one line on
    stderr, exit 2, before any training starts."""
    import subprocess
    import sys

    def run(*args):
        return subprocess.run([sys.executable, str(ROOT / "training/tune.py"), *args], capture_output=True, text=True,
                              cwd=tmp_path, timeout=120)

    missing = run(str(tmp_path / "nothere.toml"))
    assert missing.returncode == 2 and "config file not found" in missing.stderr and "Traceback" not in missing.stderr
    no_section = run(str(ROOT / "training/configs/default.toml"), "C=3")
    assert no_section.returncode == 2 and "section.key=value" in no_section.stderr
    unknown = run(str(ROOT / "training/configs/default.toml"), "nosuch.C=3")
    assert unknown.returncode == 2 and "[nosuch]" in unknown.stderr and "Traceback" not in unknown.stderr
