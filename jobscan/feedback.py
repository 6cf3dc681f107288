"""Trainer feedback: an append-only JSONL file of labels given to posts.

One JSON object per line (schema `jobscan.feedback/1`):

    {"schema": "jobscan.feedback/1", "hash": "<sha256 of the normalised text>", "text": "...",
     "label": 1, "category": null, "language": "id", "reviewer": "ana", "time": "2026-11-22T14:03:11Z",
     "source": "results.csv:14", "risk": 0.62}

`label` is 1 (scam-compound recruitment) or 0 (not). Nothing is ever rewritten: correcting a
decision appends a new label, and `undo` appends `{"hash": ..., "undo": true, ...}`, which withdraws
the most recent label of that post. `current_labels` replays files in order, so the latest
surviving label of a post wins. The content hash is taken from the normalised text (case, spacing,
obfuscation and contacts do not matter), so reposts of one ad count as one post.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable

from .bundle import sha256_file
from .localized import LocalizedError
from .normalize import normalize_text

SCHEMA = "jobscan.feedback/1"
LABEL_NAMES = {1: "scam_recruitment", 0: "not_scam_recruitment"}
# Values a spreadsheet may hold in the label column (case-insensitive); blank means "not labelled".
LABEL_VALUES = {
    "1": 1, "y": 1, "yes": 1, "ya": 1, "scam": 1, "true": 1, "scam_recruitment": 1,
    "0": 0, "n": 0, "no": 0, "tidak": 0, "bukan": 0, "not": 0, "false": 0, "not_scam_recruitment": 0,
}
CSV_COLUMNS = ["hash", "label", "category", "language", "risk", "verdict", "flags", "top_evidence", "text",
               "source", "line"]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class FeedbackError(LocalizedError):
    """A feedback or label file cannot be read or written."""


def content_hash(text: str) -> str:
    """sha256 of the normalised text: the identity of a post for feedback and de-duplication."""
    return hashlib.sha256(normalize_text(text).encode("utf-8")).hexdigest()


def file_sha256(path: str | os.PathLike) -> str:
    return sha256_file(Path(path))


def now_utc() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def make_label(text: str, label: int, reviewer: str, category: str | None = None, language: str | None = None,
               source: str | None = None, risk: float | None = None, time: str | None = None) -> dict[str, Any]:
    if not isinstance(text, str) or not text.strip():
        raise FeedbackError("feedback.error.empty_text")
    if label not in (0, 1):
        raise FeedbackError("feedback.error.bad_label", value=label)
    rec: dict[str, Any] = {"schema": SCHEMA, "hash": content_hash(text), "text": text, "label": int(label),
                           "category": category or None, "language": language or None,
                           "reviewer": reviewer, "time": time or now_utc()}
    if source:
        rec["source"] = source
    if risk is not None:
        rec["risk"] = round(float(risk), 4)
    return rec


def make_undo(hash_: str, reviewer: str, time: str | None = None) -> dict[str, Any]:
    return {"schema": SCHEMA, "hash": hash_, "undo": True, "reviewer": reviewer, "time": time or now_utc()}


class FeedbackFile:
    """Appends records to a feedback file; each record is flushed to disk before the call returns."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        if self.path.is_dir():
            raise FeedbackError("feedback.error.is_dir", path=str(self.path))
        if not self.path.parent.exists():
            raise FeedbackError("feedback.error.no_folder", path=str(self.path.parent))

    def append(self, record: dict[str, Any]) -> None:
        line = json.dumps(record, ensure_ascii=False) + "\n"
        try:
            with open(self.path, "a", encoding="utf-8") as f:
                f.write(line)
                f.flush()
                os.fsync(f.fileno())
        except OSError as exc:
            raise FeedbackError("feedback.error.write", path=str(self.path), reason=exc.strerror or str(exc)) from None

    def extend(self, records: Iterable[dict[str, Any]]) -> int:
        n = 0
        for rec in records:
            self.append(rec)
            n += 1
        return n


def read_records(path: str | os.PathLike) -> list[dict[str, Any]]:
    """Every record of a feedback file, validated; raises FeedbackError naming the line."""
    path = Path(path)
    if not path.is_file():
        raise FeedbackError("feedback.error.not_found", path=str(path))
    out = []
    try:
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError:
                    raise FeedbackError("feedback.error.bad_line", path=str(path), line=n) from None
                if not isinstance(rec, dict) or not isinstance(rec.get("hash"), str):
                    raise FeedbackError("feedback.error.bad_line", path=str(path), line=n)
                if not rec.get("undo"):
                    if rec.get("label") not in (0, 1) or not isinstance(rec.get("text"), str) or not rec["text"].strip():
                        raise FeedbackError("feedback.error.bad_line", path=str(path), line=n)
                rec["_file"] = path.name
                out.append(rec)
    except UnicodeDecodeError:
        raise FeedbackError("feedback.error.encoding", path=str(path)) from None
    return out


def current_labels(paths: Iterable[str | os.PathLike]) -> dict[str, dict[str, Any]]:
    """The surviving label of every post (by content hash), replaying the files in the order given.

    A later label overrides an earlier one; an undo withdraws the latest label of its post.
    The hash is recomputed from the text, so a hand-edited file cannot mislabel another post."""
    stacks: dict[str, list[dict[str, Any]]] = {}
    order: list[str] = []
    for path in paths:
        for rec in read_records(path):
            if rec.get("undo"):
                stack = stacks.get(rec["hash"])
                if stack:
                    stack.pop()
                continue
            h = content_hash(rec["text"])
            rec["hash"] = h
            if h not in stacks:
                order.append(h)
            stacks.setdefault(h, []).append(rec)
    return {h: stacks[h][-1] for h in order if stacks[h]}


def labelled_hashes(paths: Iterable[str | os.PathLike]) -> set[str]:
    return set(current_labels([p for p in paths if Path(p).is_file()]))


def to_frame(labels: dict[str, dict[str, Any]]):
    """Labels as a labelled-data frame (the columns of `jobscan.dataset`), sorted by content hash."""
    import pandas as pd

    from .dataset import COLUMNS
    from .language import detect

    rows = []
    for h in sorted(labels):
        rec = labels[h]
        rows.append({"id": f"fb-{h[:12]}", "text": rec["text"], "label": int(rec["label"]),
                     "language": rec.get("language") or detect(rec["text"]),
                     "category": rec.get("category") or "feedback", "style": "feedback", "group": f"fb-{h}",
                     "batch": rec.get("_file", "feedback"), "source": rec.get("_file", "feedback")})
    return pd.DataFrame(rows, columns=COLUMNS)


# ------------------------------------------------------------------ CSV for spreadsheets
def _cell_out(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        value = "; ".join(str(v) for v in value)
    value = str(value)
    # A cell starting like a formula is run by spreadsheet programs: keep it text with a quote.
    return "'" + value if value.startswith(_FORMULA_START) else value


def _cell_in(value: str | None) -> str:
    value = value or ""
    return value[1:] if value.startswith("'") and value[1:].startswith(_FORMULA_START) else value


def export_csv(rows: Iterable[dict[str, Any]], path: str | os.PathLike, force: bool = False) -> int:
    """Write rows (CSV_COLUMNS) for labelling in a spreadsheet: UTF-8 with BOM, formulas defused."""
    path = Path(path)
    if path.is_dir():
        raise FeedbackError("feedback.error.is_dir", path=str(path))
    if path.exists() and not force:
        raise FeedbackError("feedback.error.exists", path=str(path))
    if not path.parent.exists():
        raise FeedbackError("feedback.error.no_folder", path=str(path.parent))
    tmp = path.with_name(f".{path.name}.part")
    n = 0
    try:
        with open(tmp, "w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f)
            w.writerow(CSV_COLUMNS)
            for row in rows:
                w.writerow([_cell_out(row.get(c)) for c in CSV_COLUMNS])
                n += 1
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise FeedbackError("feedback.error.write", path=str(path), reason=exc.strerror or str(exc)) from None
    return n


def import_csv(path: str | os.PathLike, reviewer: str) -> tuple[list[dict[str, Any]], int]:
    """Labels from a filled-in spreadsheet (columns `text` and `label`; optional `category`,
    `language`, `source`, `line`). Returns (label records, rows left blank)."""
    path = Path(path)
    if not path.is_file():
        raise FeedbackError("feedback.error.not_found", path=str(path))
    records, blank = [], 0
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            fields = [c.strip().lower() for c in (reader.fieldnames or [])]
            if "text" not in fields or "label" not in fields:
                raise FeedbackError("feedback.error.csv_columns", path=str(path))
            reader.fieldnames = fields
            time = now_utc()
            for n, row in enumerate(reader, 2):
                raw = (row.get("label") or "").strip().lower()
                text = _cell_in(row.get("text"))
                if not raw:
                    blank += 1
                    continue
                if raw not in LABEL_VALUES:
                    raise FeedbackError("feedback.error.csv_label", path=str(path), line=n, value=raw)
                if not text.strip():
                    raise FeedbackError("feedback.error.csv_text", path=str(path), line=n)
                source = _cell_in(row.get("source"))
                if source and row.get("line"):
                    source = f"{source}:{row['line']}"
                records.append(make_label(text, LABEL_VALUES[raw], reviewer,
                                          category=_cell_in(row.get("category")).strip() or None,
                                          language=_cell_in(row.get("language")).strip() or None,
                                          source=source or f"{path.name}:{n}", time=time))
    except UnicodeDecodeError:
        raise FeedbackError("feedback.error.encoding", path=str(path)) from None
    return records, blank
