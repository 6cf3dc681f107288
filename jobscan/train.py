"""Training: config in, bundle out. Silent library functions; the CLI does the printing."""

from __future__ import annotations

import platform
import random
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from . import __version__, augment, bundle, dataset, featurize
from . import flags as flagmod
from .normalize import NORMALIZER_VERSION


class ConfigError(Exception):
    pass


DEFAULTS: dict[str, Any] = {
    "name": "jobscan-model",
    "version": "0.0.0",
    "seed": 0,
    "data": {"train": [], "test": []},
    "features": {"word_ngram": [1, 2], "char_ngram": [2, 4], "word_bits": 20, "char_bits": 20, "min_df": 2,
                 "weights": [1.0, 1.0, 0.5, 0.5]},
    "classifier": {"C": 4.0, "class_weight": "balanced", "cv_folds": 5, "calibration_groups": "group",
                   "language_balance": 0.0, "category_weights": {}},
    "augment": {"copies": 1, "transforms_per_copy": 2, "fraction": 0.6},
    "thresholds": {"flagged_min_precision": 0.95, "review_min_precision": 0.80,
                   "flagged_floor": 0.5, "review_floor": 0.2},
}


def load_config(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"config file not found: {path}")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    cfg: dict[str, Any] = {}
    for key, value in DEFAULTS.items():
        if isinstance(value, dict):
            cfg[key] = {**value, **raw.get(key, {})}
        else:
            cfg[key] = raw.get(key, value)
    unknown = set(raw) - set(DEFAULTS)
    for key, value in DEFAULTS.items():
        if isinstance(value, dict) and key != "data" and isinstance(raw.get(key), dict):
            unknown |= {f"{key}.{k}" for k in set(raw[key]) - set(value)}
    if unknown:
        raise ConfigError(f"{path}: unknown config keys: {', '.join(sorted(unknown))}")
    base = path.parent
    for split in ("train", "test"):
        cfg["data"][split] = [str((base / p).resolve()) for p in cfg["data"].get(split, [])]
    if not cfg["data"]["train"]:
        raise ConfigError(f"{path}: [data] train lists no files")
    w = cfg["features"]["weights"]
    if not (isinstance(w, list) and len(w) in (4, 5) and all(isinstance(x, (int, float)) and x >= 0 for x in w)):
        raise ConfigError(f"{path}: features.weights must be 4 or 5 numbers >= 0 "
                          f"(words, chars, flags, pay[, context flags]), got {w!r}")
    if cfg["classifier"]["calibration_groups"] not in CALIBRATION_GROUPS:
        raise ConfigError(f"{path}: classifier.calibration_groups must be one of {', '.join(CALIBRATION_GROUPS)}, "
                          f"got {cfg['classifier']['calibration_groups']!r}")
    return cfg


# What a calibration fold holds out: whole groups (the variants of one idea), or whole writing
# batches (every row of some writers: out-of-fold scores then look like scores of posts by writers
# the model has never seen, which is what it meets in use).
CALIBRATION_GROUPS = ("group", "batch")


def augment_frame(df, cfg: dict[str, Any], seed: int):
    """Obfuscated copies of a fraction of the rows, same label and group as their source."""
    import pandas as pd

    rng = random.Random(seed)
    a = cfg["augment"]
    rows = []
    for rec in df.to_dict(orient="records"):
        if rng.random() >= a["fraction"]:
            continue
        for k in range(int(a["copies"])):
            text = augment.augment(rec["text"], rng, int(a["transforms_per_copy"]))
            rows.append({**rec, "id": f"{rec['id']}~aug{k}", "text": text, "source": "augmented"})
    return pd.concat([df, pd.DataFrame(rows)], ignore_index=True) if rows else df


def choose_thresholds(y: np.ndarray, p: np.ndarray, policy: dict[str, Any]) -> dict[str, Any]:
    """Lowest cut that keeps out-of-fold precision at the policy's level, never below the floors."""

    met = []

    def lowest_cut(min_precision: float) -> float:
        order = np.argsort(-p, kind="mergesort")
        ys, ps = y[order], p[order]
        tp = np.cumsum(ys)
        precision = tp / np.arange(1, len(ys) + 1)
        ok = np.where(precision >= min_precision)[0]
        met.append(len(ok) > 0)
        if len(ok) == 0:  # unattainable: fall back to the cut with the best F1
            recall = tp / max(1, ys.sum())
            f1 = np.where(precision + recall > 0, 2 * precision * recall / np.maximum(precision + recall, 1e-12), 0)
            return float(ps[int(np.argmax(f1))])
        return float(ps[ok.max()])

    flagged = min(0.99, max(policy["flagged_floor"], lowest_cut(policy["flagged_min_precision"])))
    review = min(max(policy["review_floor"], lowest_cut(policy["review_min_precision"])), flagged)
    return {
        "review": round(review, 4),
        "flagged": round(flagged, 4),
        "policy_met": all(met),
        "policy": (f"flagged: lowest probability at which out-of-fold precision on the training split is >= "
                   f"{policy['flagged_min_precision']}, at least {policy['flagged_floor']}; review: the same at precision >= "
                   f"{policy['review_min_precision']}, at least {policy['review_floor']}, at most flagged; "
                   f"where a precision is unattainable, the cut with the best F1"),
    }


def _git_commit() -> str | None:
    """The commit of the jobscan source tree this code runs from, or None when it runs from an
    installed copy (whose folder may sit inside some other git checkout, such as a pyenv tree)."""
    package = Path(__file__).resolve().parent
    try:
        out = subprocess.run(["git", "rev-parse", "--show-toplevel", "HEAD"], capture_output=True, text=True,
                             timeout=5, cwd=package)
    except (OSError, subprocess.SubprocessError):
        return None
    lines = out.stdout.split()
    if out.returncode != 0 or len(lines) != 2 or Path(lines[0]).resolve() / "jobscan" != package:
        return None
    return lines[1]


def language_weights(languages, power: float) -> np.ndarray:
    """Per-row weights that lift languages with few examples: (share of an equal split / actual share) ** power."""
    langs = np.asarray(languages, dtype=object)
    if power == 0:
        return np.ones(len(langs))
    values, counts = np.unique(langs, return_counts=True)
    equal = len(langs) / len(values)
    factor = {v: (equal / c) ** power for v, c in zip(values, counts)}
    w = np.array([factor[x] for x in langs])
    return w / w.mean()


def row_weights(train_df, c: dict[str, Any]) -> np.ndarray:
    """Training weights: language balance times per-category weights (e.g. warnings and quoting
    questions weigh more, because flagging them costs volunteers' trust)."""
    w = language_weights(train_df["language"], float(c.get("language_balance", 0.0)))
    cat_w = c.get("category_weights") or {}
    if cat_w:
        w = w * np.array([float(cat_w.get(cat, 1.0)) for cat in train_df["category"]])
        w = w / w.mean()
    return w


def calibration_splits(train_df, c: dict[str, Any], seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """The calibration folds (train rows, held-out rows): stratified by label, each holding out whole
    groups or whole batches (`classifier.calibration_groups`)."""
    from sklearn.model_selection import StratifiedGroupKFold

    groups = train_df[c["calibration_groups"]].astype(str).to_numpy()
    folds = int(c["cv_folds"])
    if len(set(groups)) < folds:
        raise dataset.DataError(f"calibration by {c['calibration_groups']} needs at least {folds} different values "
                                f"(classifier.cv_folds), the training data has {len(set(groups))}")
    y = train_df["label"].to_numpy(dtype=int)
    return list(StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed).split(np.zeros(len(y)), y, groups))


def fit(train_df, cfg: dict[str, Any], seed: int, progress=lambda msg: None):
    """Fit the pipeline on a frame; returns (pipeline, out-of-fold probabilities, labels)."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    from .features import JobscanFeatures

    f = cfg["features"]
    feats = JobscanFeatures(word_ngram=tuple(f["word_ngram"]), char_ngram=tuple(f["char_ngram"]),
                            word_bits=int(f["word_bits"]), char_bits=int(f["char_bits"]), min_df=int(f["min_df"]),
                            weights=tuple(float(w) for w in f["weights"]))
    progress(f"preparing {len(train_df)} texts")
    docs = [featurize.prepare(t) for t in train_df["text"]]
    feats.fit(docs)
    X = feats.transform(docs)
    y = train_df["label"].to_numpy(dtype=int)
    c = cfg["classifier"]
    folds = int(c["cv_folds"])
    splits = calibration_splits(train_df, c, seed)
    lr = LogisticRegression(C=float(c["C"]), class_weight=c["class_weight"] or None, solver="liblinear", max_iter=5000,
                            random_state=seed)
    progress(f"fitting {X.shape[0]} x {X.shape[1]} with {folds}-fold calibration")
    calibrated = CalibratedClassifierCV(lr, method="sigmoid", cv=splits, ensemble=False)
    weights = row_weights(train_df, c)
    calibrated.fit(X, y, sample_weight=weights)
    calibrated.cv = folds  # the split indices are not needed after fitting; keep the bundle small
    # Out-of-fold probabilities, exactly as the calibrator saw them, for choosing thresholds.
    from sklearn.model_selection import cross_val_predict

    oof_scores = cross_val_predict(lr, X, y, cv=splits, method="decision_function",
                                   params={"sample_weight": weights})
    calibrator = calibrated.calibrated_classifiers_[0].calibrators[0]
    oof_p = calibrator.predict(oof_scores)
    pipeline = Pipeline([("features", feats), ("classifier", calibrated)])
    return pipeline, oof_p, y


def train(config_path: str | Path, out_dir: str | Path, seed: int | None = None, force: bool = False,
          progress=lambda msg: None) -> dict[str, Any]:
    """Train from a config file and write a bundle to out_dir. Returns the bundle's meta."""
    from .evaluate import evaluate_scorer
    from .model_card import render_card
    from .scoring import LinearModel, Scorer

    cfg = load_config(config_path)
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()) and not force:
        raise bundle.BundleError(f"{out_dir} exists and is not empty; use --force to replace it")
    seed = int(cfg["seed"] if seed is None else seed)
    started = time.perf_counter()
    train_df = dataset.read_many(cfg["data"]["train"])
    test_df = dataset.read_many(cfg["data"]["test"]) if cfg["data"]["test"] else None
    from .datacheck import check as check_data

    report = check_data(train_df, test_df)  # label balance, empty texts, conflicts, train/test leakage
    if report["problems"]:
        raise dataset.DataError("data check failed: " + "; ".join(report["problems"]))
    for w in report["warnings"]:
        progress(f"data check: {w}")
    aug_df = augment_frame(train_df, cfg, seed)
    pipeline, oof_p, y = fit(aug_df, cfg, seed, progress)
    thresholds = choose_thresholds(y, oof_p, cfg["thresholds"])
    meta: dict[str, Any] = {
        "name": cfg["name"], "version": cfg["version"],
        "created_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "jobscan_version": __version__, "python_version": platform.python_version(),
        "labels": {"0": "other", "1": "scam_recruitment"}, "positive_label": 1, "input_fields": ["text"],
        "normalizer_version": NORMALIZER_VERSION, "flags_catalog": flagmod.catalogue_version(),
        "thresholds": thresholds, "seed": seed, "training_config": cfg, "git_commit": _git_commit(), "parent": None,
        "data": {
            "train": dataset.fingerprint(cfg["data"]["train"]), "test": dataset.fingerprint(cfg["data"]["test"]),
            "train_counts": {str(k): int(v) for k, v in train_df["label"].value_counts().items()},
            "train_rows_after_augmentation": int(len(aug_df)),
            "train_languages": {k: int(v) for k, v in train_df["language"].value_counts().items()},
        },
    }
    meta.update(_library_versions())
    progress("evaluating on the test split")
    linear = LinearModel.from_pipeline(pipeline)
    scorer = Scorer(linear, meta, meta["name"], meta["version"])
    meta["metrics"] = evaluate_scorer(scorer, test_df) if test_df is not None else None
    meta["training_seconds"] = round(time.perf_counter() - started, 1)
    bundle.save(pipeline, meta, out_dir, render_card(meta), force=force, scorer_writer=linear.save_npz)
    return bundle.read_meta(out_dir)


def _library_versions() -> dict[str, str]:
    import scipy
    import skops
    import sklearn

    return {"sklearn_version": sklearn.__version__, "skops_version": skops.__version__,
            "numpy_version": np.__version__, "scipy_version": scipy.__version__}
