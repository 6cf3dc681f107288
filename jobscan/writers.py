"""Writers for scan results: JSONL, JSON array, CSV or Parquet, written atomically and resumably.

Rows are spooled as JSONL to `.NAME.part` beside the target and converted/moved into place only
when the scan completes, so an interrupted run never leaves a half-written file under the final
name. The spool, a small state file and the repost index stay behind after an interruption;
`--resume` picks them up. Nothing is written to a file the user named until the end.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from pathlib import Path
from typing import Any, Callable

OUTPUT_FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".parquet": "parquet"}


class OutputError(Exception):
    pass


def output_format(path: str | None, given: str | None = None) -> str:
    if given:
        if given not in ("csv", "jsonl", "json", "parquet"):
            raise OutputError(f"unknown output format {given!r}; use csv, jsonl, json or parquet")
        return given
    if path is None or path == "-":
        return "jsonl"
    fmt = OUTPUT_FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        raise OutputError(f"cannot tell the output format of {path}; use a .csv, .jsonl, .json or .parquet name")
    return fmt


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def spool_paths(path: Path) -> dict[str, Path]:
    base = path.parent / f".{path.name}.part"
    return {"spool": base, "state": base.with_name(base.name + ".json"), "index": base.with_name(base.name + ".clusters")}


class ResultWriter:
    """`write(row)` appends a result row; `close()` finishes the file; `keep()` leaves the
    spool for --resume (after an interruption); `abort()` removes it."""

    def __init__(self, path: str | None, fmt: str, force: bool = False, resume: bool = False,
                 flatten: Callable[[dict], dict] = lambda r: r):
        self.path = None if path in (None, "-") else Path(path)
        self.fmt = fmt
        self.flatten = flatten
        self.count = 0
        if self.path is None:
            if resume:
                raise OutputError("--resume needs an output file (-o)")
            if fmt not in ("jsonl", "json"):
                raise OutputError(f"{fmt} output needs a file name (-o)")
            self._f = sys.stdout
            self.paths: dict[str, Path] = {}
            if fmt == "json":
                self._f.write("[")
            return
        if self.path.is_dir():
            raise OutputError(f"{self.path} is a folder; give a file name")
        if not self.path.parent.exists():
            raise OutputError(f"folder {self.path.parent} does not exist")
        if fmt == "parquet":
            _pyarrow()
        self.paths = spool_paths(self.path)
        if resume:
            if not self.paths["spool"].exists():
                raise OutputError(f"nothing to resume: {self.paths['spool']} not found")
        else:
            if self.path.exists() and not force:
                raise OutputError(f"{self.path} exists; use --force to replace it")
            if self.paths["spool"].exists() and not force:
                raise OutputError(f"an interrupted scan to {self.path} exists; continue it with --resume, "
                                  f"or start over with --force")
            for p in self.paths.values():
                p.unlink(missing_ok=True)
        self._f = open(self.paths["spool"], "a", encoding="utf-8", newline="")

    # -- resume support -----------------------------------------------------------------------
    def truncate_to(self, rows: int) -> None:
        """Keep the first `rows` complete lines of the spool (drops a torn last line)."""
        self._f.close()
        spool = self.paths["spool"]
        keep = 0
        n = 0
        with open(spool, "rb") as f:
            for line in f:
                if n == rows or not line.endswith(b"\n"):
                    break
                keep += len(line)
                n += 1
        if n < rows:
            raise OutputError(f"{spool} holds {n} rows, fewer than the {rows} recorded; start over with --force")
        with open(spool, "r+b") as f:
            f.truncate(keep)
        self.count = rows
        self._f = open(spool, "a", encoding="utf-8", newline="")

    def spooled_rows(self):
        with open(self.paths["spool"], encoding="utf-8") as f:
            for line in f:
                yield json.loads(line)

    # -- writing -----------------------------------------------------------------------------------
    def write(self, row: dict[str, Any]) -> None:
        if self.path is None:
            line = json.dumps(row, ensure_ascii=False)
            self._f.write((("\n" if self.count == 0 else ",\n") + line) if self.fmt == "json" else line + "\n")
        else:
            self._f.write(json.dumps(row, ensure_ascii=False) + "\n")
        self.count += 1

    def flush(self) -> None:
        self._f.flush()

    def close(self) -> None:
        if self.path is None:
            if self.fmt == "json":
                self._f.write("\n]\n" if self.count else "]\n")
            self._f.flush()
            return
        self._f.close()
        spool = self.paths["spool"]
        final_tmp = spool.with_name(spool.name + "." + self.fmt)
        if self.fmt == "jsonl":
            os.replace(spool, final_tmp)
        elif self.fmt == "json":
            with open(spool, encoding="utf-8") as src, open(final_tmp, "w", encoding="utf-8") as dst:
                dst.write("[")
                for k, line in enumerate(src):
                    dst.write(("\n" if k == 0 else ",\n") + line.rstrip("\n"))
                dst.write("\n]\n" if self.count else "]\n")
        elif self.fmt == "csv":
            columns: dict[str, None] = {}
            for row in self.spooled_rows():
                columns.update(dict.fromkeys(row))
            with open(final_tmp, "w", encoding="utf-8", newline="") as dst:
                w = csv.writer(dst)
                w.writerow(list(columns))
                for row in self.spooled_rows():
                    flat = self.flatten(row)
                    w.writerow([_cell(flat.get(c)) for c in columns])
        else:
            _write_parquet(self, final_tmp)
        os.replace(final_tmp, self.path)
        for p in self.paths.values():
            p.unlink(missing_ok=True)

    def keep(self) -> None:
        if self.path is not None:
            self._f.close()

    def abort(self) -> None:
        if self.path is not None:
            self._f.close()
            for p in self.paths.values():
                p.unlink(missing_ok=True)


def _pyarrow():
    try:
        import pyarrow  # noqa: F401
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        raise OutputError("Parquet needs pyarrow: pip install 'jobscan[parquet]'") from None
    import pyarrow

    return pyarrow


def _write_parquet(writer: ResultWriter, target: Path) -> None:
    pa = _pyarrow()
    import pyarrow.parquet as pq

    columns: dict[str, None] = {}
    for row in writer.spooled_rows():
        columns.update(dict.fromkeys(row))
    schema = pa.schema([(c, pa.string()) for c in columns])
    with pq.ParquetWriter(target, schema) as pw:
        batch: list[dict] = []

        def flush():
            if batch:
                pw.write_table(pa.Table.from_pylist(
                    [{c: (None if r.get(c) is None else _cell(r.get(c))) for c in columns} for r in batch], schema=schema))
                batch.clear()

        for row in writer.spooled_rows():
            batch.append(writer.flatten(row))
            if len(batch) >= 10000:
                flush()
        flush()
