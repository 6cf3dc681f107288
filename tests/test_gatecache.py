"""The shipped prefilter gates (jobscan/data/gates.json) are the ones the patterns give: a stale
or wrong entry would make a flag silently miss ads, so the file must match the catalogue."""

import json
from importlib import resources

from jobscan import gatecache, literals


def test_shipped_gates_cover_every_pattern_and_equal_the_derived_ones():
    shipped = json.loads(resources.files("jobscan").joinpath(literals.GATES_FILE).read_text(encoding="utf-8"))["gates"]
    derived = gatecache.derived()
    missing = sorted(set(derived) - set(shipped))
    assert not missing, f"{len(missing)} patterns have no shipped gate: run `python -m jobscan.gatecache`"
    wrong = [p for p in derived if shipped[p] != derived[p]]
    assert not wrong, f"stale gates for {wrong[:3]}: run `python -m jobscan.gatecache`"


def test_a_pattern_the_file_lacks_gets_its_gate_worked_out():
    pattern = r"\bkerja di kamboja sekarang juga\b"
    assert pattern not in literals._shipped_gates()
    g = literals.gate(pattern)
    assert g is not None and g == literals.derive_gate(pattern)
    assert any(lit in "kerja di kamboja sekarang juga" for lit in g.literals)


def test_shipped_gates_are_used(monkeypatch):
    some_pattern = gatecache.patterns()[0]
    marker = literals.Gate(("zzz",), 0, 0)
    monkeypatch.setitem(literals._shipped_gates(), some_pattern, marker)
    assert literals.gate(some_pattern) is marker
