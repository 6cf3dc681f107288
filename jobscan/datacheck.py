"""`jobscan data check`: is this labelled data fit to train or test on?

Checks: schema (by reading), label balance, empty texts, exact duplicates (after
normalisation), near-duplicates, duplicates with conflicting labels, language distribution,
and overlap between a training set and a test set (exact and near). Returns a report dict;
`problems` lists what must be fixed, `warnings` what deserves a look.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import pandas as pd

from . import neardup
from .normalize import normalize_text

MIN_PER_CLASS = 20


def _dupes(df: pd.DataFrame) -> tuple[list[list[str]], list[list[str]]]:
    by_norm: dict[str, list[int]] = defaultdict(list)
    for i, t in enumerate(df["text"]):
        by_norm[normalize_text(t)].append(i)
    exact = [[df["id"].iloc[i] for i in idx] for idx in by_norm.values() if len(idx) > 1]
    conflicts = [[df["id"].iloc[i] for i in idx] for idx in by_norm.values()
                 if len(idx) > 1 and df["label"].iloc[idx].nunique() > 1]
    return exact, conflicts


def check(df: pd.DataFrame, against: pd.DataFrame | None = None, near_threshold: float = 0.8) -> dict[str, Any]:
    problems: list[str] = []
    warnings: list[str] = []
    labels = {str(k): int(v) for k, v in df["label"].value_counts().sort_index().items()}
    for cls in ("0", "1"):
        if labels.get(cls, 0) < MIN_PER_CLASS:
            problems.append(f"label {cls} has {labels.get(cls, 0)} examples; at least {MIN_PER_CLASS} are needed")
    empty = df["id"][df["text"].str.strip() == ""].tolist()
    if empty:
        problems.append(f"{len(empty)} empty texts (e.g. {', '.join(map(str, empty[:3]))})")
    exact, conflicts = _dupes(df)
    if conflicts:
        problems.append(f"{len(conflicts)} texts appear with both labels (e.g. {', '.join(conflicts[0][:3])})")
    if exact:
        warnings.append(f"{len(exact)} groups of exact duplicates after normalisation (e.g. {', '.join(exact[0][:3])})")
    cl = neardup.clusters(list(df["text"]), threshold=near_threshold)
    sizes = Counter(cl)
    near_groups = [c for c, n in sizes.items() if n > 1]
    if near_groups:
        example = [df["id"].iloc[i] for i, c in enumerate(cl) if c == near_groups[0]][:3]
        warnings.append(f"{len(near_groups)} groups of near-duplicates (e.g. {', '.join(map(str, example))}); "
                        f"keep each group on one side of a train/test split")
    report: dict[str, Any] = {
        "rows": int(len(df)), "labels": labels,
        "languages": {k: int(v) for k, v in df["language"].value_counts().items()},
        "categories": {k: int(v) for k, v in df["category"].value_counts().items()},
        "exact_duplicate_groups": len(exact), "near_duplicate_groups": len(near_groups),
        "label_conflicts": len(conflicts),
    }
    if against is not None:
        train_norm = {normalize_text(t) for t in df["text"]}
        overlap = [i for i, t in zip(against["id"], against["text"]) if normalize_text(t) in train_norm]
        if overlap:
            problems.append(f"{len(overlap)} test texts also appear in the training data (e.g. {', '.join(map(str, overlap[:3]))})")
        idx = neardup.ClusterIndex(threshold=near_threshold)
        for i, t in enumerate(df["text"]):
            idx.add(i, neardup.signature(normalize_text(t)))
        n_train = len(df)
        near = []
        for k, t in enumerate(against["text"]):
            if idx.add(n_train + k, neardup.signature(normalize_text(t))) < n_train:
                near.append(against["id"].iloc[k])
        near = [i for i in near if i not in set(overlap)]
        if near:
            warnings.append(f"{len(near)} test texts are near-duplicates of training texts (e.g. {', '.join(map(str, near[:3]))})")
        report["test_overlap_exact"] = len(overlap)
        report["test_overlap_near"] = len(near)
    report["problems"] = problems
    report["warnings"] = warnings
    return report
