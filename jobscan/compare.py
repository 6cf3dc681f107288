"""`jobscan models compare A B`: two bundles scored on the same data, side by side.

With labels (labelled JSONL/CSV, or feedback files), each model's metrics at its own thresholds
and the difference; with or without labels, how the verdicts move between the two models.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from .localized import LocalizedError
from .readers import records

# (label, path into the metrics dict); higher is better except where noted in LOWER_IS_BETTER
METRIC_ROWS = (
    ("precision@flagged", ("flagged", "precision")),
    ("recall@flagged", ("flagged", "recall")),
    ("f1@flagged", ("flagged", "f1")),
    ("precision@review", ("review", "precision")),
    ("recall@review", ("review", "recall")),
    ("f1@review", ("review", "f1")),
    ("pr_auc", ("pr_auc",)),
    ("calibration_error", ("calibration_error",)),
    ("hard_negatives_flagged", ("hard_negatives_flagged_rate",)),
)
LOWER_IS_BETTER = {"calibration_error", "hard_negatives_flagged"}
VERDICTS = ("ok", "review", "flagged")


class CompareError(LocalizedError):
    pass


def _get(m: dict[str, Any] | None, path: tuple[str, ...]):
    cur: Any = m
    for k in path:
        if not isinstance(cur, dict) or k not in cur:
            return None
        cur = cur[k]
    return cur


def metric_rows(parent: dict[str, Any] | None, new: dict[str, Any] | None) -> list[dict[str, Any]]:
    """[{metric, a, b, delta}] for two metrics dicts (either may be None)."""
    rows = []
    for name, path in METRIC_ROWS:
        a, b = _get(parent, path), _get(new, path)
        delta = round(b - a, 4) if isinstance(a, (int, float)) and isinstance(b, (int, float)) else None
        rows.append({"metric": name, "a": a, "b": b, "delta": delta})
    return rows


def _fmt(x) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def _fmt_delta(name: str, d) -> str:
    if d is None:
        return "n/a"
    if abs(d) < 5e-4:
        return "±0"
    better = (d < 0) if name in LOWER_IS_BETTER else (d > 0)
    return f"{d:+.3f} {'▲' if better else '▼'}"


def rows_markdown(rows: list[dict[str, Any]], headers: tuple[str, str, str, str]) -> str:
    lines = [f"| {' | '.join(headers)} |", "|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['metric']} | {_fmt(r['a'])} | {_fmt(r['b'])} | {_fmt_delta(r['metric'], r['delta'])} |")
    return "\n".join(lines) + "\n"


def load_data(paths: list[str | Path]):
    """(texts, frame with labels or None). Labelled files give a frame; a feedback file gives its current
    labels; a file with a text column but no labels gives texts only (verdict movement only)."""
    import pandas as pd

    from . import feedback
    from .dataset import DataError, read_labelled

    frames, texts_only = [], []
    for p in paths:
        p = Path(p)
        if not p.is_file():
            raise CompareError("compare.error.no_file", path=str(p))
        if p.suffix in (".jsonl", ".ndjson") and _is_feedback(p):
            frames.append(feedback.to_frame(feedback.current_labels([p])))
            continue
        try:
            frames.append(read_labelled(p))
        except DataError as exc:
            if "'text' and 'label'" not in str(exc):
                raise CompareError("compare.error.data", reason=str(exc)) from None
            texts_only.extend(_read_texts(p))
    df = pd.concat(frames, ignore_index=True) if frames else None
    texts = (list(df["text"]) if df is not None else []) + texts_only
    if not texts:
        raise CompareError("compare.error.empty")
    return texts, (df if not texts_only else None)


def _is_feedback(path: Path) -> bool:
    import json

    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                try:
                    return json.loads(line).get("schema", "").startswith("jobscan.feedback/")
                except (json.JSONDecodeError, AttributeError):
                    return False
    return False


def _read_texts(path: Path) -> list[str]:
    if path.suffix not in (".csv", ".jsonl", ".ndjson"):
        raise CompareError("compare.error.format", path=str(path))
    rows = records(path, lambda reason: CompareError(f"compare.error.{reason}", path=str(path)))
    out = [r["text"] for r in rows if isinstance(r.get("text"), str) and r["text"].strip()]
    if not out:
        raise CompareError("compare.error.no_text", path=str(path))
    return out


def compare(path_a: Path, path_b: Path, data: list[str | Path]) -> dict[str, Any]:
    from .evaluate import metrics
    from .featurize import prepare
    from .scoring import Scorer, verdict_for

    a, b = Scorer.load(path_a), Scorer.load(path_b)
    texts, df = load_data(data)
    docs = [prepare(t) for t in texts]
    ra = a.score_docs(docs)
    rb = b.score_docs(docs)
    va = [verdict_for(r, a.thresholds) for r in ra]
    vb = [verdict_for(r, b.thresholds) for r in rb]
    moves = {f"{x}->{y}": sum(1 for p, q in zip(va, vb) if p == x and q == y) for x in VERDICTS for y in VERDICTS}
    out: dict[str, Any] = {
        "a": {"path": str(path_a), "name": a.name, "version": a.version, "thresholds": a.thresholds},
        "b": {"path": str(path_b), "name": b.name, "version": b.version, "thresholds": b.thresholds},
        "data": [str(p) for p in data], "n": len(texts),
        "verdicts": {"a": {v: va.count(v) for v in VERDICTS}, "b": {v: vb.count(v) for v in VERDICTS}},
        "moves": {k: n for k, n in moves.items() if n and k.split("->")[0] != k.split("->")[1]},
        "agreement": round(sum(p == q for p, q in zip(va, vb)) / len(texts), 4),
        "mean_abs_risk_change": round(float(np.mean(np.abs(np.asarray(ra) - np.asarray(rb)))), 4),
        "metrics": None,
    }
    if df is not None:
        y, langs, cats = df["label"].to_numpy(), df["language"].to_numpy(), df["category"].to_numpy()
        ma = metrics(y, np.asarray(ra), langs, cats, a.thresholds)
        mb = metrics(y, np.asarray(rb), langs, cats, b.thresholds)
        out["metrics"] = {"a": ma, "b": mb, "rows": metric_rows(ma, mb)}
    return out
