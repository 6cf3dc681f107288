"""Batch scanning: rows in, one output row per input row out, in input order."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Iterable, Iterator

from .readers import Row
from .scoring import Scorer

RESULT_COLUMNS = ("risk", "verdict", "flags", "top_evidence", "language", "contacts", "cluster", "error")
POSITION_COLUMNS = ("source", "line")


@dataclass
class Summary:
    rows: int = 0
    errors: int = 0
    verdicts: Counter = field(default_factory=Counter)
    flags: Counter = field(default_factory=Counter)
    contacts: Counter = field(default_factory=Counter)

    def add(self, out: dict[str, Any], flag_ids: list[str], contact_values: list[str]) -> None:
        self.rows += 1
        if out.get("error"):
            self.errors += 1
            return
        self.verdicts[out["verdict"]] += 1
        self.flags.update(flag_ids)
        if out["verdict"] != "ok":
            self.contacts.update(contact_values)

    def to_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "errors": self.errors,
                "verdicts": {v: self.verdicts.get(v, 0) for v in ("ok", "review", "flagged")},
                "top_flags": self.flags.most_common(10), "top_contacts": self.contacts.most_common(10)}


def _output_row(row: Row, result: dict[str, Any] | None, flat: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in row.data.items():
        key = f"input_{k}" if k in RESULT_COLUMNS or k in POSITION_COLUMNS else k
        out[key] = v
    out["source"] = row.source
    out["line"] = row.line
    if result is None:
        out.update({c: None for c in RESULT_COLUMNS})
        out["error"] = row.error
        return out
    flags = result["flags"]
    evidence = [e["text"] for f in flags if f["kind"] != "context" for e in f["evidence"]][:5]
    contacts = result["contacts"]
    if flat:
        out.update({
            "risk": result["risk"], "verdict": result["verdict"],
            "flags": ";".join(f["id"] for f in flags),
            "top_evidence": " | ".join(evidence),
            "language": result["language"],
            "contacts": ";".join(c["value"] for c in contacts),
        })
    else:
        out.update({"risk": result["risk"], "verdict": result["verdict"], "flags": flags, "top_evidence": evidence,
                    "language": result["language"], "contacts": contacts})
    out["cluster"] = result.get("cluster")
    out["error"] = None
    return out


def scan_rows(rows: Iterable[Row], scorer: Scorer, flat: bool = False, chunk_size: int = 512,
              lang: str | None = None, summary: Summary | None = None) -> Iterator[dict[str, Any]]:
    """Score rows in chunks; yields one output row per input row, errors included."""
    it = iter(rows)
    while True:
        chunk = list(islice(it, chunk_size))
        if not chunk:
            return
        scorable = [r for r in chunk if r.error is None and r.text is not None]
        results = iter(scorer.score_texts([r.text for r in scorable], lang=lang, explain=False))
        for r in chunk:
            result = next(results) if (r.error is None and r.text is not None) else None
            out = _output_row(r, result, flat)
            if summary is not None:
                summary.add(out, [f["id"] for f in result["flags"] if f["kind"] != "context"] if result else [],
                            [c["value"] for c in result["contacts"]] if result else [])
            yield out
