"""The offset map's shortcuts give exactly what the plain way gives (hypothesis and the corpus):
spans looked up character by character through the history (`_Points`) are the spans of the
whole map, `_Moved.at` is its map, `_graphemes_offsets` (cached, runs taken whole) and
`_replaced` on a map of one run are the per-character ways, and every map made from a history
has starts and ends that never decrease (what `_Points` relies on)."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobscan import normalize as N

from .conftest import TRAIN
from .test_normalize_fast import PIECES, TEXT

SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CORPUS = [json.loads(x)["text"] for x in TRAIN.read_text(encoding="utf-8").splitlines() if x.strip()]
# Text for _replaced and _Points: several steps of replacements (contacts, spaced letters, l33t,
# repeats, whitespace) with non-ASCII stretches that move (emoji, "…", marks) between them.
STEPS_TEXT = st.lists(st.sampled_from(PIECES + ["✈️", "…", "ﬁ", "👉🏽", "ร\u200bี", "e\u0301", "🚩", " "]),
                      max_size=40).map("".join)


def _plain_pairs(history):
    """The map the plain way: one (start, end) per character, step by step."""
    base = history[0]
    if isinstance(base, int):
        starts, ends = list(range(base)), list(range(1, base + 1))
    else:
        offs = base if isinstance(base, N._Offsets) else base()
        if isinstance(offs, N._Moved):
            offs = _plain_moved(offs)
        starts, ends = map(list, offs.pairs())
    for repls in history[1:]:
        new_s, new_e, last = [], [], 0
        for start, end, r in repls:
            new_s += starts[last:start]
            new_e += ends[last:start]
            if isinstance(r, N._Aligned):
                assert len(r.source) == len(r)
                new_s += [starts[start + k] for k in r.source]
                new_e += [ends[start + k] for k in r.source]
            else:
                new_s += [starts[start]] * len(r)
                new_e += [ends[end - 1]] * len(r)
            last = end
        starts, ends = new_s + starts[last:], new_e + ends[last:]
    return starts, ends


def _plain_graphemes_offsets(text, several):
    """_graphemes_offsets as it was: every single character added on its own."""
    offs = N._Offsets()
    done = 0
    for i, j in [*several, (len(text), len(text))]:
        if done < i:
            part = text[done:i]
            if not part.translate(N._NOT_ONE):
                offs.add(i - done, done, done + 1, 1)
            else:
                for k, c in enumerate(part, done):
                    offs.add(len(N._ALONE[ord(c)]), k, k + 1, 0)
        offs.add(len(N._norm_grapheme(text[i:j])) if i < j else 0, i, j, 0)
        done = j
    return offs


def _plain_moved(moved):
    """_Moved.offsets the plain way: character by character."""
    starts, ends = [], []
    done = 0
    for k, several in moved.moved:
        a = sum(map(len, moved.parts[:2 * k + 1]))
        starts += range(done, a)
        ends += range(done + 1, a + 1)
        s, e = _plain_graphemes_offsets(moved.parts[2 * k + 1], several).pairs()
        starts += [x + a for x in s]
        ends += [x + a for x in e]
        done = a + len(moved.parts[2 * k + 1])
    total = sum(map(len, moved.parts))
    starts += range(done, total)
    ends += range(done + 1, total + 1)
    offs = N._Offsets.of_pairs(starts, ends)
    return offs


def _outcome(f, *args):
    """f(*args), or the type of what it raised (odd arguments raise as they did)."""
    try:
        return f(*args)
    except Exception as exc:  # noqa: BLE001
        return type(exc)


def _check_spans(text):
    """Every span of a fresh Normalized (looked up through its history) equals the span of its
    whole map and the plain per-character answer."""
    norm = N.normalize(text)
    full = N.normalize(text)
    full._map()
    starts, ends = full.starts, full.ends
    n = len(norm.text)
    assert type(norm._source) is list or n == 0
    pairs = [(x, y) for x in range(n) for y in range(x + 1, min(n, x + 12) + 1)]
    pairs += [(x, n) for x in range(0, n, 5)] + [(0, y) for y in range(1, n + 1, 7)]
    pairs += [(n + 3, n + 9), (4, 2), (0, 10 * n + 1)]
    for x, y in pairs + [(-3, -1), (-1, 0)]:  # (counted from the end: from the whole map, as before)
        if (x, y) == (-3, -1):
            assert type(norm._source) is list or n == 0  # spans alone never built the whole map
        got = _outcome(norm.span, x, y)
        assert got == _outcome(full.span, x, y), (text, x, y)
        if 0 <= x < y <= n:
            assert got == (starts[x], max(ends[x:y])), (text, x, y)


@SETTINGS
@given(TEXT)
def test_spans_through_the_history_are_the_maps(text):
    _check_spans(text)


@SETTINGS
@given(STEPS_TEXT)
def test_spans_through_the_history_are_the_maps_with_several_steps(text):
    _check_spans(text)


def test_spans_through_the_history_on_the_corpus():
    for text in CORPUS[::7]:
        _check_spans(text)


@SETTINGS
@given(st.one_of(TEXT, STEPS_TEXT))
def test_history_maps_never_go_back(text):
    """Starts and ends never decrease along a history-made map (why a span's end is the end of its
    last character), and the runs-based map is the plain one."""
    s, history, _ = N._unicode_pass(text)
    for _ in range(3):
        s, _, _ = N._rewrites(s, history, True)
    starts, ends = N._offsets(history).pairs()
    assert all(a <= b for a, b in zip(starts, starts[1:]))
    assert all(a <= b for a, b in zip(ends, ends[1:]))
    assert (list(starts), list(ends)) == _plain_pairs(history)


@SETTINGS
@given(TEXT)
def test_moved_at_is_its_map(text):
    _, history, _ = N._unicode_pass(text)
    base = history[0]
    if isinstance(base, (int, N._Offsets)):
        return
    moved = base()
    assert isinstance(moved, N._Moved)
    offs = moved.offsets()
    assert offs.pairs() == _plain_moved(moved).pairs()
    for k in range(offs.n):
        assert moved.at(k) == offs.at(k)


@SETTINGS
@given(TEXT)
def test_graphemes_offsets_are_the_per_character_way(text):
    several = N._several(text.translate(N._KIND))
    want = _plain_graphemes_offsets(text, several)
    for _ in range(2):  # made, then from the cache
        got = N._graphemes_offsets(text, several)
        assert (got.pos, got.runs, got.n) == (want.pos, want.runs, want.n)
    assert N._graphemes_offsets_made(text, several).runs == want.runs


@SETTINGS
@given(STEPS_TEXT, st.integers(0, 5), st.integers(1, 3), st.sampled_from([0, 1]))
def test_replaced_on_one_run_is_the_general_way(text, a, width, step):
    """_replaced on a map of one run (a, a + width, step) equals copying run by run."""
    s, history, _ = N._unicode_pass(text)
    s, _, _ = N._rewrites(s, history, True)
    if len(history) < 2:
        return
    one = N._Offsets()
    one.add(len(text) * 3 + 10, a, a + width, step)
    repls = history[1]
    got = N._replaced(one, repls)
    general = N._Offsets()  # the general loop, forced by a map of two runs that are one
    general.add(1, a, a + width, step)
    general.pos.append(1)
    general.runs.append((a + step, a + width + step, step))
    general.n = one.n
    want = N._replaced(general, repls)
    assert got.pairs() == want.pairs()
