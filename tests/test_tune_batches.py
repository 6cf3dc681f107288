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
