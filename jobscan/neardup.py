"""Near-duplicate detection (the same post reposted with small edits): MinHash + LSH.

Texts are compared on normalised word 3-shingles with digits masked (a changed phone number or
salary does not hide a repost). 32 MinHash values are split into 8 bands of 4; posts sharing a
band are candidates, confirmed when their estimated Jaccard similarity reaches the threshold.

Signatures are computed a chunk of texts at a time with numpy: each distinct token is hashed once
(crc32, cached), a shingle's hash combines the hashes of its three words, and the 32 MinHash
functions are multiply-shift hashes of it (64-bit arithmetic, high 32 bits kept).

Only the first post of each cluster (its representative) is indexed; a cluster's id is that
post's row number, and a post joins the earliest similar representative. Representatives'
signatures live in SQLite (in memory for small jobs, in a file for scans, so a scan can be
resumed with its index), their band keys in memory (8 bytes each: 64 MB per million distinct
posts). Posts are added a chunk at a time: the chunk's band keys are looked up at once, one query
fetches the candidates' signatures, and numpy compares them all.
"""

from __future__ import annotations

import re
import sqlite3
import struct
import zlib
from itertools import chain, islice
from operator import eq
from typing import Iterable, Sequence

import numpy as np

from .normalize import normalize_text

N_HASHES = 32
BANDS = 8
ROWS = N_HASHES // BANDS
SIG_BYTES = 4 * N_HASHES
EMPTY = b""
_rng = np.random.default_rng(1234567)
_A = _rng.integers(1, 1 << 63, size=(N_HASHES, 1), dtype=np.uint64) | np.uint64(1)  # odd multipliers
_B = _rng.integers(0, 1 << 63, size=(N_HASHES, 1), dtype=np.uint64)
_SHINGLE = _rng.integers(1, 1 << 63, size=3, dtype=np.uint64) | np.uint64(1)  # weights of a shingle's words
_BAND = _rng.integers(1, 1 << 63, size=ROWS + 1, dtype=np.uint64) | np.uint64(1)  # weights of a band's values
_HIGH = np.uint64(32)
# Texts are cut into tokens in UTF-8 (much faster than a regex on str): every ASCII byte other than
# a letter, a digit or "_" becomes a space, then the text is split on spaces. A token's words are
# its \w runs with digits masked ("0" for a run of digits), found once per distinct token: "mon–fri"
# holds two words, "•" none. So the words are those of `\w+` on the digit-masked text.
_WORD_BYTES = frozenset(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_") | frozenset(range(0x80, 0x100))
_SEPARATE = bytes(b if b in _WORD_BYTES else 0x20 for b in range(0x100))
_WORD = re.compile(r"\w+")
_DIGITS = re.compile(r"\d+")
_TEXTS_PER_PASS = 128  # texts hashed per numpy pass: bounds the work array (32 x shingles x 8 bytes, ~2 MB)


def _tokens(norm_text: str) -> list[bytes]:
    return norm_text.encode("utf-8", "surrogatepass").translate(_SEPARATE).split()


def _words_of(token: bytes) -> list[str]:
    return _WORD.findall(_DIGITS.sub("0", token.decode("utf-8", "surrogatepass")))


class _WordHashes(dict):
    """token -> the crc32 of each of its words, computed once per distinct token."""

    LIMIT = 200_000  # cleared when it grows past this (phone numbers, codes: tokens seen once)

    def __missing__(self, token: bytes) -> tuple[int, ...]:
        if len(self) >= self.LIMIT:
            self.clear()
        h = self[token] = tuple(zlib.crc32(w.encode("utf-8", "surrogatepass")) for w in _words_of(token))
        return h


_word_hashes_of = _WordHashes().__getitem__


def words(norm_text: str) -> list[str]:
    """The words of a normalised text, digits masked, as signatures see them."""
    return [w for token in _tokens(norm_text) for w in _words_of(token)]


def shingles(norm_text: str, k: int = 3) -> set[str]:
    """A text's word k-shingles as strings (to inspect; signatures hash the same shingles)."""
    w = words(norm_text)
    if len(w) < k:
        return {" ".join(w)} if w else set()
    return {" ".join(w[i:i + k]) for i in range(len(w) - k + 1)}


def signatures(norm_texts: Sequence[str]) -> list[bytes]:
    """The MinHash signatures of normalised texts, 128 bytes each (empty for a text without words)."""
    out = [EMPTY] * len(norm_texts)
    hashes: list[int] = []  # the word hashes of each text with words, followed by two zeros
    counts: list[int] = []  # the number of words of each text with words
    which: list[int] = []  # and its position in norm_texts
    for k, text in enumerate(norm_texts):
        before = len(hashes)
        hashes += chain.from_iterable(map(_word_hashes_of, _tokens(text)))
        if len(hashes) > before:
            counts.append(len(hashes) - before)
            which.append(k)
            hashes += (0, 0)
    if which:
        raw = _minhashes(np.array(hashes, dtype=np.uint64), np.array(counts, dtype=np.int64)).tobytes()
        for j, k in enumerate(which):
            out[k] = raw[j * SIG_BYTES:(j + 1) * SIG_BYTES]
    return out


def signature(norm_text: str) -> bytes:
    """The MinHash signature of one normalised text (see `signatures`, faster for many)."""
    return signatures([norm_text])[0]


def _minhashes(hashes: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """(texts, 32) uint32 MinHash values. `hashes` holds each text's word hashes then two zeros: a
    text of n words has max(n - 2, 1) shingles (a text of one or two words is padded with zeros)."""
    every = (hashes[:-2] * _SHINGLE[0] + hashes[1:-1] * _SHINGLE[1] + hashes[2:] * _SHINGLE[2]) >> _HIGH
    n_shingles = np.maximum(counts - 2, 1)
    first = np.concatenate(([0], np.cumsum(n_shingles)))  # each text's first shingle in `shingle`
    offset = np.concatenate(([0], np.cumsum(counts + 2)[:-1])) - first[:-1]  # ... minus its place in `every`
    shingle = every[np.arange(first[-1]) + np.repeat(offset, n_shingles)]
    out = np.empty((len(counts), N_HASHES), dtype=np.uint32)
    passes = list(range(0, len(counts), _TEXTS_PER_PASS)) + [len(counts)]
    work = np.empty((N_HASHES, int(np.diff(first[passes]).max())), dtype=np.uint64)  # reused: no page faults
    for a, b in zip(passes, passes[1:]):
        h = work[:, :first[b] - first[a]]  # (32, shingles of texts a..b)
        np.multiply(_A, shingle[first[a]:first[b]], out=h)
        h += _B
        h >>= _HIGH
        out[a:b] = np.minimum.reduceat(h, first[a:b] - first[a], axis=1).T
    return out


_values = struct.Struct(f"{N_HASHES}I").unpack  # a signature's MinHash values


def similarity(a: bytes, b: bytes) -> float:
    """The estimated Jaccard similarity of two signatures (the share of equal MinHash values)."""
    if not a or not b:
        return 0.0
    return sum(map(eq, _values(a), _values(b))) / N_HASHES


def _values_of(sigs: Sequence[bytes]) -> np.ndarray:
    """(signatures, 32) uint32 MinHash values of non-empty signatures."""
    return np.frombuffer(b"".join(sigs), dtype=np.uint32).reshape(len(sigs), N_HASHES)


def band_keys(values: np.ndarray) -> np.ndarray:
    """(signatures, 8) uint32 LSH keys from (signatures, 32) MinHash values: a hash of each band's
    4 values and its number. Two bands may share a key by chance: candidates are confirmed."""
    keys = (values.reshape(len(values), BANDS, ROWS).astype(np.uint64) * _BAND[:ROWS]).sum(axis=2)
    keys += np.arange(BANDS, dtype=np.uint64) * _BAND[ROWS]
    return (keys >> _HIGH).astype(np.uint32)


def _ranges(start: np.ndarray, count: np.ndarray) -> np.ndarray:
    """The indices start[0] .. start[0] + count[0] - 1, then those of the second range, and so on."""
    return np.repeat(start - np.cumsum(count) + count, count) + np.arange(count.sum())


_LOW = np.uint64(0xFFFFFFFF)


class _Bands:
    """Band key -> representatives, in memory (8 bytes per band of a representative: 64 MB for a
    million distinct posts). Entries are `key << 32 | representative` in sorted runs, merged like a
    binary counter (a run is merged into the one before when that one is at most twice as long):
    adding is cheap, there are few runs to search, and entries come out in row order per key."""

    def __init__(self) -> None:
        self.runs: list[np.ndarray] = []

    def add(self, keys: np.ndarray, reps: np.ndarray) -> None:
        """Index representatives `reps` under their `keys` (one row of keys per representative)."""
        entries = (keys.astype(np.uint64) << _HIGH) | reps.astype(np.uint64)[:, None]
        self.runs.append(np.sort(entries, axis=None))
        while len(self.runs) > 1 and len(self.runs[-2]) <= 2 * len(self.runs[-1]):
            merged = np.concatenate((self.runs[-2], self.runs.pop()))
            merged.sort(kind="stable")  # in place; timsort merges the two sorted runs in one pass
            self.runs[-1] = merged

    def find(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(key, representative) arrays of the entries under `keys` (sorted, unique), sorted."""
        low = keys.astype(np.uint64) << _HIGH
        found = []
        for run in self.runs:
            start = np.searchsorted(run, low)
            count = np.zeros(len(keys), dtype=np.int64)  # entries under each key: step over them
            active = np.arange(len(keys))  # (cheaper than a second binary search in a large run)
            while len(active):
                at = start[active] + count[active]
                inside = at < len(run)
                active = active[inside][(run[at[inside]] >> _HIGH) == keys[active[inside]]]
                count[active] += 1
            if count.any():
                found.append(run[_ranges(start, count)])
        hits = np.sort(np.concatenate(found)) if found else np.zeros(0, dtype=np.uint64)
        return (hits >> _HIGH).astype(np.uint32), (hits & _LOW).astype(np.int64)

    def forget_from(self, row: int) -> None:
        self.runs = [kept for run in self.runs if len(kept := run[(run & _LOW) < row])]


class ClusterIndex:
    """Representatives' signatures in SQLite (appended in row order, read back by row), their band
    keys in memory (`_Bands`, rebuilt from the signatures when an index is reopened to resume a
    scan). A post joins the earliest representative that shares a band with it (among the first
    `max_candidates` of each band) and is similar enough; else it is a new representative."""

    _QUERY_ROWS = 4000  # representatives per SELECT (SQLite allows 32,766 parameters)
    _CACHED = 100_000  # signatures of recent representatives also kept in memory (about 20 MB)

    def __init__(self, path: str = ":memory:", threshold: float = 0.7, max_candidates: int = 20):
        self.threshold = threshold
        self.max_candidates = max_candidates
        self.db = sqlite3.connect(path)
        self.db.execute("PRAGMA journal_mode=OFF" if path == ":memory:" else "PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute("PRAGMA cache_size=-32000")  # at most ~32 MB of page cache
        self.db.execute("CREATE TABLE IF NOT EXISTS reps (row INTEGER PRIMARY KEY, sig BLOB)")
        self.bands = _Bands()
        self._cache: dict[int, bytes] = {}  # representative -> signature, for the most recent ones
        cursor = self.db.execute("SELECT row, sig FROM reps ORDER BY row")
        for batch in iter(lambda: cursor.fetchmany(100_000), []):
            rows, sigs = zip(*batch)
            self.bands.add(band_keys(_values_of(sigs)), np.array(rows))

    def add(self, row: int, sig: bytes) -> int:
        """Cluster id for post number `row` (an earlier representative's row, or `row` itself)."""
        return self.add_many([row], [sig])[0]

    def add_many(self, rows: Sequence[int], sigs: Sequence[bytes]) -> list[int]:
        """Cluster ids for posts numbered `rows` (increasing), the same as adding them one by one:
        first all at once against the index, then in order against each other where they share a band."""
        out = list(rows)
        todo = [i for i, sig in enumerate(sigs) if sig]
        if not todo:
            return out
        values = _values_of([sigs[i] for i in todo])
        keys = band_keys(values)
        numbers = np.array([out[i] for i in todo], dtype=np.int64)
        unique, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
        cluster = self._indexed_matches(keys, unique, values)
        shares = (counts > 1)[inverse].reshape(keys.shape).any(axis=1)  # a band with another post of the batch
        self._matches_within(keys, values, numbers, cluster, shares & (cluster < 0))
        new = cluster < 0
        cluster[new] = numbers[new]
        for j, i in enumerate(todo):
            out[i] = int(cluster[j])
        reps = [(out[todo[j]], sigs[todo[j]]) for j in np.flatnonzero(new).tolist()]
        self.db.executemany("INSERT OR REPLACE INTO reps VALUES (?, ?)", reps)
        self._remember(reps)
        self.bands.add(keys[new], numbers[new])
        return out

    def _indexed_matches(self, keys: np.ndarray, unique_keys: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Per post: the earliest indexed representative that shares a band with it and is similar
        enough, or -1."""
        match = np.full(len(keys), -1, dtype=np.int64)
        hit_keys, hit_reps = self.bands.find(unique_keys)
        rank = np.arange(len(hit_keys)) - np.searchsorted(hit_keys, hit_keys)  # in row order under a key
        hit_keys, hit_reps = hit_keys[rank < self.max_candidates], hit_reps[rank < self.max_candidates]
        if not len(hit_reps):
            return match
        # (post, representative) pairs sharing a band, each once, sorted
        flat = keys.ravel()
        start = np.searchsorted(hit_keys, flat)
        count = np.searchsorted(hit_keys, flat, side="right") - start
        pairs = np.unique((np.repeat(np.arange(len(flat)) // BANDS, count) << 32) | hit_reps[_ranges(start, count)])
        post, rep = pairs >> 32, pairs & 0xFFFFFFFF
        reps = np.unique(rep)
        similar = (values[post] == self._stored(reps)[np.searchsorted(reps, rep)]).sum(axis=1) >= self.threshold * N_HASHES
        post, rep = post[similar], rep[similar]
        first = np.flatnonzero(np.diff(post, prepend=-1))  # pairs are sorted: a post's earliest representative
        match[post[first]] = rep[first]
        return match

    def _stored(self, reps: np.ndarray) -> np.ndarray:
        """The (reps, 32) MinHash values of representatives `reps`, from the cache or the database."""
        wanted = reps.tolist()
        missing = [r for r in wanted if r not in self._cache]
        for i in range(0, len(missing), self._QUERY_ROWS):
            batch = missing[i:i + self._QUERY_ROWS]
            self._cache.update(self.db.execute(f"SELECT row, sig FROM reps WHERE row IN ({','.join('?' * len(batch))})", batch))
        values = _values_of([self._cache[r] for r in wanted])
        self._remember(())
        return values

    def _remember(self, reps: Iterable[tuple[int, bytes]]) -> None:
        """Cache representatives' signatures; past _CACHED, forget the oldest half."""
        self._cache.update(reps)
        if len(self._cache) > self._CACHED:
            for r in list(islice(self._cache, len(self._cache) - self._CACHED // 2)):
                del self._cache[r]

    def _matches_within(self, keys: np.ndarray, values: np.ndarray, numbers: np.ndarray, cluster: np.ndarray,
                        shares: np.ndarray) -> None:
        """Posts that share a band with another post of the batch (`shares`, those with no indexed
        match): in order, each joins the earliest similar new representative of the batch (sets
        `cluster`), or is one."""
        enough = self.threshold * N_HASHES
        reps: dict[int, list[tuple[int, tuple[int, ...]]]] = {}  # band key -> [(new representative, values)]
        for j in np.flatnonzero(shares).tolist():
            mine = tuple(values[j].tolist())
            ks = keys[j].tolist()
            similar = [rep for k in ks for rep, theirs in reps.get(k, ())[:self.max_candidates]
                       if sum(map(eq, mine, theirs)) >= enough]
            if similar:
                cluster[j] = min(similar)
                continue
            for k in ks:
                reps.setdefault(k, []).append((int(numbers[j]), mine))

    def forget_from(self, row: int) -> None:
        """Drop representatives numbered `row` or later (used when resuming a scan)."""
        self.db.execute("DELETE FROM reps WHERE row >= ?", (row,))
        self.db.commit()
        self.bands.forget_from(row)
        self._cache = {r: sig for r, sig in self._cache.items() if r < row}

    def commit(self) -> None:
        self.db.commit()

    def close(self) -> None:
        self.db.commit()
        self.db.close()


def clusters(texts: list[str], threshold: float = 0.7) -> list[int]:
    idx = ClusterIndex(threshold=threshold)
    out = idx.add_many(range(len(texts)), signatures([normalize_text(t) for t in texts]))
    idx.close()
    return out
