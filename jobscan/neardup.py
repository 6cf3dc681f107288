"""Near-duplicate detection (the same post reposted with small edits): MinHash + LSH.

Texts are compared on normalised word 3-shingles with digits masked (a changed phone number or
salary does not hide a repost). 32 MinHash values are split into 8 bands of 4; posts sharing a
band are candidates, confirmed when their estimated Jaccard similarity reaches the threshold.

The index lives in SQLite (in memory for small jobs, in a file for scans), so memory stays flat
however many posts are scanned, and a scan can be resumed with its index. Only the first post
of each cluster (its representative) is indexed; a cluster's id is that post's row number.
"""

from __future__ import annotations

import re
import sqlite3
import zlib

import numpy as np

from .normalize import normalize_text

N_HASHES = 32
BANDS = 8
ROWS = N_HASHES // BANDS
_rng = np.random.RandomState(1234567)
_A = _rng.randint(1, 1 << 31, size=N_HASHES).astype(np.uint64)
_B = _rng.randint(0, 1 << 31, size=N_HASHES).astype(np.uint64)
_MASK = np.uint64(0xFFFFFFFF)
_DIGITS = re.compile(r"\d+")
_WORD = re.compile(r"\w+")
EMPTY = b""


def shingles(norm_text: str, k: int = 3) -> set[str]:
    words = _WORD.findall(_DIGITS.sub("0", norm_text))
    if len(words) < k:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + k]) for i in range(len(words) - k + 1)}


def signature(norm_text: str) -> bytes:
    """The MinHash signature of a normalised text, as 128 bytes (empty for an empty text)."""
    sh = shingles(norm_text)
    if not sh:
        return EMPTY
    x = np.fromiter((zlib.crc32(s.encode("utf-8")) for s in sh), dtype=np.uint64, count=len(sh))
    h = (_A[:, None] * x[None, :] + _B[:, None]) & _MASK
    return h.min(axis=1).astype(np.uint32).tobytes()


def similarity(a: bytes, b: bytes) -> float:
    if not a or not b:
        return 0.0
    return float(np.mean(np.frombuffer(a, dtype=np.uint32) == np.frombuffer(b, dtype=np.uint32)))


def _band_keys(sig: bytes) -> list[int]:
    step = ROWS * 4
    return [(zlib.crc32(sig[b * step:(b + 1) * step]) << 3) | b for b in range(BANDS)]


class ClusterIndex:
    def __init__(self, path: str = ":memory:", threshold: float = 0.7, max_candidates: int = 20):
        self.threshold = threshold
        self.max_candidates = max_candidates
        self.db = sqlite3.connect(path)
        self.db.execute("PRAGMA journal_mode=OFF" if path == ":memory:" else "PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute("PRAGMA cache_size=-32000")  # at most ~32 MB of page cache
        self.db.execute("CREATE TABLE IF NOT EXISTS reps (row INTEGER PRIMARY KEY, sig BLOB)")
        self.db.execute("CREATE TABLE IF NOT EXISTS bands (key INTEGER, rep INTEGER)")
        self.db.execute("CREATE INDEX IF NOT EXISTS bands_key ON bands (key)")

    def add(self, row: int, sig: bytes) -> int:
        """Cluster id for post number `row` (an earlier representative's row, or `row` itself)."""
        if not sig:
            return row
        keys = _band_keys(sig)
        seen: set[int] = set()
        for key in keys:
            for (rep,) in self.db.execute("SELECT rep FROM bands WHERE key = ? LIMIT ?", (key, self.max_candidates)):
                if rep in seen:
                    continue
                seen.add(rep)
                (other,) = self.db.execute("SELECT sig FROM reps WHERE row = ?", (rep,)).fetchone()
                if similarity(sig, other) >= self.threshold:
                    return rep
        self.db.execute("INSERT OR REPLACE INTO reps VALUES (?, ?)", (row, sig))
        self.db.executemany("INSERT INTO bands VALUES (?, ?)", [(k, row) for k in keys])
        return row

    def forget_from(self, row: int) -> None:
        """Drop representatives numbered `row` or later (used when resuming a scan)."""
        self.db.execute("DELETE FROM bands WHERE rep >= ?", (row,))
        self.db.execute("DELETE FROM reps WHERE row >= ?", (row,))
        self.db.commit()

    def commit(self) -> None:
        self.db.commit()

    def close(self) -> None:
        self.db.commit()
        self.db.close()


def clusters(texts: list[str], threshold: float = 0.7) -> list[int]:
    idx = ClusterIndex(threshold=threshold)
    out = [idx.add(i, signature(normalize_text(t))) for i, t in enumerate(texts)]
    idx.close()
    return out
