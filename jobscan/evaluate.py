"""Evaluation of a bundle on labelled data: metrics at both thresholds, calibration, slices."""

from __future__ import annotations

from typing import Any

import numpy as np

HARD_NEGATIVE_CATEGORIES = ("warning", "news", "quoting_question")


def _at(y: np.ndarray, p: np.ndarray, t: float) -> dict[str, Any]:
    pred = p >= t
    tp = int(np.sum(pred & (y == 1)))
    fp = int(np.sum(pred & (y == 0)))
    fn = int(np.sum(~pred & (y == 1)))
    tn = int(np.sum(~pred & (y == 0)))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"threshold": t, "precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "confusion": {"tp": tp, "fp": fp, "fn": fn, "tn": tn}}


def expected_calibration_error(y: np.ndarray, p: np.ndarray, bins: int = 10) -> float:
    edges = np.linspace(0, 1, bins + 1)
    idx = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    ece = 0.0
    for b in range(bins):
        m = idx == b
        if m.any():
            ece += m.mean() * abs(p[m].mean() - y[m].mean())
    return round(float(ece), 4)


def average_precision(y: np.ndarray, p: np.ndarray) -> float | None:
    if y.sum() == 0:
        return None
    order = np.argsort(-p, kind="mergesort")
    ys = y[order]
    tp = np.cumsum(ys)
    precision = tp / np.arange(1, len(ys) + 1)
    return round(float(np.sum(precision * ys) / ys.sum()), 4)


def metrics(y: np.ndarray, p: np.ndarray, languages, categories, thresholds: dict[str, float]) -> dict[str, Any]:
    y = np.asarray(y, dtype=int)
    p = np.asarray(p, dtype=float)
    languages = np.asarray(languages, dtype=object)
    categories = np.asarray(categories, dtype=object)
    out: dict[str, Any] = {
        "n": int(len(y)), "positives": int(y.sum()),
        "review": _at(y, p, thresholds["review"]), "flagged": _at(y, p, thresholds["flagged"]),
        "pr_auc": average_precision(y, p), "calibration_error": expected_calibration_error(y, p),
        "by_language": {}, "by_category": {},
    }
    for lang in sorted(set(languages)):
        m = languages == lang
        out["by_language"][lang] = {"n": int(m.sum()), "positives": int(y[m].sum()),
                                    "flagged": _at(y[m], p[m], thresholds["flagged"]),
                                    "review": _at(y[m], p[m], thresholds["review"])}
    for cat in sorted(set(categories)):
        m = categories == cat
        out["by_category"][cat] = {"n": int(m.sum()), "positives": int(y[m].sum()),
                                   "flagged_rate": round(float(np.mean(p[m] >= thresholds["flagged"])), 4),
                                   "review_rate": round(float(np.mean(p[m] >= thresholds["review"])), 4)}
    hard = np.isin(categories, HARD_NEGATIVE_CATEGORIES) & (y == 0)
    out["hard_negatives_flagged_rate"] = round(float(np.mean(p[hard] >= thresholds["flagged"])), 4) if hard.any() else None
    return out


def evaluate_scorer(scorer, df) -> dict[str, Any]:
    """Metrics of a scorer on a labelled frame, scored exactly as `check` and `scan` score."""
    from .featurize import prepare

    risks = scorer.score_docs([prepare(t) for t in df["text"]])
    return metrics(df["label"].to_numpy(), np.asarray(risks), df["language"].to_numpy(), df["category"].to_numpy(),
                   scorer.thresholds)


def to_markdown(m: dict[str, Any], title: str = "Evaluation") -> str:
    lines = [f"## {title}", "", f"n = {m['n']} ({m['positives']} positive); PR-AUC {m['pr_auc']}; "
             f"expected calibration error {m['calibration_error']}", "",
             "| threshold | cut | precision | recall | F1 | TP | FP | FN | TN |", "|---|---|---|---|---|---|---|---|---|"]
    for name in ("review", "flagged"):
        r = m[name]
        c = r["confusion"]
        lines.append(f"| {name} | {r['threshold']:.3f} | {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} | "
                     f"{c['tp']} | {c['fp']} | {c['fn']} | {c['tn']} |")
    lines += ["", "| language | n | positives | precision @flagged | recall @flagged | F1 @flagged |", "|---|---|---|---|---|---|"]
    for lang, r in m["by_language"].items():
        f = r["flagged"]
        lines.append(f"| {lang} | {r['n']} | {r['positives']} | {f['precision']:.3f} | {f['recall']:.3f} | {f['f1']:.3f} |")
    lines += ["", "| category | n | flagged | review or flagged |", "|---|---|---|---|"]
    for cat, r in m["by_category"].items():
        lines.append(f"| {cat} | {r['n']} | {r['flagged_rate']:.1%} | {r['review_rate']:.1%} |")
    if m.get("hard_negatives_flagged_rate") is not None:
        lines += ["", f"Warnings, news and quoting questions flagged: {m['hard_negatives_flagged_rate']:.1%}"]
    return "\n".join(lines) + "\n"
