"""The prefilter gates of the catalogue's and the pay parser's patterns, worked out once and shipped.

Deriving a gate parses its pattern (`literals.derive_gate`): for the whole catalogue that is about a
third of a second at every start, which the one-ad `check` pays each time. `data/gates.json` holds
the gates, keyed by pattern; `literals.gate` takes a gate from it and derives only the gates of
patterns it lacks (a catalogue edited since: slower to start, never wrong).

    python -m jobscan.gatecache        # rewrite jobscan/data/gates.json after editing flags.toml

A test checks that the file is complete and that each entry is what `derive_gate` gives.
"""

from __future__ import annotations

import json
from pathlib import Path

from .literals import GATES_FILE, derive_gate


def patterns() -> list[str]:
    """Every pattern whose gate is used: the catalogue's (with their `not_after` lookbehinds) and the pay rules'."""
    from . import flags, money

    out = [rx.pattern for f in flags.catalogue() for rx in f.compiled]
    out += [rx.pattern for rx, _ in money._RULES]
    return list(dict.fromkeys(out))


def derived() -> dict[str, list | None]:
    gates = {}
    for p in patterns():
        g = derive_gate(p)
        gates[p] = [list(g.literals), int(g.lo), int(g.hi)] if g else None
    return gates


def write(path: Path | None = None) -> Path:
    path = path or Path(__file__).resolve().parent / GATES_FILE
    text = json.dumps({"format": 1, "gates": derived()}, ensure_ascii=False, sort_keys=True, indent=0)
    path.write_text(text + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    print(f"wrote {write()}")
