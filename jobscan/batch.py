"""Batch scanning: rows in, one output row per input row out, in input order.

Scoring runs in chunks, in this process or in `workers` processes (each loads the model once);
at most two chunks per worker are in flight, so memory stays flat. A worker returns, per post,
only the result fields the output uses and the post's near-duplicate signature (computed for the
whole chunk at once). The main process assigns repost clusters a chunk at a time
(`neardup.ClusterIndex.add_many`), builds output rows, and feeds the summary and the report.
"""

from __future__ import annotations

import gc
import hashlib
from collections import Counter, deque
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from typing import Any, Callable, Iterable, Iterator

from . import contacts as contactmod
from . import featurize, neardup
from .readers import Row

RESULT_COLUMNS = ("risk", "verdict", "flags", "top_evidence", "language", "contacts", "cluster", "error")
POSITION_COLUMNS = ("source", "line")
RESERVED = frozenset(RESULT_COLUMNS + POSITION_COLUMNS)  # input fields of these names become input_NAME
RESULT_FIELDS = ("risk", "verdict", "language", "flags", "contacts")  # what a scan keeps of a result


@dataclass
class ScanOptions:
    model: str | None = None
    lang: str | None = None
    workers: int = 1
    chunk_size: int = 1000
    watchlist: str | None = None
    redact: bool = False
    salt: str = ""


# ------------------------------------------------------------------ worker side
_WORKER: dict[str, Any] = {}


def _fewer_gc_passes() -> tuple[int, int, int]:
    """Scanning allocates many short-lived dicts and lists (none of them in cycles): the cycle
    collector's default, a pass every 700 allocations, costs about a tenth of a scan. Returns the
    previous thresholds."""
    previous = gc.get_threshold()
    gc.set_threshold(100_000, *previous[1:])
    return previous


def _init_worker_process(model: str | None, watchlist: str | None) -> None:
    _fewer_gc_passes()
    _init_worker(model, watchlist)


def _init_worker(model: str | None, watchlist: str | None) -> None:
    from .api import load_scorer
    from .watchlist import Watchlist

    _WORKER["scorer"] = load_scorer(model)  # in this process: the model the command has loaded already
    _WORKER["watchlist"] = Watchlist.load(watchlist) if watchlist else None


def score_chunk(texts: list[str], lang: str | None) -> list[tuple[dict[str, Any], bytes]]:
    """Results (the fields a scan keeps) and near-duplicate signatures for a chunk of texts (runs
    in a worker: what it returns is pickled back to the main process)."""
    return score_texts_with(_WORKER["scorer"], _WORKER["watchlist"], texts, lang)


def score_texts_with(scorer, watch, texts: list[str], lang: str | None) -> list[tuple[dict[str, Any], bytes]]:
    """`score_chunk` with an explicit scorer and watchlist (the Dask engine keeps its own per worker).
    Each result has only the RESULT_FIELDS (`Scorer.scan_result`)."""
    docs = [featurize.prepare(t) for t in texts]
    risks = scorer.score_docs(docs)
    out = []
    for d, r in zip(docs, risks):
        res = scorer.scan_result(d, r, lang=lang)
        if watch is not None:
            hit = watch.match(d, res["contacts"], lang or "en")
            if hit:
                res["flags"].append(hit)
        out.append(res)
    return list(zip(out, neardup.signatures([d.norm.text for d in docs])))


# ------------------------------------------------------------------ summary
@dataclass
class Summary:
    rows: int = 0
    errors: int = 0
    verdicts: Counter = field(default_factory=Counter)
    flags: Counter = field(default_factory=Counter)
    contacts: Counter = field(default_factory=Counter)

    def add(self, out: dict[str, Any]) -> None:
        self.rows += 1
        if out.get("error"):
            self.errors += 1
            return
        verdict = out["verdict"]
        self.verdicts[verdict] += 1
        if out["flags"]:
            self.flags.update([f["id"] for f in out["flags"] if f["kind"] != "context"])
        if verdict != "ok" and out["contacts"]:
            self.contacts.update({c["value"] for c in out["contacts"]})

    def to_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "errors": self.errors,
                "verdicts": {v: self.verdicts.get(v, 0) for v in ("ok", "review", "flagged")},
                "top_flags": self.flags.most_common(10), "top_contacts": self.contacts.most_common(10)}


# ------------------------------------------------------------------ output rows
def pseudonym(kind: str, value: str, salt: str) -> str:
    return f"{kind}#" + hashlib.sha256(f"{salt}\0{value}".encode("utf-8")).hexdigest()[:10]


def redact_result(res: dict[str, Any], salt: str) -> dict[str, Any]:
    """Contacts replaced by per-scan pseudonyms, evidence and quotes masked."""
    for f in res["flags"]:
        for e in f["evidence"]:
            e["text"] = contactmod.redact(e["text"])
        if "entries" in f:
            f["entries"] = [contactmod.redact(x) for x in f["entries"]]
    res["contacts"] = [{"kind": c["kind"], "value": pseudonym(c["kind"], c["value"], salt), "start": c["start"],
                        "end": c["end"]} for c in res["contacts"]]
    return res


def _input_fields(data: dict[str, Any], redact: bool) -> dict[str, Any]:
    """The input's own fields, renamed input_NAME where they clash with ours, masked for --redact."""
    if not redact and RESERVED.isdisjoint(data):
        return dict(data)
    return {(f"input_{k}" if k in RESERVED else k): (contactmod.redact(v) if (redact and isinstance(v, str)) else v)
            for k, v in data.items()}


def output_row(row: Row, result: dict[str, Any] | None, cluster: int | None, redact: bool = False) -> dict[str, Any]:
    out = _input_fields(row.data, redact)
    out["source"] = row.source
    out["line"] = row.line
    if result is None:
        out.update({c: None for c in RESULT_COLUMNS})
        out["error"] = row.error
        return out
    flags = result["flags"]
    out.update({
        "risk": result["risk"], "verdict": result["verdict"], "flags": flags,
        "top_evidence": [e["text"] for f in flags if f["kind"] != "context" for e in f["evidence"]][:5],
        "language": result["language"], "contacts": result["contacts"], "cluster": cluster, "error": None,
    })
    return out


def flatten(out: dict[str, Any]) -> dict[str, Any]:
    """A row for CSV/Parquet: flags as ids, contacts as values, evidence joined."""
    flat = dict(out)
    if isinstance(out.get("flags"), list):
        flat["flags"] = ";".join([f["id"] for f in out["flags"]])
    if isinstance(out.get("contacts"), list):
        flat["contacts"] = ";".join([c["value"] for c in out["contacts"]])
    if isinstance(out.get("top_evidence"), list):
        flat["top_evidence"] = " | ".join(out["top_evidence"])
    return flat


def resume_record(out: dict[str, Any]) -> list | None:
    """What the summary and the report need of an output row that its CSV cells do not hold, to
    rebuild them on --resume (`restore_row`): nothing for an error row or an "ok" row (its cells'
    flag ids are enough), else its risk, cluster, flags with evidence spans and contacts, compactly."""
    if out.get("error") or out["verdict"] == "ok":
        return None
    flags = [[f["id"], f["kind"], [x for e in f["evidence"] for x in (e["start"], e["end"])]] for f in out["flags"]]
    return [out["risk"], out["cluster"], flags, [[c["kind"], c["value"]] for c in out["contacts"]]]


def restore_row(cells: dict[str, str], record: list | None) -> dict[str, Any]:
    """An output row rebuilt from its CSV cells and its `resume_record`, as far as `Summary.add`
    and `ReportBuilder.add` need it (they read only the verdict and the flags of an "ok" row)."""
    if cells.get("error"):
        return cells
    if record is None:
        kinds = _flag_kinds()
        return {**cells, "flags": [{"id": i, "kind": kinds.get(i, "risk")} for i in cells["flags"].split(";") if i],
                "contacts": []}
    risk, cluster, flags, contacts = record
    return {**cells, "risk": risk, "cluster": cluster,
            "flags": [{"id": i, "kind": kind, "evidence": [{"start": a, "end": b} for a, b in zip(ends[::2], ends[1::2])]}
                      for i, kind, ends in flags],
            "contacts": [{"kind": kind, "value": value} for kind, value in contacts]}


@lru_cache(maxsize=1)
def _flag_kinds() -> dict[str, str]:
    from .flags import catalogue

    return {f.id: f.kind for f in catalogue()}


# ------------------------------------------------------------------ the engine
def _chunks(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    it = iter(rows)
    while True:
        chunk = list(islice(it, size))
        if not chunk:
            return
        yield chunk


def _scored(chunks: Iterator[list[Row]], opts: ScanOptions) -> Iterator[tuple[list[Row], list]]:
    """(chunk, results) in input order; results[i] is None for rows that cannot be scored."""

    def texts_of(chunk: list[Row]) -> list[str]:
        return [r.text for r in chunk if r.error is None and r.text is not None]

    def merge(chunk: list[Row], scored: list) -> list:
        it = iter(scored)
        return [next(it) if (r.error is None and r.text is not None) else None for r in chunk]

    if opts.workers <= 1:
        _init_worker(opts.model, opts.watchlist)
        for chunk in chunks:
            yield chunk, merge(chunk, score_chunk(texts_of(chunk), opts.lang))
        return
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    with ctx.Pool(opts.workers, initializer=_init_worker_process, initargs=(opts.model, opts.watchlist)) as pool:
        pending: deque = deque()
        window = 2 * opts.workers
        for chunk in chunks:
            pending.append((chunk, pool.apply_async(score_chunk, (texts_of(chunk), opts.lang))))
            if len(pending) >= window:
                c, job = pending.popleft()
                yield c, merge(c, job.get())
        while pending:
            c, job = pending.popleft()
            yield c, merge(c, job.get())


def scan_rows(rows: Iterable[Row], opts: ScanOptions, clusters: neardup.ClusterIndex | None = None,
              start: int = 0, on_chunk: Callable[[int], None] | None = None) -> Iterator[dict[str, Any]]:
    """Score rows; yields one output row per input row, errors included. `start` is the number
    of rows already done (row numbers, and so cluster ids, continue from there)."""
    own_index = clusters is None
    if own_index:
        clusters = neardup.ClusterIndex()
    gc_thresholds = _fewer_gc_passes()
    try:
        n = start
        for chunk, results in _scored(_chunks(rows, opts.chunk_size), opts):
            sigs = [neardup.EMPTY if scored is None else scored[1] for scored in results]
            cluster_ids = clusters.add_many(range(n + 1, n + 1 + len(chunk)), sigs)
            for r, scored, cluster in zip(chunk, results, cluster_ids):
                if scored is None:
                    yield output_row(r, None, None, redact=opts.redact)
                    continue
                res = redact_result(scored[0], opts.salt) if opts.redact else scored[0]
                yield output_row(r, res, cluster, redact=opts.redact)
            n += len(chunk)
            clusters.commit()
            if on_chunk:
                on_chunk(n)
    finally:
        gc.set_threshold(*gc_thresholds)
    if own_index:
        clusters.close()
