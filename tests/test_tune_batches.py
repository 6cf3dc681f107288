"""`training/tune.py --by-batch` holds out whole writing batches: every training row must belong to one."""

import importlib.util
from pathlib import Path

from jobscan import dataset

ROOT = Path(__file__).resolve().parent.parent


def _tune():
    spec = importlib.util.spec_from_file_location("tune", ROOT / "training" / "tune.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_training_row_has_a_writing_batch_and_no_batch_spans_the_split():
    tune = _tune()
    train = dataset.read_many([ROOT / "datasets/scam-recruitment/train.jsonl", ROOT / "datasets/id-sms-spam/train.csv"])
    batches = tune.writing_batches(train)
    assert "other" not in batches  # a row without a batch would never be held out
    assert len(set(batches)) >= 10
    assert {b for b, g in zip(batches, train["group"]) if str(g).startswith("sms-")} == {"id-sms-spam"}
    # a source group (an ad and its variants) never sits in two batches, or holding out a batch would leak
    batch_of_group: dict[str, set[str]] = {}
    for b, g in zip(batches, train["group"]):
        batch_of_group.setdefault(str(g), set()).add(b)
    assert all(len(v) == 1 for v in batch_of_group.values())


def test_the_batch_column_of_the_split_is_the_writing_batch():
    """`jobscan train` calibrates by the split's `batch` field; it must name the same batches as
    tune.py's mapping from ids to parts/ files (and the SMS corpus is one batch)."""
    tune = _tune()
    for split in ("train", "test"):
        df = dataset.read_many([ROOT / f"datasets/scam-recruitment/{split}.jsonl", ROOT / f"datasets/id-sms-spam/{split}.csv"])
        assert list(df["batch"]) == tune.writing_batches(df)


def test_a_labelled_file_without_batches_is_one_batch(tmp_path):
    f = tmp_path / "volunteers-2026-11.jsonl"
    f.write_text('{"text": "a", "label": 0}\n{"text": "b", "label": 1, "batch": "group-chat"}\n', encoding="utf-8")
    assert list(dataset.read_labelled(f)["batch"]) == ["volunteers-2026-11.jsonl", "group-chat"]
