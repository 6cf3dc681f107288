import json
import random
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TRAIN = ROOT / "datasets" / "scam-recruitment" / "train.jsonl"


@pytest.fixture(scope="session")
def tiny_data(tmp_path_factory) -> dict:
    """A small, balanced sample of the hand-written training split (trains in about a second)."""
    rows = [json.loads(line) for line in TRAIN.read_text(encoding="utf-8").splitlines() if line.strip()]
    rng = random.Random(7)
    rng.shuffle(rows)
    pos = [r for r in rows if r["label"] == 1 and r["language"] in ("id", "en")][:40]
    neg = [r for r in rows if r["label"] == 0 and r["language"] in ("id", "en")][:40]
    train, test = pos[:30] + neg[:30], pos[30:] + neg[30:]
    d = tmp_path_factory.mktemp("tiny")
    for name, part in (("train", train), ("test", test)):
        with open(d / f"{name}.jsonl", "w", encoding="utf-8") as f:
            for r in part:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
    (d / "tiny.toml").write_text(
        'name = "tiny"\nversion = "0.0.1"\nseed = 3\n'
        '[data]\ntrain = ["train.jsonl"]\ntest = ["test.jsonl"]\n'
        '[features]\nword_bits = 16\nchar_bits = 16\n'
        '[classifier]\ncv_folds = 3\n[augment]\nfraction = 0.3\n', encoding="utf-8")
    return {"dir": d, "config": d / "tiny.toml", "train": d / "train.jsonl", "test": d / "test.jsonl"}


@pytest.fixture(scope="session")
def tiny_bundle(tiny_data, tmp_path_factory) -> Path:
    from jobscan.train import train

    out = tmp_path_factory.mktemp("bundles") / "tiny"
    train(tiny_data["config"], out)
    return out


@pytest.fixture(scope="session")
def shipped_bundle() -> Path:
    from jobscan.bundle import default_bundle_path

    return default_bundle_path()
