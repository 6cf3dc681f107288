"""A whole scan as the CLI runs it: inputs, resumable output, progress, summary and report."""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import asdict
from typing import Any, Callable

from . import batch, neardup
from .readers import read_rows
from .report import ReportBuilder
from .writers import ResultWriter


class ResumeError(Exception):
    pass


def input_fingerprint(files: list[str]) -> list[dict[str, Any]]:
    out = []
    for f in files:
        if f == "-":
            out.append({"path": "-"})
        else:
            st = os.stat(f)
            out.append({"path": os.path.abspath(f), "size": st.st_size, "mtime": int(st.st_mtime)})
    return out


def estimate_rows(files: list[str]) -> int | None:
    """Lines in the input files (a quick upper estimate of rows), or None for stdin."""
    if "-" in files:
        return None
    total = 0
    for f in files:
        with open(f, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                total += block.count(b"\n")
    return max(total, 1)


def _text_of(out: dict[str, Any], columns: list[str]) -> str | None:
    parts = [out[c] for c in columns if isinstance(out.get(c), str) and out[c].strip()]
    return "\n".join(parts) if parts else None


def run(files: list[str], writer: ResultWriter, opts: batch.ScanOptions, *, input_format: str | None,
        text_columns: list[str], encoding: str | None, resume: bool, settings: dict[str, Any],
        report: ReportBuilder | None, summary: batch.Summary,
        progress: Callable[[int], None] | None = None, notice: Callable[[str, dict], None] = lambda k, f: None) -> int:
    """Scan `files` into `writer`; returns the number of rows written. Raises KeyboardInterrupt
    after leaving a resumable state behind when interrupted."""
    state_path = writer.paths.get("state")
    index_path = writer.paths.get("index")
    fingerprint = input_fingerprint(files)
    done = 0
    if resume:
        try:
            state = json.loads(state_path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            raise ResumeError(f"cannot resume: {state_path} is missing or damaged; start over with --force") from None
        if state.get("inputs") != fingerprint or state.get("settings") != settings:
            raise ResumeError("cannot resume: the inputs or options differ from the interrupted scan; "
                              "start over with --force")
        done = int(state["rows_done"])
        opts.salt = state.get("salt", "")
        writer.resume_at(done, state.get("spool"))
        for out in writer.spooled_rows():  # the summary and the report cover the whole scan
            summary.add(out)
            if report is not None:
                report.add(out, _text_of(out, text_columns))
        notice("scan.resumed", {"rows": done})
    elif opts.redact and not opts.salt:
        opts.salt = secrets.token_hex(8)
    clusters = neardup.ClusterIndex(str(index_path) if index_path else ":memory:")
    if resume:
        clusters.forget_from(done + 1)

    def save_state(rows_done: int) -> None:
        writer.flush()
        if state_path is None:
            return
        tmp = state_path.with_name(state_path.name + ".tmp")
        tmp.write_text(json.dumps({"inputs": fingerprint, "settings": settings, "rows_done": rows_done,
                                   "salt": opts.salt, "spool": writer.checkpoint()}), encoding="utf-8")
        os.replace(tmp, state_path)

    def rows():
        n = 0
        for path in files:
            for r in read_rows(path, input_format, text_columns, encoding):
                n += 1
                if n > done:
                    yield r

    def on_chunk(n: int) -> None:
        save_state(n)
        if progress:
            progress(n)

    written = done
    try:
        for out in batch.scan_rows(rows(), opts, clusters=clusters, start=done, on_chunk=on_chunk):
            writer.write(out)
            written += 1
            summary.add(out)
            if report is not None:
                report.add(out, _text_of(out, text_columns) if out.get("error") is None else None)
        save_state(written)
    finally:
        clusters.close()
    return written


def settings_of(opts: batch.ScanOptions, **extra) -> dict[str, Any]:
    d = asdict(opts)
    d.pop("salt", None)
    d.pop("workers", None)  # resuming with another number of workers is fine
    return {**d, **extra}
