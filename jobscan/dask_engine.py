"""Scanning on a Dask cluster: `jobscan scan --engine dask` and a Python API for dask DataFrames.

Needs the optional extra `pip install 'jobscan[dask]'`; nothing here imports Dask at module
level, so the rest of jobscan works without it.

The CLI engine (`scan`) runs in two passes over partitions, both on the Dask workers:

1. Each partition is read with jobscan's own readers (so formats, encodings, broken lines,
   `source`/`line` and error messages are exactly those of the local scan), scored with the same
   scorer (loaded once per worker process, `_scorer_for`), and spooled as JSONL; the task returns
   only small things: its row and line counts, its columns, a partial summary, and the MinHash
   signature of each post.
2. The client walks the partitions in row order and assigns repost clusters with the same
   `neardup.ClusterIndex` as the local scan (ids are global row numbers, as locally), and the line
   offset of each partition inside its file. Then each spool is rewritten as a part file of the
   output dataset with the final `line`, `cluster`, and the union of all columns.

Partitions: a JSONL file is split into blocks of about `blocksize` bytes at line boundaries
(UTF-8 and single-byte encodings; UTF-16 files stay whole); a Parquet file is split by row groups;
CSV, TSV, JSON and TXT files are one partition each (a CSV record may span lines, so a CSV file
cannot be cut safely at a byte offset: give many files rather than one huge one).

The input files, the output folder, `--model` and `--watchlist` must be visible at the same paths
from the client and every worker (one machine, or a shared file system).

The Python API (`score_dask_dataframe`) maps the same scoring over the partitions of a dask
DataFrame you already have.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import logging
import math
import os
import secrets
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from . import batch, neardup, readers
from .readers import InputError, Row, open_parquet

INSTALL_HINT = "pip install 'jobscan[dask]'"
DEFAULT_BLOCKSIZE = 32 * 2**20  # bytes of JSONL (or uncompressed Parquet) per partition
MANIFEST = "_jobscan.json"  # files starting with "_" are skipped by Parquet dataset readers
OUTPUT_FORMATS = {".parquet": "parquet", ".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", "": "parquet"}
_SPLITTABLE = ("utf-8", "utf-8-sig", "cp1252", "iso8859-1", "ascii")  # "\n" is one byte that occurs nowhere else


class DaskScanError(Exception):
    """A Dask scan cannot run (bad options, unreachable scheduler, a failed partition...)."""


def require(dataframe: bool = False) -> None:
    """Import Dask; an ImportError names the extra to install when it is missing."""
    try:
        import dask  # noqa: F401
        import distributed  # noqa: F401

        if dataframe:
            import dask.dataframe  # noqa: F401
    except ImportError as exc:
        raise ImportError(f"the Dask engine needs Dask: {INSTALL_HINT}") from exc


# ------------------------------------------------------------------ worker side: one model per process
_CACHE: dict[tuple, tuple] = {}
_LOCK = threading.Lock()


def _scorer_for(model: str | None, watchlist: str | None = None, default_fallback: bool = False):
    """The scorer (and watchlist) for this worker process, loaded on first use and kept."""
    key = (model, watchlist)
    with _LOCK:
        hit = _CACHE.get(key)
        if hit is None:
            from .bundle import default_bundle_path
            from .scoring import Scorer
            from .watchlist import Watchlist

            path = model
            if default_fallback and path is not None and not Path(path).exists():
                path = str(default_bundle_path())  # the shipped model, installed elsewhere on this worker
            hit = (Scorer.load(path), Watchlist.load(watchlist) if watchlist else None)
            _CACHE[key] = hit
        return hit


@dataclass(frozen=True)
class _Config:
    model: str | None = None
    default_fallback: bool = False
    lang: str | None = None
    watchlist: str | None = None
    redact: bool = False
    salt: str = ""
    chunk_size: int = 256
    text_columns: tuple[str, ...] = ("text",)
    encoding: str | None = None
    flat: bool = True  # spool flattened rows (CSV/Parquet output) or result-schema rows (JSONL)

    def scorer(self):
        return _scorer_for(self.model, self.watchlist, self.default_fallback)


def _score_rows(rows: Iterable[Row], cfg: _Config) -> Iterator[tuple[Row, dict | None, bytes | None]]:
    """(row, result, signature) per row in order; result and signature are None when the row cannot be scored."""
    scorer, watch = cfg.scorer()
    for chunk in batch._chunks(rows, cfg.chunk_size):
        ok = [r for r in chunk if r.error is None and r.text is not None]
        scored = iter(batch.score_texts_with(scorer, watch, [r.text for r in ok], cfg.lang))
        for r in chunk:
            if r.error is None and r.text is not None:
                res, sig = next(scored)
                yield r, res, sig
            else:
                yield r, None, None


# ------------------------------------------------------------------ partitions of the inputs
@dataclass(frozen=True)
class Part:
    path: str
    fmt: str
    start: int = 0  # JSONL: first byte; Parquet: first row group
    end: int = -1  # JSONL: end byte (exclusive); Parquet: end row group (exclusive); -1: the whole file
    codec: str | None = None  # JSONL blocks: decoding and error handler of the whole file
    errors: str | None = None


class _Counted:
    """Iterates lines and counts them (the physical lines a reader saw)."""

    def __init__(self, lines):
        self._it = iter(lines)
        self.n = 0

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = next(self._it)
        self.n += 1
        return line


def _line_start(f, pos: int) -> int:
    """The offset of the first line that starts at or after `pos`."""
    if pos <= 0:
        return 0
    f.seek(pos - 1)
    f.readline()
    return f.tell()


def plan_parts(files: list[str], input_format: str | None, text_columns: list[str], encoding: str | None,
               blocksize: int = DEFAULT_BLOCKSIZE) -> list[Part]:
    """Partitions of the inputs, in input order. Checks what can be checked cheaply on the client
    (formats, encodings, CSV headers, Parquet schemas) so that most input errors stop the scan early."""
    parts: list[Part] = []
    for path in files:
        if path == "-":
            raise InputError("--engine dask reads files, not stdin")
        fmt = readers.format_for(path, input_format)
        if fmt == "parquet":
            parts.extend(_parquet_parts(path, text_columns, blocksize))
        elif fmt == "jsonl":
            f, _ = readers._open_text(path, encoding)  # raises InputError for a binary file or a bad encoding
            codec, errors = f.encoding, f.errors
            f.close()
            size = os.path.getsize(path)
            if size <= blocksize or codecs.lookup(codec).name not in _SPLITTABLE:
                parts.append(Part(path, fmt))
                continue
            for start in range(0, size, blocksize):
                parts.append(Part(path, fmt, start, min(size, start + blocksize), codec, errors))
        else:
            if fmt in ("csv", "tsv"):
                rows = readers.read_rows(path, fmt, text_columns, encoding)
                try:
                    next(rows, None)  # the header: no text column is an error before anything runs
                finally:
                    rows.close()
            parts.append(Part(path, fmt))
    return parts


def _parquet_parts(path: str, text_columns: list[str], blocksize: int) -> list[Part]:
    pf = open_parquet(path, text_columns)
    md = pf.metadata
    parts, first, size = [], 0, 0
    for g in range(md.num_row_groups):
        size += md.row_group(g).total_byte_size
        if size >= blocksize:
            parts.append(Part(path, "parquet", first, g + 1))
            first, size = g + 1, 0
    if first < md.num_row_groups or not parts:
        parts.append(Part(path, "parquet", first, md.num_row_groups))
    return parts


def _read_part(part: Part, cfg: _Config) -> tuple[Iterator[Row], Callable[[], int]]:
    """The rows of a partition (line numbers relative to the partition's start) and a function
    giving the number of lines (Parquet: rows) read, once the rows are consumed."""
    columns = list(cfg.text_columns)
    if part.fmt == "jsonl" and part.end >= 0:
        with open(part.path, "rb") as f:
            lo = _line_start(f, part.start)
            hi = _line_start(f, part.end)
            f.seek(lo)
            data = f.read(max(0, hi - lo))
        codec = part.codec if part.start == 0 or part.codec != "utf-8-sig" else "utf-8"
        lines = _Counted(io.StringIO(data.decode(codec, part.errors or "strict"), newline=""))
        return readers._read_jsonl(lines, part.path, columns), lambda: lines.n
    if part.fmt == "parquet":
        counter = {"n": 0}

        def rows() -> Iterator[Row]:
            import pyarrow.parquet as pq

            pf = pq.ParquetFile(part.path)
            groups = list(range(part.start, part.end if part.end >= 0 else pf.metadata.num_row_groups))
            if not groups:
                return
            for rb in pf.iter_batches(batch_size=4096, row_groups=groups):
                for data in rb.to_pylist():
                    counter["n"] += 1
                    n = counter["n"]
                    text, err = readers._text_of(data, columns)
                    yield Row(part.path, n, data, text, f"row {n}: {err}" if err else None)

        return rows(), lambda: counter["n"]
    return readers.read_rows(part.path, part.fmt, columns, cfg.encoding), lambda: 0


# ------------------------------------------------------------------ the two passes (run on workers)
def _score_part(part: Part, spool: str, cfg: _Config) -> dict[str, Any]:
    """Pass 1: read, score and spool one partition; return what the client's cluster pass needs."""
    rows, lines = _read_part(part, cfg)
    scorer, _ = cfg.scorer()
    summary = batch.Summary()
    keys: dict[str, None] = {}
    sigs: list[bytes | None] = []
    with open(spool, "w", encoding="utf-8", newline="") as out:
        for r, res, sig in _score_rows(rows, cfg):
            if res is None:
                o = batch.output_row(r, None, None, redact=cfg.redact)  # as the local scan does
            else:
                if cfg.redact:
                    res = batch.redact_result(res, cfg.salt)
                o = batch.output_row(r, res, None, redact=cfg.redact)
            summary.add(o)
            if cfg.flat:
                o = batch.flatten(o)
            keys.update(dict.fromkeys(o))
            out.write(json.dumps(o, ensure_ascii=False) + "\n")
            sigs.append(sig)
    return {"rows": len(sigs), "lines": lines(), "keys": list(keys), "sigs": sigs, "summary": summary,
            "model": [scorer.name, scorer.version, scorer.meta.get("scorer_sha256")]}


_POSITION_WORDS = ("line", "row", "item")


def _final_rows(spool: str, line_offset: int, row_offset: int, reposts: dict[int, int]) -> Iterator[dict]:
    with open(spool, encoding="utf-8") as f:
        for k, raw in enumerate(f):
            o = json.loads(raw)
            if line_offset and isinstance(o.get("line"), int):
                old = o["line"]
                o["line"] = old + line_offset
                err = o.get("error")
                if err:
                    for word in _POSITION_WORDS:
                        prefix = f"{word} {old}: "
                        if err.startswith(prefix):
                            o["error"] = f"{word} {o['line']}: " + err[len(prefix):]
                            break
            if o.get("verdict") is not None:
                o["cluster"] = reposts.get(k, row_offset + k + 1)
            yield o


def _write_part(spool: str, target: str, fmt: str, columns: list[str], line_offset: int, row_offset: int,
                reposts: dict[int, int]) -> int:
    """Pass 2: the spool of one partition, with final lines and clusters, as a part file of the output."""
    from .writers import _cell

    rows = _final_rows(spool, line_offset, row_offset, reposts)
    n = 0
    if fmt == "jsonl":
        with open(target, "w", encoding="utf-8", newline="") as out:
            for o in rows:
                out.write(json.dumps(o, ensure_ascii=False) + "\n")
                n += 1
    elif fmt == "csv":
        with open(target, "w", encoding="utf-8", newline="") as out:
            w = csv.writer(out)
            w.writerow(columns)
            for o in rows:
                w.writerow([_cell(o.get(c)) for c in columns])
                n += 1
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        schema = pa.schema([(c, pa.string()) for c in columns])
        with pq.ParquetWriter(target, schema) as pw:
            buf: list[dict] = []

            def flush() -> None:
                pw.write_table(pa.Table.from_pylist(
                    [{c: (None if o.get(c) is None else _cell(o.get(c))) for c in columns} for o in buf], schema=schema))
                buf.clear()

            for o in rows:
                buf.append(o)
                n += 1
                if len(buf) >= 10000:
                    flush()
            if buf or n == 0:
                flush()
    os.remove(spool)
    return n


# ------------------------------------------------------------------ client side
class _Clusters:
    """Repost clusters assigned in row order, in the same SQLite index as the local scan (in a
    temporary file, so the client's memory stays flat)."""

    def __init__(self) -> None:
        self._dir = tempfile.mkdtemp(prefix="jobscan-clusters-")
        self.index = neardup.ClusterIndex(os.path.join(self._dir, "clusters.sqlite"))

    def assign(self, row_offset: int, sigs: list[bytes | None]) -> dict[int, int]:
        """{position in the partition: cluster id} for the posts that repeat an earlier one."""
        numbers = range(row_offset + 1, row_offset + 1 + len(sigs))
        clusters = self.index.add_many(numbers, [sig or neardup.EMPTY for sig in sigs])
        self.index.commit()
        return {k: c for k, (n, c) in enumerate(zip(numbers, clusters)) if c != n}

    def close(self) -> None:
        self.index.close()
        shutil.rmtree(self._dir, ignore_errors=True)


def output_format_for(path: str) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in OUTPUT_FORMATS:
        raise DaskScanError(f"cannot tell the output format of {path}: name the output folder *.parquet (default), "
                            f"*.csv or *.jsonl")
    return OUTPUT_FORMATS[suffix]


def _model_arg(model: str | None) -> tuple[str, bool]:
    """The bundle path to send to workers, and whether it is the shipped model (which a worker may
    have installed at another path)."""
    from .bundle import default_bundle_path, resolve_path

    path = resolve_path(model).resolve()
    return str(path), path == default_bundle_path().resolve()


def _prepare_output(output: str, force: bool) -> tuple[Path, Path]:
    target = Path(output)
    if not target.parent.exists():
        raise DaskScanError(f"folder {target.parent} does not exist")
    if target.exists():
        if not target.is_dir():
            raise DaskScanError(f"{target} is a file; --engine dask writes a folder of part files")
        if not force:
            raise DaskScanError(f"{target} exists; use --force to replace it")
        if any(target.iterdir()) and not (target / MANIFEST).exists():
            raise DaskScanError(f"{target} is not a folder written by jobscan; remove it yourself or choose another name")
    tmp = target.parent / f".{target.name}.part"
    if tmp.exists():
        if not force:
            raise DaskScanError(f"an unfinished scan to {target} left {tmp}; start over with --force")
        shutil.rmtree(tmp)
    return target, tmp


def _connect(scheduler: str | None, workers: int):
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler, timeout="20s", set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise DaskScanError(f"cannot connect to the Dask scheduler at {scheduler} ({exc})") from None
        try:
            client.wait_for_workers(1, timeout=60)
        except (TimeoutError, OSError):
            client.close()
            raise DaskScanError(f"no Dask worker is connected to {scheduler}") from None
        return client, None
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                           silence_logs=logging.CRITICAL)  # a failed partition is reported once, in one line
    return Client(cluster, set_as_default=False), cluster


def _task_error(exc: BaseException) -> DaskScanError:
    from .writers import OutputError

    if isinstance(exc, (InputError, OutputError, DaskScanError)):
        return DaskScanError(str(exc))
    from .bundle import BundleError

    if isinstance(exc, BundleError):
        return DaskScanError(f"a worker cannot load the model: {exc}")
    return DaskScanError(f"a Dask task failed: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")


def scan(files: list[str], output: str, opts: batch.ScanOptions, *, text_columns: list[str],
         input_format: str | None = None, encoding: str | None = None, scheduler: str | None = None,
         force: bool = False, blocksize: int = DEFAULT_BLOCKSIZE, client=None,
         notice: Callable[[str], None] = lambda m: None) -> tuple[batch.Summary, dict[str, Any]]:
    """Scan `files` on Dask into the folder `output` (part files in row order plus `_jobscan.json`).

    `client`: an existing distributed Client to use as it is (else one is made for `scheduler`,
    or for a LocalCluster of `opts.workers` processes, and closed at the end). Returns the summary
    and the manifest. Raises DaskScanError or InputError with a one-line message."""
    require()
    fmt = output_format_for(output)
    if fmt == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise DaskScanError("Parquet output needs pyarrow: pip install 'jobscan[parquet]'") from None
    target, tmp = _prepare_output(output, force)
    parts = plan_parts(files, input_format, text_columns, encoding, blocksize)
    model, fallback = _model_arg(opts.model)
    from .api import load_scorer

    own = load_scorer(opts.model)
    want_model = [own.name, own.version, own.meta.get("scorer_sha256")]
    cfg = _Config(model=model, default_fallback=fallback, lang=opts.lang,
                  watchlist=str(Path(opts.watchlist).resolve()) if opts.watchlist else None, redact=opts.redact,
                  salt=(opts.salt or secrets.token_hex(8)) if opts.redact else "", chunk_size=opts.chunk_size,
                  text_columns=tuple(text_columns), encoding=encoding, flat=fmt != "jsonl")
    cluster = None
    if client is None:
        client, cluster = _connect(scheduler, opts.workers)
        own_client = True
    else:
        own_client = False
    clusters = _Clusters()
    ext = {"parquet": "parquet", "csv": "csv", "jsonl": "jsonl"}[fmt]
    submitted: list = []
    try:
        n_workers = len(client.scheduler_info().get("workers", {}))
        notice(f"dask: {len(parts)} partition{'s' * (len(parts) != 1)} of {len(files)} file{'s' * (len(files) != 1)} "
               f"on {n_workers} worker{'s' * (n_workers != 1)}"
               + (f" (dashboard {client.dashboard_link})" if scheduler and client.dashboard_link else ""))
        tmp.mkdir()
        spools = [str(tmp / f"_spool-{i:05d}.jsonl") for i in range(len(parts))]
        futures = client.map(_score_part, parts, spools, cfg=cfg, pure=False)
        submitted.extend(futures)
        summary = batch.Summary()
        columns: dict[str, None] = {}
        lines_seen: dict[str, int] = {}
        plan = []
        rows_done = 0
        for part, spool, fut in zip(parts, spools, futures):
            try:
                s = fut.result()
            except Exception as exc:  # a failed partition: one line, never a worker's traceback
                raise _task_error(exc) from None
            fut.release()
            if s["model"] != want_model:
                raise DaskScanError(f"a Dask worker scored with model {s['model'][0]} {s['model'][1]}, not "
                                    f"{want_model[0]} {want_model[1]}: install the same jobscan and model everywhere")
            summary.rows += s["summary"].rows
            summary.errors += s["summary"].errors
            for name in ("verdicts", "flags", "contacts"):
                getattr(summary, name).update(getattr(s["summary"], name))
            columns.update(dict.fromkeys(s["keys"]))
            line_offset = lines_seen.get(part.path, 0)
            lines_seen[part.path] = line_offset + s["lines"]
            plan.append({"spool": spool, "rows": s["rows"], "line_offset": line_offset, "row_offset": rows_done,
                         "reposts": clusters.assign(rows_done, s["sigs"]), "part": part})
            rows_done += s["rows"]
        kept = [p for p in plan if p["rows"]] or plan[:1]  # no empty part files (one, if nothing was read)
        for p in plan:
            if not any(p is q for q in kept):
                os.remove(p["spool"])
        names = [f"part-{j:05d}.{ext}" for j in range(len(kept))]
        cols = list(columns)
        writes = client.map(_write_part, [p["spool"] for p in kept], [str(tmp / n) for n in names],
                            [fmt] * len(kept), [cols] * len(kept), [p["line_offset"] for p in kept],
                            [p["row_offset"] for p in kept], [p["reposts"] for p in kept], pure=False)
        submitted.extend(writes)
        written = 0
        for fut in writes:
            try:
                written += fut.result()
            except Exception as exc:
                raise _task_error(exc) from None
        if written != rows_done:  # the nothing-lost guarantee, checked
            raise DaskScanError(f"wrote {written} rows for {rows_done} read; the output was not kept")
        manifest = {
            "engine": "dask", "format": fmt, "rows": rows_done, "columns": cols,
            "model": {"name": own.name, "version": own.version},
            "parts": [{"file": n, "source": p["part"].path, "rows": p["rows"], "first_row": p["row_offset"] + 1,
                       "lines_before": p["line_offset"]} for n, p in zip(names, kept)],
            "summary": summary.to_dict(),
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        os.replace(tmp, target)
        return summary, manifest
    except BaseException:
        try:  # stop what is still running (on a shared cluster it would go on writing into tmp)
            client.cancel(submitted)
        except Exception:
            pass
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        clusters.close()
        if own_client:
            client.close()
            if cluster is not None:
                cluster.close()


# ------------------------------------------------------------------ the Python API on dask DataFrames
def _clean(v):
    """A pandas missing value (NaN, NA, NaT) as None."""
    if v is None:
        return None
    try:
        import numpy as np
        import pandas as pd

        if v is pd.NA or v is pd.NaT or (isinstance(v, (float, np.floating)) and math.isnan(v)):
            return None
    except ImportError:  # pragma: no cover
        pass
    return v


def _records(pdf, columns: list[str]) -> Iterator[dict]:
    present = [c for c in columns if c in pdf.columns]
    for values in pdf[present].itertuples(index=False, name=None):
        yield {c: _clean(v) for c, v in zip(present, values)}


def _signatures_pandas(pdf, columns: list[str]) -> list[bytes | None]:
    from .normalize import normalize_text

    out: list[bytes | None] = []
    for data in _records(pdf, columns):
        text, err = readers._text_of(data, columns)
        out.append(None if err else neardup.signature(normalize_text(text)))
    return out


_STRING_RESULTS = ("verdict", "flags", "top_evidence", "language", "contacts", "error")


def _score_pandas(pdf, cfg: _Config, row_offset: int | None = None, reposts: dict[int, int] | None = None):
    """One partition: the input's columns (those named like a result column renamed input_NAME)
    plus the result columns, flattened as in the local scan's CSV output."""
    import numpy as np
    import pandas as pd

    columns = list(cfg.text_columns)
    rows = [Row("", k + 1, {}, *readers._text_of(data, columns)) for k, data in enumerate(_records(pdf, columns))]
    values: dict[str, list] = {c: [] for c in batch.RESULT_COLUMNS}
    scored = _score_rows(rows, cfg) if rows else iter(())
    for k, (r, res, _sig) in enumerate(scored):
        cluster = None
        if res is not None and row_offset is not None:
            cluster = (reposts or {}).get(k, row_offset + k + 1)
        flat = batch.flatten(batch.output_row(r, res, cluster))
        for c in batch.RESULT_COLUMNS:
            values[c].append(flat[c])
    out = pdf.rename(columns={c: f"input_{c}" for c in pdf.columns if c in batch.RESULT_COLUMNS})
    # arrays, not Series: no alignment on the index (which may hold duplicates)
    out["risk"] = np.array([math.nan if v is None else v for v in values["risk"]], dtype="float64")
    text = _string_dtype()
    for c in _STRING_RESULTS:
        if c != "error":
            out[c] = pd.array(values[c], dtype=text)
    out["cluster"] = pd.array(values["cluster"], dtype="Int64")
    out["error"] = pd.array(values["error"], dtype=text)
    return out


def _string_dtype():
    """The string dtype Dask itself uses (pyarrow-backed, missing = NA), so meta and partitions agree."""
    import pandas as pd

    try:
        import pyarrow  # noqa: F401

        return pd.StringDtype("pyarrow")
    except ImportError:  # pragma: no cover
        return pd.StringDtype()


def _in_order(delayeds: list) -> Iterator:
    """Compute delayed objects and yield their results in order (on the current distributed
    Client when there is one, releasing each result once read)."""
    import dask

    try:
        from distributed import default_client

        client = default_client()
    except (ImportError, ValueError):
        client = None
    if client is not None:
        futures = client.compute(delayeds)
        for f in futures:
            yield f.result()
            f.release()
        return
    for i in range(0, len(delayeds), 16):
        yield from dask.compute(*delayeds[i:i + 16])


def score_dask_dataframe(ddf, text_column: str | list[str] = "text", model: str | None = None, lang: str | None = None,
                         *, clusters: bool = True, watchlist: str | None = None, chunk_size: int = 256):
    """Score the posts in `ddf[text_column]`; returns a dask DataFrame with the input's columns plus
    `risk` (float, NaN when not scored), `verdict`, `flags` (ids joined by ";"), `top_evidence`
    (joined by " | "), `language`, `contacts` (normalised values joined by ";"), `cluster` (Int64)
    and `error` (why a row could not be scored: empty text, a value that is not text; else None).

    Scoring is lazy, partition by partition, with the model loaded once per worker process.
    With `clusters=True` (default) repost clusters are global, as in the local scan: the cluster id
    is the 1-based row number (in the DataFrame's order) of the cluster's first post. That needs
    one eager pass over the text column now (MinHash signatures per partition, ids assigned on the
    client in row order), so the input is computed twice: persist it first if it is expensive.
    `clusters=False` keeps everything lazy and leaves `cluster` empty. Several text columns are
    joined with a newline, as `scan -c a -c b` does."""
    require(dataframe=True)
    import dask
    import dask.dataframe as dd

    columns = [text_column] if isinstance(text_column, str) else list(text_column)
    if not any(c in ddf.columns for c in columns):
        raise KeyError(f"no column named {' or '.join(repr(c) for c in columns)} in the DataFrame")
    path, fallback = _model_arg(model)
    cfg = _Config(model=path, default_fallback=fallback, lang=lang,
                  watchlist=str(Path(watchlist).resolve()) if watchlist else None, chunk_size=chunk_size,
                  text_columns=tuple(columns))
    meta = _score_pandas(ddf._meta, cfg)
    if not clusters:
        return ddf.map_partitions(_score_pandas, cfg, meta=meta)
    present = [c for c in columns if c in ddf.columns]
    sig_tasks = [dask.delayed(_signatures_pandas)(p, columns) for p in ddf[present].to_delayed()]
    index = _Clusters()
    offsets, reposts = [], []
    try:
        done = 0
        for sigs in _in_order(sig_tasks):
            offsets.append(done)
            reposts.append(index.assign(done, sigs))
            done += len(sigs)
    finally:
        index.close()
    parts = ddf.to_delayed()
    scored = [dask.delayed(_score_pandas)(p, cfg, off, rep) for p, off, rep in zip(parts, offsets, reposts)]
    divisions = ddf.divisions if ddf.known_divisions else None
    return dd.from_delayed(scored, meta=meta, divisions=divisions, verify_meta=False)
