"""Writers for scan results: JSONL, JSON array or CSV, written atomically.

Rows are streamed to a temporary file beside the target and moved into place only when the
scan completes, so an interrupted run never leaves a half-written file under the final name.
CSV needs every column up front, so rows are first spooled as JSONL and converted at the end.
"""

from __future__ import annotations

import csv
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

OUTPUT_FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json"}


class OutputError(Exception):
    pass


def output_format(path: str | None, given: str | None = None) -> str:
    if given:
        if given not in ("csv", "jsonl", "json"):
            raise OutputError(f"unknown output format {given!r}; use csv, jsonl or json")
        return given
    if path is None or path == "-":
        return "jsonl"
    fmt = OUTPUT_FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        raise OutputError(f"cannot tell the output format of {path}; use a .csv, .jsonl or .json name")
    return fmt


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


class ResultWriter:
    def __init__(self, path: str | None, fmt: str, force: bool = False):
        self.path = None if path in (None, "-") else Path(path)
        self.fmt = fmt
        self.columns: list[str] = []
        self._seen: set[str] = set()
        self.count = 0
        if self.path is not None:
            if self.path.is_dir():
                raise OutputError(f"{self.path} is a folder; give a file name")
            if self.path.exists() and not force:
                raise OutputError(f"{self.path} exists; use --force to replace it")
            if not self.path.parent.exists():
                raise OutputError(f"folder {self.path.parent} does not exist")
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".part", dir=self.path.parent)
            self._tmp = Path(tmp)
            self._f = os.fdopen(fd, "w", encoding="utf-8", newline="")
        else:
            self._tmp = None
            self._f = sys.stdout
        if fmt == "json":
            self._f.write("[")

    def write(self, row: dict[str, Any]) -> None:
        for k in row:
            if k not in self._seen:
                self._seen.add(k)
                self.columns.append(k)
        line = json.dumps(row, ensure_ascii=False)
        if self.fmt == "json":
            self._f.write(("\n" if self.count == 0 else ",\n") + line)
        else:
            self._f.write(line + "\n")
        self.count += 1

    def close(self) -> None:
        if self.fmt == "json":
            self._f.write("\n]\n" if self.count else "]\n")
        if self._tmp is None:
            self._f.flush()
            return
        self._f.close()
        if self.fmt == "csv":
            final_tmp = self._tmp.with_suffix(".csv.part")
            with open(self._tmp, encoding="utf-8") as src, open(final_tmp, "w", encoding="utf-8", newline="") as dst:
                w = csv.writer(dst)
                w.writerow(self.columns)
                for line in src:
                    row = json.loads(line)
                    w.writerow([_cell(row.get(c)) for c in self.columns])
            self._tmp.unlink()
            self._tmp = final_tmp
        os.replace(self._tmp, self.path)
        self._tmp = None

    def abort(self) -> None:
        if self._tmp is not None:
            try:
                self._f.close()
            finally:
                self._tmp.unlink(missing_ok=True)
                self._tmp = None
