"""Compare training settings by grouped cross-validation on the TRAINING split only.

    python training/tune.py training/configs/default.toml classifier.C=1,4,16 features.weights=...

The test split is never read here: settings are chosen on out-of-fold predictions of the
training data (augmented copies are scored but not counted), then the chosen config is trained
and evaluated once on the test split by `jobscan train`.
"""

from __future__ import annotations

import copy
import itertools
import json
import sys
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jobscan import dataset  # noqa: E402
from jobscan.evaluate import HARD_NEGATIVE_CATEGORIES, metrics  # noqa: E402
from jobscan.train import augment_frame, choose_thresholds, fit, load_config  # noqa: E402


def parse_value(v: str):
    try:
        return json.loads(v)
    except json.JSONDecodeError:
        return v


def main(argv: list[str]) -> None:
    cfg = load_config(argv[0])
    grid = []
    for arg in argv[1:]:
        key, values = arg.split("=", 1)
        grid.append((key, [parse_value(v) for v in values.split(";")]))
    df = dataset.read_many(cfg["data"]["train"])
    for combo in itertools.product(*[vals for _, vals in grid]) if grid else [()]:
        c = copy.deepcopy(cfg)
        for (key, _), value in zip(grid, combo):
            section, name = key.split(".")
            c[section][name] = value
        aug = augment_frame(df, c, c["seed"])
        _, oof, y = fit(aug, c, c["seed"])
        original = (aug["source"] != "augmented").to_numpy()
        th = choose_thresholds(y, oof, c["thresholds"])
        m = metrics(y[original], oof[original], aug["language"].to_numpy()[original],
                    aug["category"].to_numpy()[original], th)
        langs = {k: v["flagged"]["f1"] for k, v in m["by_language"].items() if v["positives"]}
        aug_m = metrics(y[~original], oof[~original], aug["language"].to_numpy()[~original],
                        aug["category"].to_numpy()[~original], th) if (~original).any() else None
        hard = {k: m["by_category"][k]["flagged_rate"] for k in HARD_NEGATIVE_CATEGORIES if k in m["by_category"]}
        print(json.dumps({"settings": dict(zip([k for k, _ in grid], combo)), "thresholds": [th["review"], th["flagged"]],
                          "f1_flagged": m["flagged"]["f1"], "recall_flagged": m["flagged"]["recall"],
                          "pr_auc": m["pr_auc"], "f1_by_language": langs, "hard_negatives_flagged": hard,
                          "augmented_recall": aug_m["flagged"]["recall"] if aug_m else None}, ensure_ascii=False))
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
