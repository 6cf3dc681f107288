"""Compare training settings by grouped cross-validation on the TRAINING split only.

    python training/tune.py training/configs/default.toml classifier.C=1;4;16 features.weights=...
    python training/tune.py --by-batch training/configs/default.toml ...

`--by-batch` holds out one writing batch at a time (datasets/scam-recruitment/parts/*.jsonl, one file
per batch of writers, plus the real SMS corpus as a batch of its own) instead of grouped folds: the
model never saw how that batch's writers write, the nearest we have to real posts it has never seen.
Most batches hold one label, so only the pooled out-of-batch predictions give F1.

`--nested` measures the whole recipe on writers it has not seen: each writing batch in turn is left
out, the config is trained on the other batches exactly as `jobscan train` trains (augmentation, its
own calibration folds, thresholds chosen on its own out-of-fold scores), and the left-out batch is
scored by that model at that model's thresholds. Unlike `--by-batch`, nothing that is measured took
part in choosing the calibration or the thresholds. Two processes; one training per batch (18 now:
about 20 minutes on 2 cores).

The test split is never read here: settings are chosen on out-of-fold predictions of the
training data (augmented copies are scored but not counted), then the chosen config is trained
and evaluated once on the test split by `jobscan train`.
"""

from __future__ import annotations

import argparse
import copy
import itertools
import json
import sys
from pathlib import Path

import numpy as np


ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jobscan import dataset  # noqa: E402
from jobscan.evaluate import HARD_NEGATIVE_CATEGORIES, average_precision, metrics  # noqa: E402
from jobscan.train import ConfigError, augment_frame, choose_thresholds, fit, load_config  # noqa: E402


def parse_value(v: str):
    try:
        return json.loads(v)
    except json.JSONDecodeError:
        return v


def out_of_fold(df, c: dict):
    """Augment, fit with the config's folds and choose thresholds on the out-of-fold scores, as
    `jobscan train` does. Returns (augmented frame, out-of-fold probabilities, labels, mask of the
    original rows, thresholds)."""
    aug = augment_frame(df, c, c["seed"])
    _, oof, y = fit(aug, c, c["seed"])
    original = (aug["source"] != "augmented").to_numpy()
    return aug, oof, y, original, choose_thresholds(y, oof, c["thresholds"])


def _left_out(job):
    """Train on every batch but one; the left-out rows' probabilities and that model's thresholds."""
    from jobscan import featurize
    from jobscan.scoring import LinearModel

    df, c, b = job
    held = (df["batch"] == b).to_numpy()
    aug = augment_frame(df[~held].reset_index(drop=True), c, c["seed"])
    pipeline, oof, y = fit(aug, c, c["seed"])
    th = choose_thresholds(y, oof, c["thresholds"])
    model = LinearModel.from_pipeline(pipeline)
    p = model.probabilities(model.decisions([featurize.prepare(t) for t in df["text"][held]]))
    return b, np.flatnonzero(held), p, th


def _rates(y, flagged) -> dict:
    tp, fp, fn = int((flagged & (y == 1)).sum()), int((flagged & (y == 0)).sum()), int((~flagged & (y == 1)).sum())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"f1": round(f1, 3), "precision": round(precision, 3), "recall": round(recall, 3)}


def nested(df, c: dict, processes: int = 2) -> dict:
    """Leave-one-batch-out scores of the whole recipe, each at its own model's thresholds."""
    import multiprocessing as mp

    batches = sorted(set(df["batch"]))
    p = np.zeros(len(df))
    cut = {"flagged": np.zeros(len(df)), "review": np.zeros(len(df))}
    with mp.get_context("fork").Pool(processes) as pool:
        for b, rows, p_b, th in pool.imap_unordered(_left_out, [(df, c, b) for b in batches]):
            p[rows] = p_b
            for name in cut:
                cut[name][rows] = th[name]
    y = df["label"].to_numpy(dtype=int)
    langs, cats, batch = (df[k].to_numpy() for k in ("language", "category", "batch"))
    flagged, review = p >= cut["flagged"], p >= cut["review"]
    hard = np.isin(cats, HARD_NEGATIVE_CATEGORIES) & (y == 0)
    per_batch = {f"{b}/{name}": round(float(flagged[(batch == b) & (y == label)].mean()), 3)
                 for b in batches for label, name in ((1, "pos"), (0, "neg")) if ((batch == b) & (y == label)).any()}
    return {"flagged": _rates(y, flagged), "review": _rates(y, review), "at_0.5": _rates(y, p >= 0.5),
            "pr_auc": average_precision(y, p),
            "f1_by_language": {lang: _rates(y[langs == lang], flagged[langs == lang])["f1"]
                               for lang in sorted(set(langs)) if y[langs == lang].any()},
            "hard_negatives_flagged": round(float(flagged[hard].mean()), 3),
            "thresholds_mean": [round(float(cut["review"].mean()), 3), round(float(cut["flagged"].mean()), 3)],
            "flagged_by_batch": per_batch}


def parse_args(argv: list[str]) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="training/tune.py", description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("config", help="training config (TOML), e.g. training/configs/default.toml")
    ap.add_argument("settings", nargs="*", help='section.key=value1;value2;... (values as JSON), e.g. "classifier.C=10;30"')
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--by-batch", action="store_true", help="hold out one writing batch at a time")
    mode.add_argument("--nested", action="store_true", help="leave-one-batch-out of the whole recipe, own thresholds")
    args = ap.parse_args(argv)
    for s in args.settings:
        key, eq, _ = s.partition("=")
        if not eq or key.count(".") != 1:
            ap.error(f"setting {s!r} is not section.key=value1;value2")
    return args


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    by_batch, is_nested = args.by_batch, args.nested
    try:
        cfg = load_config(args.config)
    except ConfigError as exc:
        print(f"tune.py: error: {exc}", file=sys.stderr)
        sys.exit(2)
    grid = []
    for arg in args.settings:
        key, values = arg.split("=", 1)
        if key.split(".")[0] not in cfg:
            print(f"tune.py: error: {key}: the config has no section [{key.split('.')[0]}]", file=sys.stderr)
            sys.exit(2)
        grid.append((key, [parse_value(v) for v in values.split(";")]))
    df = dataset.read_many(cfg["data"]["train"])
    if by_batch:
        df["group"] = df["batch"]  # the parts/ file each row comes from (build_corpus.py); the SMS corpus is one batch
        cfg["classifier"]["cv_folds"] = df["group"].nunique()  # one batch per fold
    for combo in itertools.product(*[vals for _, vals in grid]) if grid else [()]:
        c = copy.deepcopy(cfg)
        for (key, _), value in zip(grid, combo):
            section, name = key.split(".")
            c[section][name] = value
        if is_nested:
            print(json.dumps({"settings": dict(zip([k for k, _ in grid], combo)), **nested(df, c)}, ensure_ascii=False))
            sys.stdout.flush()
            continue
        aug, oof, y, original, th = out_of_fold(df, c)
        m = metrics(y[original], oof[original], aug["language"].to_numpy()[original],
                    aug["category"].to_numpy()[original], th)
        langs = {k: v["flagged"]["f1"] for k, v in m["by_language"].items() if v["positives"]}
        aug_m = metrics(y[~original], oof[~original], aug["language"].to_numpy()[~original],
                        aug["category"].to_numpy()[~original], th) if (~original).any() else None
        hard = {k: m["by_category"][k]["flagged_rate"] for k in HARD_NEGATIVE_CATEGORIES if k in m["by_category"]}
        hard["all"] = m["hard_negatives_flagged_rate"]
        other = {k: v["flagged_rate"] for k, v in m["by_category"].items() if k not in hard and not v["positives"]}
        per_batch = {}
        if by_batch:  # each held-out batch: share flagged among its positives and among its negatives
            batch, flagged = aug["group"].to_numpy()[original], oof[original] >= th["flagged"]
            for b in sorted(set(batch)):
                for label, name in ((1, "pos"), (0, "neg")):
                    m_b = (batch == b) & (y[original] == label)
                    if m_b.any():
                        per_batch[f"{b}/{name}"] = round(float(flagged[m_b].mean()), 3)
        print(json.dumps({"settings": dict(zip([k for k, _ in grid], combo)), "thresholds": [th["review"], th["flagged"]],
                          "f1_flagged": m["flagged"]["f1"], "recall_flagged": m["flagged"]["recall"],
                          "pr_auc": m["pr_auc"], "f1_by_language": langs, "hard_negatives_flagged": hard,
                          "other_negatives_flagged": other,
                          "augmented_recall": aug_m["flagged"]["recall"] if aug_m else None,
                          **({"flagged_by_batch": per_batch} if per_batch else {})}, ensure_ascii=False))
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
