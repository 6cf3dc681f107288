"""Near-duplicate detection (the same post reposted with small edits): MinHash + LSH + union-find.

Texts are compared on normalised word 3-shingles with digits masked (so a changed phone number
or salary does not hide a repost). Candidate pairs come from LSH bands and are confirmed by
their estimated Jaccard similarity.
"""

from __future__ import annotations

import re
import zlib
from collections import defaultdict

import numpy as np

from .normalize import normalize_text

N_HASHES = 64
BANDS = 16  # 16 bands x 4 rows: pairs with Jaccard >= ~0.6 become candidates with high probability
_PRIME = (1 << 61) - 1
_rng = np.random.RandomState(1234567)
_A = _rng.randint(1, 1 << 31, size=N_HASHES).astype(np.uint64)
_B = _rng.randint(0, 1 << 31, size=N_HASHES).astype(np.uint64)
_DIGITS = re.compile(r"\d+")
_WORD = re.compile(r"\w+")


def shingles(text: str, k: int = 3, normalized: bool = False) -> set[str]:
    norm = text if normalized else normalize_text(text)
    words = _WORD.findall(_DIGITS.sub("0", norm))
    if len(words) < k:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + k]) for i in range(len(words) - k + 1)}


def signature(sh: set[str]) -> np.ndarray:
    if not sh:
        return np.full(N_HASHES, np.iinfo(np.uint64).max, dtype=np.uint64)
    x = np.fromiter((zlib.crc32(s.encode("utf-8")) for s in sh), dtype=np.uint64, count=len(sh))
    # (a*x + b) mod 2^32-ish universal hashing, vectorised: shape (N_HASHES, len(sh))
    h = (_A[:, None] * x[None, :] + _B[:, None]) & np.uint64(0xFFFFFFFF)
    return h.min(axis=1)


class _UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


class ClusterIndex:
    """Incremental clustering: add texts one by one, get a cluster id for each.

    A cluster id is the index of the first member added, so ids follow input order and a post
    with no near-duplicate is its own cluster.
    """

    def __init__(self, threshold: float = 0.7):
        self.threshold = threshold
        self.rows_per_band = N_HASHES // BANDS
        self.buckets: list[dict[bytes, list[int]]] = [defaultdict(list) for _ in range(BANDS)]
        self.sigs: list[np.ndarray] = []
        self.uf = _UnionFind(0)

    def add(self, text: str, normalized: bool = False) -> int:
        sig = signature(shingles(text, normalized=normalized))
        i = len(self.sigs)
        self.sigs.append(sig)
        self.uf.parent.append(i)
        empty = bool(sig[0] == np.iinfo(np.uint64).max)
        if not empty:
            for b in range(BANDS):
                key = sig[b * self.rows_per_band:(b + 1) * self.rows_per_band].tobytes()
                bucket = self.buckets[b][key]
                for j in bucket[:50]:
                    if self.uf.find(i) != self.uf.find(j) and float(np.mean(self.sigs[j] == sig)) >= self.threshold:
                        self.uf.union(i, j)
                bucket.append(i)
        return self.uf.find(i)

    def cluster_of(self, i: int) -> int:
        return self.uf.find(i)


def clusters(texts: list[str], threshold: float = 0.7) -> list[int]:
    idx = ClusterIndex(threshold)
    for t in texts:
        idx.add(t)
    return [idx.cluster_of(i) for i in range(len(texts))]


def jaccard(a: str, b: str) -> float:
    sa, sb = shingles(a), shingles(b)
    if not sa and not sb:
        return 1.0
    return len(sa & sb) / len(sa | sb)
