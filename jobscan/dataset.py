"""Labelled data files: reading, validating and describing them.

A labelled file is JSONL (or CSV) with at least `text` and `label` (0/1); optional `id`,
`language`, `category`, `style`, `group` (variants of one idea), `batch` (who wrote or collected the
rows: a writing batch; by default the file's name). The Indonesian SMS corpus keeps its own CSV layout
(`Teks,label` with 0 normal / 1 fraud / 2 promo); every SMS is a negative for jobscan.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import pandas as pd

from .bundle import sha256_file
from .language import detect

COLUMNS = ["id", "text", "label", "language", "category", "style", "group", "batch", "source"]


class DataError(Exception):
    pass


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _read_sms(path: Path) -> pd.DataFrame:
    rows = []
    with open(path, encoding="utf-8-sig", newline="") as f:
        for k, rec in enumerate(csv.DictReader(f)):
            text = (rec.get("Teks") or "").strip()
            if not text:
                continue
            kind = {"0": "sms_normal", "1": "sms_fraud", "2": "sms_promo"}.get((rec.get("label") or "").strip(), "sms")
            rows.append({"id": f"sms-{k:04d}", "text": text, "label": 0, "language": "id", "category": kind,
                         "style": "sms", "group": f"sms-{k:04d}", "batch": "id-sms-spam"})
    return pd.DataFrame(rows)


def read_labelled(path: str | Path) -> pd.DataFrame:
    """Read one labelled file into a frame with COLUMNS; raises DataError with a one-line reason."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"data file not found: {path}")
    try:
        if path.suffix == ".csv":
            head = path.read_text(encoding="utf-8-sig")[:200]
            if head.startswith("Teks,label"):
                df = _read_sms(path)
            else:
                df = pd.read_csv(path, dtype=str, keep_default_na=False)
        elif path.suffix in (".jsonl", ".ndjson"):
            records = []
            with open(path, encoding="utf-8") as f:
                for n, line in enumerate(f, 1):
                    if line.strip():
                        try:
                            records.append(json.loads(line))
                        except json.JSONDecodeError as exc:
                            raise DataError(f"{path}:{n}: not valid JSON ({exc.msg})") from None
            df = pd.DataFrame(records)
        else:
            raise DataError(f"{path}: labelled data must be .jsonl or .csv")
    except UnicodeDecodeError:
        raise DataError(f"{path}: not UTF-8 text") from None
    if "text" not in df.columns or "label" not in df.columns:
        raise DataError(f"{path}: needs 'text' and 'label' columns/fields")
    df = df.copy()
    try:
        df["label"] = df["label"].astype(int)
    except (TypeError, ValueError):
        raise DataError(f"{path}: 'label' must be 0 or 1") from None
    bad = ~df["label"].isin([0, 1])
    if bad.any():
        raise DataError(f"{path}: label must be 0 or 1 (row {int(bad.idxmax()) + 1} has {df['label'][bad].iloc[0]})")
    df["text"] = df["text"].astype(str)
    if "id" not in df.columns:
        df["id"] = [f"{path.stem}-{k}" for k in range(len(df))]
    if "language" not in df.columns:
        df["language"] = [detect(t) for t in df["text"]]
    for col, default in (("category", "unknown"), ("style", "unknown")):
        if col not in df.columns:
            df[col] = default
    if "group" not in df.columns:
        df["group"] = df["id"]
    if "batch" not in df.columns:
        df["batch"] = path.name
    df["batch"] = [b if isinstance(b, str) and b.strip() else path.name for b in df["batch"]]
    df["source"] = path.name
    return df[COLUMNS].reset_index(drop=True)


def read_many(paths: list[str | Path]) -> pd.DataFrame:
    frames = [read_labelled(p) for p in paths]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)


def fingerprint(paths: list[str | Path]) -> list[dict]:
    out = []
    for p in paths:
        p = Path(p)
        out.append({"file": p.name, "sha256": sha256_file(p)})
    return out


def to_jsonl(df: pd.DataFrame) -> str:
    buf = io.StringIO()
    for rec in df.to_dict(orient="records"):
        buf.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return buf.getvalue()
