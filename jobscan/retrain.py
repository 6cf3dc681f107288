"""`jobscan retrain`: a new bundle from a base bundle plus trainer feedback.

Steps (each stops with a one-line reason when it cannot go on):

1. The base bundle is verified; its recorded training data are found (the paths in its
   `training_config`, or `base_train`/`base_test` given by the caller) and checked against the
   sha256 recorded in its meta (a changed file stops the run unless `allow_data_change`).
2. Feedback files are replayed (`jobscan.feedback.current_labels`): one label per post, by
   content hash of the normalised text; later labels override earlier ones. When the base is
   itself a retrained model, the feedback files it was trained with come first (checked by the
   sha256 of their recorded length: feedback files only grow), so no generation's labels are lost.
3. The minimum rule: at least `min_per_class` feedback labels of each class.
4. A part of the feedback is held out, by content hash, and never trained on: a near-duplicate
   cluster of feedback posts is held out when the smallest content hash in it, read as a number,
   modulo 100 is below `holdout_percent`. The rule depends only on the texts, so a post stays on
   its side when more feedback comes in.
5. Merge: base training rows whose content hash has feedback are replaced by the feedback;
   rows (base or feedback) that are in the fixed test split are dropped; the rest is
   de-duplicated by content hash.
6. Data checks (`jobscan.datacheck`) on the merged set against the test split and the held-out
   feedback: any problem stops the run before training.
7. Training with the base's recorded `training_config` and seed; evaluation of the new model and
   of its parent on the fixed test split and on the held-out feedback; the new bundle records
   `parent`, the feedback files' sha256 and the metric deltas.
"""

from __future__ import annotations

import copy
import hashlib
import platform
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

import numpy as np

from .localized import LocalizedError

MIN_FEEDBACK_PER_CLASS = 20
HOLDOUT_PERCENT = 20
NEAR_THRESHOLD = 0.8

Progress = Callable[[str, dict], None]


class RetrainError(LocalizedError):
    """Retraining cannot start or go on; the message says why and what to do."""


def holdout_rule(percent: int) -> str:
    return (f"a near-duplicate cluster of feedback posts is held out (never trained on) when the smallest "
            f"sha256 of normalised text in it, as a number, modulo 100 is below {percent}")


def is_held_out(hash_: str, percent: int) -> bool:
    return int(hash_[:12], 16) % 100 < percent


def split_feedback(fb_df, percent: int):
    """(train part, held-out part) of a feedback frame (rows sorted by hash, `group` = fb-<hash>)."""
    from . import neardup

    if len(fb_df) == 0:
        return fb_df, fb_df
    hashes = [g[3:] for g in fb_df["group"]]
    clusters = neardup.clusters(list(fb_df["text"]), threshold=NEAR_THRESHOLD)
    smallest: dict[int, str] = {}
    for c, h in zip(clusters, hashes):
        smallest[c] = min(smallest.get(c, h), h)
    held = np.array([is_held_out(smallest[c], percent) for c in clusters], dtype=bool)
    fb_df = fb_df.copy()
    fb_df["group"] = [f"fb-{smallest[c]}" for c in clusters]  # near-duplicates stay in one CV fold
    return fb_df[~held].reset_index(drop=True), fb_df[held].reset_index(drop=True)


def _locate(recorded: str) -> Path | None:
    """A recorded data path, or the same path below a `datasets/` folder here or in a source checkout."""
    p = Path(recorded)
    if p.is_file():
        return p
    parts = p.parts
    if "datasets" in parts:
        rest = Path(*parts[parts.index("datasets"):])
        for root in (Path.cwd(), Path(__file__).resolve().parent.parent):
            if (root / rest).is_file():
                return root / rest
    return None


def base_data_files(meta: dict[str, Any], split: str, override: list[str | Path] | None,
                    allow_change: bool) -> tuple[list[Path], list[dict[str, Any]]]:
    """The base model's training or test files, checked against the sha256 in its meta.
    Returns (paths, notes about files that differ when allow_change)."""
    from .dataset import fingerprint

    recorded_fp = (meta.get("data") or {}).get(split) or []
    if override:
        paths = [Path(p) for p in override]
        for p in paths:
            if not p.is_file():
                raise RetrainError("retrain.error.data_missing_given", path=str(p))
    else:
        recorded_paths = (meta.get("training_config") or {}).get("data", {}).get(split) or []
        paths = []
        for rp in recorded_paths:
            found = _locate(rp)
            if found is None:
                raise RetrainError("retrain.error.data_missing", path=rp, option=f"--base-{split}")
            paths.append(found)
    actual = fingerprint(paths)
    changed = []
    if [f["sha256"] for f in actual] != [f.get("sha256") for f in recorded_fp]:
        for k, f in enumerate(actual):
            rec = recorded_fp[k] if k < len(recorded_fp) else {}
            if rec.get("sha256") != f["sha256"]:
                changed.append({"file": str(paths[k]), "recorded": rec.get("sha256"), "actual": f["sha256"]})
        if len(recorded_fp) > len(actual):
            changed.extend({"file": r.get("file"), "recorded": r.get("sha256"), "actual": None}
                           for r in recorded_fp[len(actual):])
        if not allow_change:
            c = changed[0]
            raise RetrainError("retrain.error.data_changed", file=str(c["file"]),
                               recorded=str(c["recorded"] or "-")[:12], actual=str(c["actual"] or "-")[:12])
    return paths, changed


def parent_feedback(meta: dict[str, Any], given: list[Path], allow_change: bool) -> tuple[list[Path], list[str]]:
    """Feedback files the base model was itself trained with (a retrained base), so a chain of retrains
    keeps every generation's labels. A file is used when its first recorded bytes still have the recorded
    sha256 (feedback files only grow). Returns (paths not already given, notes)."""
    recorded = (meta.get("data") or {}).get("feedback") or []
    given_resolved = {p.resolve() for p in given}
    paths, notes = [], []
    for f in recorded:
        path = Path(f.get("path") or "")
        if path.resolve() in given_resolved:
            continue
        ok = path.is_file() and f.get("bytes") is not None
        if ok:
            with open(path, "rb") as fh:
                ok = hashlib.sha256(fh.read(int(f["bytes"]))).hexdigest() == f.get("sha256")
        if ok:
            paths.append(path)
            notes.append(f"the base model's own feedback {path} is used again")
        elif allow_change:
            notes.append(f"the base model's feedback file {path} is missing or changed; retraining without it")
        else:
            raise RetrainError("retrain.error.parent_feedback", path=str(path))
    return paths, notes


def training_config(meta: dict[str, Any]) -> dict[str, Any]:
    """The base's recorded config, with any section key it predates filled from today's defaults."""
    from .train import DEFAULTS

    recorded = meta.get("training_config")
    if not isinstance(recorded, dict):
        raise RetrainError("retrain.error.no_config")
    cfg = copy.deepcopy(recorded)
    for key, value in DEFAULTS.items():
        if isinstance(value, dict):
            cfg[key] = {**value, **(cfg.get(key) or {})}
        else:
            cfg.setdefault(key, value)
    return cfg


def merge(base_df, fb_train, fb_all_hashes: set[str], test_hashes: set[str]):
    """Base rows minus those the feedback relabels, plus the feedback's training part; nothing that is in
    the test split; de-duplicated by content hash (first kept). Returns (frame, stats)."""
    import pandas as pd

    from .feedback import content_hash

    base_hashes = [content_hash(t) for t in base_df["text"]]
    keep_base = [h not in fb_all_hashes and h not in test_hashes for h in base_hashes]
    stats = {
        "base_rows": int(len(base_df)),
        "base_rows_replaced_by_feedback": int(sum(h in fb_all_hashes for h in base_hashes)),
        "base_rows_in_test_split": int(sum(h in test_hashes and h not in fb_all_hashes for h in base_hashes)),
    }
    fb_keep = [content_hash(t) not in test_hashes for t in fb_train["text"]]
    stats["feedback_in_test_split"] = int(len(fb_train) - sum(fb_keep))
    merged = pd.concat([base_df[keep_base], fb_train[fb_keep]], ignore_index=True)
    hashes = [content_hash(t) for t in merged["text"]]
    seen: set[str] = set()
    first = []
    for h in hashes:
        first.append(h not in seen)
        seen.add(h)
    stats["duplicates_dropped"] = int(len(merged) - sum(first))
    merged = merged[first].reset_index(drop=True)
    stats["training_rows"] = int(len(merged))
    return merged, stats


def retrain(base: str | Path, feedback_paths: list[str | Path], out_dir: str | Path, *, name: str | None = None,
            min_per_class: int = MIN_FEEDBACK_PER_CLASS, holdout_percent: int = HOLDOUT_PERCENT,
            base_train: list[str | Path] | None = None, base_test: list[str | Path] | None = None,
            allow_data_change: bool = False, force: bool = False,
            progress: Progress = lambda key, fields: None) -> dict[str, Any]:
    """Train a new bundle from `base` plus feedback; returns a report (meta, stats, warnings, deltas)."""
    import pandas as pd

    from . import __version__, bundle, dataset, datacheck, feedback, train
    from . import flags as flagmod
    from .compare import metric_rows
    from .evaluate import evaluate_scorer
    from .model_card import render_card
    from .normalize import NORMALIZER_VERSION
    from .scoring import LinearModel, Scorer

    started = time.perf_counter()
    base_path = Path(base)
    out_dir = Path(out_dir)
    try:
        base_meta = bundle.verify(base_path)
    except bundle.BundleError as exc:
        raise RetrainError("retrain.error.base", reason=str(exc)) from None
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())) and not force:
        raise RetrainError("retrain.error.out_exists", path=str(out_dir))
    if out_dir.resolve() == base_path.resolve():
        raise RetrainError("retrain.error.out_is_base", path=str(out_dir))
    if not feedback_paths:
        raise RetrainError("retrain.error.no_feedback")
    if not 0 <= holdout_percent < 100:
        raise RetrainError("retrain.error.holdout", value=holdout_percent)
    cfg = training_config(base_meta)
    seed = int(base_meta.get("seed", cfg.get("seed", 0)))

    # 1-2. data and feedback
    progress("retrain.step.read", {"base": str(base_path)})
    train_paths, train_changed = base_data_files(base_meta, "train", base_train, allow_data_change)
    test_paths, test_changed = base_data_files(base_meta, "test", base_test, allow_data_change)
    try:
        base_df = dataset.read_many(train_paths)
        test_df = dataset.read_many(test_paths) if test_paths else None
    except dataset.DataError as exc:
        raise RetrainError("retrain.error.data", reason=str(exc)) from None
    feedback_paths = [Path(p) for p in feedback_paths]
    inherited, inherited_notes = parent_feedback(base_meta, feedback_paths, allow_data_change)
    feedback_paths = inherited + feedback_paths  # older first: later labels override earlier ones
    labels = feedback.current_labels(feedback_paths)
    fb_df = feedback.to_frame(labels)
    counts = {str(k): int(v) for k, v in fb_df["label"].value_counts().items()} if len(fb_df) else {}
    n_pos, n_neg = counts.get("1", 0), counts.get("0", 0)

    # 3. the minimum rule
    if n_pos < min_per_class or n_neg < min_per_class:
        raise RetrainError("retrain.error.too_few", min=min_per_class, pos=n_pos, neg=n_neg)

    # 4-5. hold out, merge
    fb_train, fb_held = split_feedback(fb_df, holdout_percent)
    test_hashes = {feedback.content_hash(t) for t in test_df["text"]} if test_df is not None else set()
    merged, stats = merge(base_df, fb_train, set(labels), test_hashes)
    relabelled = 0
    base_label = {feedback.content_hash(t): int(y) for t, y in zip(base_df["text"], base_df["label"])}
    for h, rec in labels.items():
        if h in base_label and base_label[h] != int(rec["label"]):
            relabelled += 1
    stats.update({"feedback_labels": len(labels), "feedback_counts": counts, "feedback_train": int(len(fb_train)),
                  "feedback_held_out": int(len(fb_held)), "feedback_relabels_base": relabelled})

    # 6. data checks
    progress("retrain.step.check", {"rows": len(merged)})
    against = pd.concat([x for x in (test_df, fb_held) if x is not None and len(x)], ignore_index=True) \
        if (test_df is not None and len(test_df)) or len(fb_held) else None
    report = datacheck.check(merged, against)
    if report["problems"]:
        raise RetrainError("retrain.error.checks", problems="; ".join(report["problems"]))
    warnings = inherited_notes + list(report["warnings"])
    for c in train_changed + test_changed:
        warnings.append(f"{c['file']} differs from the data the base model was trained on "
                        f"(sha256 {str(c['actual'])[:12]}, recorded {str(c['recorded'])[:12]})")
    base_langs = set(base_df["language"])
    for lang, n in fb_df["language"].value_counts().items():
        if lang not in base_langs:
            warnings.append(f"feedback brings a language the base data lacks: {lang} ({int(n)} posts)")
    if stats["feedback_in_test_split"]:
        warnings.append(f"{stats['feedback_in_test_split']} feedback posts are in the fixed test split; "
                        f"they are not trained on")
    if len(fb_held) == 0:
        warnings.append("no feedback was held out (too few posts for the hold-out rule); "
                        "the feedback cannot be evaluated separately")

    # 7. train, evaluate, write
    progress("retrain.step.fit", {"rows": len(merged), "seed": seed})
    aug_df = train.augment_frame(merged, cfg, seed)
    pipeline, oof_p, y = train.fit(aug_df, cfg, seed)
    thresholds = train.choose_thresholds(y, oof_p, cfg["thresholds"])
    generation = int(base_meta.get("generation", 0)) + 1
    new_name = name or out_dir.name
    new_version = f"{str(base_meta.get('version', '0')).split('+')[0]}+r{generation}"
    fb_files = [{"file": Path(p).name, "path": str(Path(p).resolve()), "sha256": feedback.file_sha256(p),
                 "bytes": Path(p).stat().st_size} for p in feedback_paths]
    cfg_out = copy.deepcopy(cfg)
    cfg_out["name"], cfg_out["version"] = new_name, new_version
    cfg_out["data"] = {"train": [str(Path(p).resolve()) for p in train_paths],
                       "test": [str(Path(p).resolve()) for p in test_paths]}
    meta: dict[str, Any] = {
        "name": new_name, "version": new_version,
        "created_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "jobscan_version": __version__, "python_version": platform.python_version(),
        "labels": base_meta.get("labels", {"0": "other", "1": "scam_recruitment"}), "positive_label": 1,
        "input_fields": ["text"], "normalizer_version": NORMALIZER_VERSION,
        "flags_catalog": flagmod.catalogue_version(), "thresholds": thresholds, "seed": seed,
        "training_config": cfg_out, "git_commit": train._git_commit(),
        "parent": {"name": base_meta.get("name"), "version": base_meta.get("version"),
                   "model_sha256": base_meta.get("model_sha256"), "path": str(base_path.resolve())},
        "generation": generation,
        "data": {
            "train": dataset.fingerprint(train_paths), "test": dataset.fingerprint(test_paths),
            "feedback": fb_files,
            "train_counts": {str(k): int(v) for k, v in merged["label"].value_counts().items()},
            "train_rows_after_augmentation": int(len(aug_df)),
            "train_languages": {k: int(v) for k, v in merged["language"].value_counts().items()},
        },
        "feedback": {"files": fb_files, "min_per_class": min_per_class, "holdout_percent": holdout_percent,
                     "holdout_rule": holdout_rule(holdout_percent), "stats": stats,
                     "override_rule": "a feedback label replaces every base training label of the same normalised "
                                      "text; later feedback files override earlier ones"},
    }
    meta.update(train._library_versions())
    progress("retrain.step.evaluate", {})
    new_scorer = Scorer(LinearModel.from_pipeline(pipeline), meta, new_name, new_version)
    try:
        parent_scorer = Scorer.load(base_path)
    except bundle.BundleError as exc:
        raise RetrainError("retrain.error.base", reason=str(exc)) from None
    has_test = test_df is not None and len(test_df) > 0
    new_test = evaluate_scorer(new_scorer, test_df) if has_test else None
    parent_test = evaluate_scorer(parent_scorer, test_df) if has_test else None
    new_held = evaluate_scorer(new_scorer, fb_held) if len(fb_held) else None
    parent_held = evaluate_scorer(parent_scorer, fb_held) if len(fb_held) else None
    meta["metrics"] = new_test
    meta["feedback_metrics"] = new_held
    meta["parent_metrics"] = {"test": parent_test, "feedback_held_out": parent_held}
    deltas = {"test": metric_rows(parent_test, new_test) if has_test else None,
              "feedback_held_out": metric_rows(parent_held, new_held) if len(fb_held) else None}
    meta["deltas"] = {k: ({r["metric"]: r["delta"] for r in v} if v else None) for k, v in deltas.items()}
    meta["training_seconds"] = round(time.perf_counter() - started, 1)
    progress("retrain.step.write", {"path": str(out_dir)})
    card = render_card(meta) + _card_section(meta, deltas)
    try:
        bundle.save(pipeline, meta, out_dir, card, force=force, scorer_writer=new_scorer.model.save_npz)
    except bundle.BundleError as exc:
        raise RetrainError("retrain.error.base", reason=str(exc)) from None
    return {"meta": bundle.read_meta(out_dir), "path": str(out_dir), "stats": stats, "warnings": warnings,
            "deltas": deltas, "data_report": {k: v for k, v in report.items() if k not in ("problems", "warnings")}}


def _card_section(meta: dict[str, Any], deltas: dict[str, Any]) -> str:
    from .compare import rows_markdown

    p = meta["parent"]
    fb = meta["feedback"]
    s = fb["stats"]
    lines = ["## Retraining", "",
             f"Retrained from {p['name']} {p['version']} (model sha256 {str(p['model_sha256'])[:12]}…) with the "
             f"parent's training config and seed {meta['seed']}, on its training data plus trainer feedback:", ""]
    for f in fb["files"]:
        lines.append(f"- `{f['file']}` sha256 {f['sha256']}")
    lines += ["",
              f"{s['feedback_labels']} feedback posts ({s['feedback_counts']}), {s['feedback_train']} trained on, "
              f"{s['feedback_held_out']} held out; {s['base_rows_replaced_by_feedback']} base rows replaced by feedback "
              f"({s['feedback_relabels_base']} with a different label). Hold-out rule: {fb['holdout_rule']}.", ""]
    for key, title in (("test", "Change against the parent on the fixed test split"),
                       ("feedback_held_out", "Change against the parent on the held-out feedback")):
        if deltas.get(key):
            lines += [f"### {title}", "", rows_markdown(deltas[key], ("metric", "parent", "new", "change"))]
    return "\n".join(lines) + "\n"
