"""No catastrophic backtracking: the normaliser, every flag pattern, the money parser and contact
extraction finish on adversarial 1 MB inputs. A guard against exponential or quadratic blow-ups
(each input takes a few seconds), not a speed benchmark."""

import signal
from contextlib import contextmanager

import pytest

from jobscan import flags
from jobscan.contacts import find_contacts
from jobscan.featurize import prepare

MB = 1_000_000
LIMIT_S = 30


def _repeat(unit: str) -> str:
    return unit * (MB // len(unit))


def _all_literals() -> str:
    """Every prefilter literal of every flag pattern: each pattern runs over the whole input."""
    lits, _, _ = flags._prefilter()
    return _repeat(" ".join(lits.literals) + " ")


INPUTS = {
    "one letter": lambda: _repeat("a"),
    "digits and separators": lambda: _repeat("1 2 3 "),
    "digits": lambda: _repeat("0812"),
    "at signs": lambda: _repeat("@"),
    "spaced letters": lambda: _repeat("g a j i "),
    "a pattern's own prefix": lambda: _repeat("gaji "),
    "emoji": lambda: _repeat("🔥💰"),
    "thai and chinese": lambda: _repeat("เงินเดือนสูง高薪月入过万"),
    "dotted letters": lambda: _repeat("a."),  # was quadratic in the email and URL patterns
    "every pattern's literal": _all_literals,
}


@contextmanager
def time_limit(seconds: int, what: str):
    def on_alarm(signum, frame):
        raise TimeoutError(f"{what} took more than {seconds} s: catastrophic backtracking?")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("name", list(INPUTS))
def test_1mb_adversarial_input_finishes(name):
    text = INPUTS[name]()
    assert len(text) > 0.9 * MB
    with time_limit(LIMIT_S, name):
        doc = prepare(text)
        find_contacts(text)
    assert len(doc.norm.starts) == len(doc.norm.text)


def test_every_flag_pattern_on_its_own_literal_repeated():
    """Each pattern on 50 kB of its own required literal, with and without spaces."""
    with time_limit(LIMIT_S, "the flag patterns"):
        for flag in flags.catalogue():
            for pattern, gate in zip(flag.compiled, flag.gates):
                lit = gate[0] if gate else flag.id.lower()
                for unit in (lit + " ", lit):
                    text = unit * (50_000 // len(unit))
                    for _ in pattern.finditer(text):
                        pass
