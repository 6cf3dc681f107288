"""The sealed hold-out stays sealed: none of its texts reaches the training or test split, and the
corpus and tuning scripts never read it."""

import json
from pathlib import Path

from jobscan.normalize import normalize_text

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "datasets" / "scam-recruitment"
HOLDOUT = sorted((CORPUS / "holdout").glob("*.jsonl"))


def _records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_there_is_a_sealed_set_and_it_is_labelled_like_the_corpus():
    assert HOLDOUT
    for path in HOLDOUT:
        rows = _records(path)
        assert {r["label"] for r in rows} == {0, 1}
        assert all((r["label"] == 1) == (r["category"] == "scam_recruitment") for r in rows)


def test_no_hold_out_text_or_id_is_in_the_split_or_the_parts():
    split = [r for name in ("train.jsonl", "test.jsonl") for r in _records(CORPUS / name)]
    parts = [r for p in sorted((CORPUS / "parts").glob("*.jsonl")) for r in _records(p)]
    seen_text = {normalize_text(r["text"]) for r in split + parts}
    seen_id = {r["id"] for r in split + parts}
    for path in HOLDOUT:
        for r in _records(path):
            assert r["id"] not in seen_id, r["id"]
            assert normalize_text(r["text"]) not in seen_text, r["id"]


def test_corpus_and_tuning_scripts_read_only_the_parts():
    for script in ("training/build_corpus.py", "training/tune.py"):
        assert "holdout" not in (ROOT / script).read_text(encoding="utf-8")
    for config in (ROOT / "training" / "configs").glob("*.toml"):
        assert "holdout" not in config.read_text(encoding="utf-8")
