"""Batch scanning: rows in, one output row per input row out, in input order.

Scoring runs in chunks, in this process or in `workers` processes (each loads the model once);
at most a few chunks are in flight, so memory stays flat. The main process assigns repost
clusters (`neardup.ClusterIndex`), builds output rows, and feeds the summary and the report.
"""

from __future__ import annotations

import hashlib
from collections import Counter, deque
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Callable, Iterable, Iterator

from . import contacts as contactmod
from . import featurize, neardup
from .readers import Row

RESULT_COLUMNS = ("risk", "verdict", "flags", "top_evidence", "language", "contacts", "cluster", "error")
POSITION_COLUMNS = ("source", "line")


@dataclass
class ScanOptions:
    model: str | None = None
    lang: str | None = None
    workers: int = 1
    chunk_size: int = 256
    watchlist: str | None = None
    redact: bool = False
    salt: str = ""


# ------------------------------------------------------------------ worker side
_WORKER: dict[str, Any] = {}


def _init_worker(model: str | None, watchlist: str | None) -> None:
    from .scoring import Scorer
    from .watchlist import Watchlist

    _WORKER["scorer"] = Scorer.load(model)
    _WORKER["watchlist"] = Watchlist.load(watchlist) if watchlist else None


def score_chunk(texts: list[str], lang: str | None) -> list[tuple[dict[str, Any], bytes]]:
    """Results and near-duplicate signatures for a chunk of texts (runs in a worker)."""
    return score_texts_with(_WORKER["scorer"], _WORKER["watchlist"], texts, lang)


def score_texts_with(scorer, watch, texts: list[str], lang: str | None) -> list[tuple[dict[str, Any], bytes]]:
    """`score_chunk` with an explicit scorer and watchlist (the Dask engine keeps its own per worker)."""
    docs = [featurize.prepare(t) for t in texts]
    risks = scorer.score_docs(docs)
    out = []
    for d, r in zip(docs, risks):
        res = scorer.result(d, r, lang=lang, explain=False)
        if watch is not None:
            hit = watch.match(d, res["contacts"], lang or "en")
            if hit:
                res["flags"].append(hit)
        out.append((res, neardup.signature(d.norm.text)))
    return out


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
        self.verdicts[out["verdict"]] += 1
        self.flags.update(f["id"] for f in out["flags"] if f["kind"] != "context")
        if out["verdict"] != "ok":
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


def output_row(row: Row, result: dict[str, Any] | None, cluster: int | None, redact: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in row.data.items():
        key = f"input_{k}" if k in RESULT_COLUMNS or k in POSITION_COLUMNS else k
        out[key] = contactmod.redact(v) if (redact and isinstance(v, str)) else v
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
        flat["flags"] = ";".join(f["id"] for f in out["flags"])
    if isinstance(out.get("contacts"), list):
        flat["contacts"] = ";".join(c["value"] for c in out["contacts"])
    if isinstance(out.get("top_evidence"), list):
        flat["top_evidence"] = " | ".join(out["top_evidence"])
    return flat


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
    with ctx.Pool(opts.workers, initializer=_init_worker, initargs=(opts.model, opts.watchlist)) as pool:
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
    n = start
    for chunk, results in _scored(_chunks(rows, opts.chunk_size), opts):
        for r, scored in zip(chunk, results):
            n += 1
            if scored is None:
                yield output_row(r, None, None, redact=opts.redact)
                continue
            res, sig = scored
            cluster = clusters.add(n, sig)
            if opts.redact:
                res = redact_result(res, opts.salt)
            yield output_row(r, res, cluster, redact=opts.redact)
        clusters.commit()
        if on_chunk:
            on_chunk(n)
    if own_index:
        clusters.close()
