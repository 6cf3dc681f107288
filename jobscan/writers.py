"""Writers for scan results: JSONL, JSON array, CSV or Parquet, written atomically and resumably.

Rows are spooled to `.NAME.part` beside the target and converted/moved into place only when the
scan completes, so an interrupted run never leaves a half-written file under the final name. The
spool holds JSON lines (the final file for JSONL), or for CSV output the CSV rows themselves (the
header goes in front at the end) plus a compact log of what --resume needs to rebuild the summary
and the report. Rows are written a chunk at a time. The spool, a small state file (with the
spool's checkpoint: its size after the last complete chunk) and the repost index stay behind after
an interruption; `--resume` picks them up. Nothing is written to a file the user named until the end.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any, Callable, Iterator

from .batch import restore_row, resume_record

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


_json_line = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode


def _csv_line(cells: list[str]) -> str:
    """A row of two cells or more as csv.writer writes it (quotes where needed, CRLF), faster."""
    return ",".join(['"' + c.replace('"', '""') + '"' if ('"' in c or "," in c or "\n" in c or "\r" in c) else c
                     for c in cells]) + "\r\n"


def spool_paths(path: Path) -> dict[str, Path]:
    base = path.parent / f".{path.name}.part"
    return {"spool": base, "state": base.with_name(base.name + ".json"), "index": base.with_name(base.name + ".clusters"),
            "log": base.with_name(base.name + ".log")}


class _Appender:
    """A text file written a block at a time; `size()` is what a checkpoint records, `truncate_to`
    goes back to it (dropping whatever an interruption left after it)."""

    def __init__(self, path: Path):
        self.path = path
        self._f = open(path, "a", encoding="utf-8", newline="")

    def write(self, text: str) -> None:
        self._f.write(text)

    def size(self) -> int:
        self._f.flush()
        return self._f.tell()

    def truncate_to(self, size: int, rows: int) -> None:
        self._f.close()
        if self.path.stat().st_size < size:
            raise OutputError(f"{self.path} is shorter than the {rows} rows recorded; start over with --force")
        with open(self.path, "r+b") as f:
            f.truncate(size)
        self._f = open(self.path, "a", encoding="utf-8", newline="")

    def close(self) -> None:
        self._f.close()


class _JsonlSpool:
    """Rows as JSON lines: the final file for JSONL output, converted at the end for JSON and Parquet."""

    def __init__(self, paths: dict[str, Path]):
        self.file = _Appender(paths["spool"])
        self._pending: list[str] = []

    def write(self, row: dict[str, Any]) -> None:
        self._pending.append(_json_line(row))

    def flush(self) -> None:
        if self._pending:
            self._pending.append("")
            self.file.write("\n".join(self._pending))
            self._pending.clear()

    def checkpoint(self) -> dict[str, Any]:
        self.flush()
        return {"bytes": self.file.size()}

    def restore(self, checkpoint: dict[str, Any], rows: int) -> None:
        self.file.truncate_to(checkpoint["bytes"], rows)

    def rows(self) -> Iterator[dict[str, Any]]:
        with open(self.file.path, encoding="utf-8") as f:
            for line in f:
                yield json.loads(line)

    def close(self) -> None:
        self.flush()
        self.file.close()


class _CsvSpool:
    """CSV rows without the header (known only at the end: the columns of all rows, in order of
    appearance), and a log of each row's `batch.resume_record` to rebuild the summary and the
    report on --resume. The header is put in front at the end; rows written before a new column
    appeared are padded then."""

    def __init__(self, paths: dict[str, Path], flatten: Callable[[dict], dict]):
        self.file = _Appender(paths["spool"])
        self.log = _Appender(paths["log"])
        self.flatten = flatten
        self.columns: list[str] = []
        self.ragged = False  # whether some rows have fewer cells than there are columns
        self._last_keys: set[str] = set()
        self._pending: list[str] = []
        self._records: list = []

    def write(self, row: dict[str, Any]) -> None:
        flat = self.flatten(row)
        if flat.keys() != self._last_keys:
            self._add_columns(flat)
        self._pending.append(_csv_line([v if type(v) is str else _cell(v) for v in map(flat.get, self.columns)]))
        self._records.append(resume_record(row))

    def _add_columns(self, flat: dict[str, Any]) -> None:
        self._last_keys = set(flat)
        new = [k for k in flat if k not in self.columns]
        if new and self.columns:  # the rows written so far have fewer cells
            self.ragged = True
        self.columns += new

    def flush(self) -> None:
        if not self._pending:
            return
        self.file.write("".join(self._pending))
        self.log.write(_json_line(self._records) + "\n")
        self._pending.clear()
        self._records.clear()

    def checkpoint(self) -> dict[str, Any]:
        self.flush()
        return {"bytes": self.file.size(), "log_bytes": self.log.size(), "columns": self.columns, "ragged": self.ragged}

    def restore(self, checkpoint: dict[str, Any], rows: int) -> None:
        self.file.truncate_to(checkpoint["bytes"], rows)
        self.log.truncate_to(checkpoint["log_bytes"], rows)
        self.columns = list(checkpoint["columns"])
        self.ragged = checkpoint["ragged"]

    def rows(self) -> Iterator[dict[str, Any]]:
        with open(self.file.path, encoding="utf-8", newline="") as f, open(self.log.path, encoding="utf-8") as log:
            records = (record for line in log for record in json.loads(line))
            for cells, record in zip(csv.reader(f), records):
                yield restore_row(dict(zip(self.columns, cells)), record)

    def close(self) -> None:
        self.flush()
        self.file.close()
        self.log.close()

    def finish(self, target: Path) -> None:
        """The CSV file: the header, then the rows (copied as they are unless some need padding)."""
        with open(target, "w", encoding="utf-8", newline="") as dst:
            out = csv.writer(dst)
            out.writerow(self.columns)
            if not self.ragged:
                dst.flush()
                with open(self.file.path, "rb") as src:
                    shutil.copyfileobj(src, dst.buffer, 1 << 20)
                return
            with open(self.file.path, encoding="utf-8", newline="") as src:
                width = len(self.columns)
                out.writerows(cells + [""] * (width - len(cells)) for cells in csv.reader(src))


class ResultWriter:
    """`write(row)` appends a result row; `close()` finishes the file; `keep()` leaves the
    spool for --resume (after an interruption); `abort()` removes it. `checkpoint()` describes
    what has been written, for `resume_at` to come back to."""

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
        self._spool = _CsvSpool(self.paths, flatten) if fmt == "csv" else _JsonlSpool(self.paths)

    # -- resume support -----------------------------------------------------------------------
    def checkpoint(self) -> dict[str, Any] | None:
        """Where the spool stands (after `flush`), for the scan's state file."""
        return None if self.path is None else self._spool.checkpoint()

    def resume_at(self, rows: int, checkpoint: dict[str, Any] | None) -> None:
        """Go back to a checkpoint taken after `rows` rows (drops what was written after it)."""
        if not checkpoint:
            raise OutputError(f"{self.paths['spool']} was left by another version of jobscan; start over with --force")
        self._spool.restore(checkpoint, rows)
        self.count = rows

    def spooled_rows(self) -> Iterator[dict[str, Any]]:
        """The rows written so far, as far as the summary and the report need them."""
        return self._spool.rows()

    # -- writing -----------------------------------------------------------------------------------
    def write(self, row: dict[str, Any]) -> None:
        if self.path is None:
            line = _json_line(row)
            self._f.write((("\n" if self.count == 0 else ",\n") + line) if self.fmt == "json" else line + "\n")
        else:
            self._spool.write(row)
        self.count += 1

    def flush(self) -> None:
        if self.path is None:
            self._f.flush()
        else:
            self._spool.flush()

    def close(self) -> None:
        if self.path is None:
            if self.fmt == "json":
                self._f.write("\n]\n" if self.count else "]\n")
            self._f.flush()
            return
        self._spool.close()
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
            self._spool.finish(final_tmp)
        else:
            _write_parquet(self, final_tmp)
        os.replace(final_tmp, self.path)
        for p in self.paths.values():
            p.unlink(missing_ok=True)

    def keep(self) -> None:
        if self.path is not None:
            self._spool.close()

    def abort(self) -> None:
        if self.path is not None:
            self._spool.close()
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
