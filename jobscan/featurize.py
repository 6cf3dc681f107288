"""Featurisation: the one code path that turns ads into the model's feature matrix.

Used by training (through `jobscan.features.JobscanFeatures`, a scikit-learn transformer) and by
scoring. It needs only numpy (scipy for the training matrix), so the fast scorer runs without
importing scikit-learn.

An ad is first *prepared* once (normalised, flags matched, pay parsed); the prepared ad feeds
both the feature matrix and the explanation, so no work is done twice.

Feature blocks, left to right:
  words  word 1-2-grams of the normalised text, hashed into 2**word_bits columns
  chars  character 2-4-grams inside word boundaries (handles Thai, Chinese, Khmer, Burmese
         and obfuscation), hashed into 2**char_bits columns
  flags  one column per catalogue flag, 1 when it fires
  pay    one-hot bucket of the parsed monthly pay in USD

Word and character n-grams are counted, and each block is divided by the square root of its
number of n-grams (so long and short ads weigh alike) and multiplied by the block's weight.

Why hashing: the n-grams of a whole chunk of ads are hashed at once with numpy (a polynomial
rolling hash over the code points, see `_Grams`), so scoring costs a few microseconds per ad
instead of a Python loop over every n-gram. Buckets seen in fewer than `min_df` training ads
are dropped (`kept` mask), like a vocabulary's minimum document frequency.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from . import flags as flagmod
from . import money
from .normalize import Normalized, normalize

WORD = re.compile(r"\w+|\?")  # "?" is a token: questions quoting an ad are not ads
PAY_BUCKETS = tuple(name for name, _ in money.BUCKETS)
MAX_CHUNK_CHARS = 1 << 16  # code points hashed in one numpy pass (small enough to stay in cache)


@dataclass(frozen=True)
class Prepared:
    original: str
    norm: Normalized
    hits: tuple[flagmod.Hit, ...]
    usd_month: float | None


def prepare(text: str) -> Prepared:
    norm = normalize(text)
    found = money.amounts(norm.text)
    hits = tuple(flagmod.match(norm, text, found))
    return Prepared(text, norm, hits, money.monthly_usd(norm.text, found))


@dataclass(frozen=True)
class FeatureSpace:
    """The featuriser's settings; with the `kept` mask of a fitted model, its whole state."""

    word_ngram: tuple[int, int] = (1, 2)
    char_ngram: tuple[int, int] = (2, 4)
    word_bits: int = 20
    char_bits: int = 20
    flag_ids: tuple[str, ...] = ()
    # words, chars, flags, pay; optionally a fifth, for context flags (kind "context"), else the flags'
    weights: tuple[float, ...] = (1.0, 1.0, 0.5, 0.5)

    @property
    def n_features(self) -> int:
        return (1 << self.word_bits) + (1 << self.char_bits) + len(self.flag_ids) + len(PAY_BUCKETS)

    @cached_property
    def flag_position(self) -> dict[str, int]:
        return {fid: k for k, fid in enumerate(self.flag_ids)}

    def flag_weight(self, kind: str) -> float:
        """The value a fired flag's column holds. Context flags can weigh less than risk flags: the
        L2 penalty then holds back how far one of them (a "?" in an ad's FAQ, a "don't worry, it is
        not a scam") can outweigh every red flag of the ad."""
        return self.weights[4] if kind == "context" and len(self.weights) > 4 else self.weights[2]

    def offsets(self) -> tuple[int, int, int, int]:
        c = 1 << self.word_bits
        f = c + (1 << self.char_bits)
        return 0, c, f, f + len(self.flag_ids)


# ---------------------------------------------------------------- hashing
_P = 0x100000001B3  # odd, so invertible modulo 2**64
_P_INV = pow(_P, -1, 1 << 64)
_P_U = np.uint64(_P)
_MIX = np.uint64(0x9E3779B97F4A7C15)
# One salt per kind of n-gram, so that the word "ab" and the character bigram "ab" differ.
_SALT = {("w", 1): 0x51ED270B27E0F3A1, ("w", 2): 0x2545F4914F6CDD1D, ("c", 2): 0x94D049BB133111EB,
         ("c", 3): 0xBF58476D1CE4E5B9, ("c", 4): 0xD6E8FEB86659FD93, ("c", 5): 0xA0761D6478BD642F}
_POW: list[np.ndarray] = [np.ones(1, dtype=np.uint64), np.ones(1, dtype=np.uint64)]


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """P**i and P**-i modulo 2**64 for i < n (cached, grown by doubling)."""
    if len(_POW[0]) < n:
        size = max(n, 2 * len(_POW[0]))
        with np.errstate(over="ignore"):
            for k, base in enumerate((_P, _P_INV)):
                arr = np.full(size, base, dtype=np.uint64)
                arr[0] = 1
                _POW[k] = np.cumprod(arr, dtype=np.uint64)
    return _POW[0], _POW[1]


def _bucket(h: np.ndarray, kind: tuple[str, int], bits: int) -> np.ndarray:
    with np.errstate(over="ignore"):
        x = h + np.uint64(_SALT[kind])
        x ^= x >> np.uint64(31)
        x *= _MIX
        return (x >> np.uint64(64 - bits)).astype(np.int64)


def token_string(norm_text: str) -> str:
    """The ad's tokens, one space between them and one at each end: the input of hashing."""
    return " " + " ".join(WORD.findall(norm_text)) + " "


@dataclass
class Grams:
    """Every hashed n-gram of a batch of ads, one entry per occurrence.

    `doc` is the ad's index in the batch, `bucket` the column inside the block; for explanations
    only, `token` the index (inside its ad) of the token it belongs to and `span` 1 or 2 tokens."""

    doc: np.ndarray
    bucket: np.ndarray
    token: np.ndarray | None
    span: np.ndarray | None


def grams(space: FeatureSpace, token_strings: list[str], with_tokens: bool = False) -> tuple[Grams, Grams, np.ndarray]:
    """Word and character n-grams of ads given as `token_string`s; plus each ad's token count.
    `Grams.token` is filled only `with_tokens` (the explanation needs it, scoring does not)."""
    n_docs = len(token_strings)
    lens = np.fromiter(map(len, token_strings), dtype=np.int64, count=n_docs)
    c = np.frombuffer("".join(token_strings).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    n = len(c)
    pw, ipw = _powers(n + 1)
    with np.errstate(over="ignore"):
        prefix = np.zeros(n + 1, dtype=np.uint64)
        np.cumsum(c * pw[:n], out=prefix[1:])

        def substring_hash(a: np.ndarray, b: np.ndarray) -> np.ndarray:
            return (prefix[b] - prefix[a]) * ipw[a]

        doc_of = np.repeat(np.arange(n_docs, dtype=np.int64), lens)
        is_space = c == 32
        spaces = np.flatnonzero(is_space)
        # tokens: runs between two spaces (ads are joined back to back, so an ad boundary is "  ")
        gap = np.diff(spaces)
        real = gap > 1
        t_start = spaces[:-1][real] + 1
        t_end = spaces[1:][real]
        t_doc = doc_of[t_start]
        tokens_per_doc = np.bincount(t_doc, minlength=n_docs)
        if with_tokens:
            doc_first = np.searchsorted(t_doc, np.arange(n_docs))
            t_index = np.arange(len(t_start)) - doc_first[t_doc]
        else:
            t_index = None

        w_parts: list[tuple[np.ndarray, ...]] = []
        lo, hi = space.word_ngram
        for k in range(lo, hi + 1):
            if k > 2:
                raise ValueError("word n-grams longer than 2 are not supported")
            if k == 1:
                w_parts.append((t_doc, _bucket(substring_hash(t_start, t_end), ("w", 1), space.word_bits),
                                t_index, np.ones(len(t_start), dtype=np.int64) if with_tokens else None))
            else:
                adjacent = t_end[:-1] + 1 == t_start[1:]  # same ad (one space between)
                a, b = t_start[:-1][adjacent], t_end[1:][adjacent]
                w_parts.append((t_doc[:-1][adjacent], _bucket(substring_hash(a, b), ("w", 2), space.word_bits),
                                t_index[:-1][adjacent] if with_tokens else None,
                                np.full(len(a), 2, dtype=np.int64) if with_tokens else None))

        # Character n-grams, Horner form: h_k[i] = h_(k-1)[i] * P + c[i+k-1]. An n-gram counts when no
        # space lies strictly inside it (and a bigram is not two spaces), so none crosses a word or an ad.
        c_parts: list[tuple[np.ndarray, ...]] = []
        clo, chi = space.char_ngram
        if chi > 5:
            raise ValueError("character n-grams longer than 5 are not supported")
        h = c
        inside = np.zeros(n, dtype=bool)  # a space strictly inside the n-gram starting here
        for k in range(2, chi + 1):
            m = n - k + 1
            if m <= 0:
                break
            h = h[:m] * _P_U + c[k - 1:]
            inside = inside[:m] | is_space[k - 2:k - 2 + m] if k >= 3 else inside[:m]
            if k < clo:
                continue
            i = np.flatnonzero(~(is_space[:m] & is_space[1:m + 1]) if k == 2 else ~inside)
            doc = doc_of[i]
            tok = span = None
            if with_tokens:
                inner = i + is_space[i].astype(np.int64)  # first character that is not a space
                tok = np.searchsorted(t_start, inner, side="right") - 1 - doc_first[doc]
                span = np.ones(len(i), dtype=np.int64)
            c_parts.append((doc, _bucket(h[i], ("c", k), space.char_bits), tok, span))

    def join(parts) -> Grams:
        if not parts:
            empty = np.zeros(0, dtype=np.int64)
            return Grams(empty, empty, empty if with_tokens else None, empty if with_tokens else None)
        return Grams(*(np.concatenate(col) if col[0] is not None else None for col in zip(*parts)))

    return join(w_parts), join(c_parts), tokens_per_doc


def _batches(docs: list[Prepared]):
    """Slices of docs whose token strings hold at most MAX_CHUNK_CHARS code points together."""
    strings = [token_string(d.norm.text) for d in docs]
    start, total = 0, 0
    for k, s in enumerate(strings):
        if total and total + len(s) > MAX_CHUNK_CHARS:
            yield start, strings[start:k]
            start, total = k, 0
        total += len(s)
    if start < len(strings) or not strings:
        yield start, strings[start:]


def block_scale(g: Grams, n_docs: int, weight: float) -> np.ndarray:
    """Each ad's value per n-gram occurrence in a block: weight / sqrt(number of n-grams)."""
    count = np.bincount(g.doc, minlength=n_docs).astype(np.float64)
    return weight / np.sqrt(np.maximum(count, 1.0))


def fixed_columns(space: FeatureSpace, doc: Prepared) -> tuple[list[int], list[float]]:
    """Flag and pay columns of one ad (columns are distinct)."""
    _, _, o_flags, o_pay = space.offsets()
    w_pay = space.weights[3]
    position = space.flag_position
    cols: list[int] = []
    vals: list[float] = []
    for h in doc.hits:
        k = position.get(h.flag.id)
        if k is not None and o_flags + k not in cols:
            cols.append(o_flags + k)
            vals.append(space.flag_weight(h.flag.kind))
    cols.append(o_pay + PAY_BUCKETS.index(money.bucket(doc.usd_month)))
    vals.append(w_pay)
    return cols, vals


def transform(space: FeatureSpace, docs: list[Prepared], kept: np.ndarray | None = None):
    """The feature matrix (scipy CSR) of many ads. `kept`: columns to keep (others are zero)."""
    import scipy.sparse as sp

    o_words, o_chars, _, _ = space.offsets()
    rows, cols, vals = [], [], []
    for first, strings in _batches(docs):
        words, chars, _ = grams(space, strings)
        for g, offset, weight in ((words, o_words, space.weights[0]), (chars, o_chars, space.weights[1])):
            scale = block_scale(g, len(strings), weight)
            rows.append(g.doc + first)
            cols.append(g.bucket + offset)
            vals.append(scale[g.doc])
    for r, d in enumerate(docs):
        c, v = fixed_columns(space, d)
        rows.append(np.full(len(c), r, dtype=np.int64))
        cols.append(np.asarray(c, dtype=np.int64))
        vals.append(np.asarray(v, dtype=np.float64))
    r, c, v = (np.concatenate(x) for x in (rows, cols, vals))
    if kept is not None:
        keep = kept[c]
        r, c, v = r[keep], c[keep], v[keep]
    m = sp.coo_matrix((v, (r, c)), shape=(len(docs), space.n_features)).tocsr()
    m.sum_duplicates()
    return m


def document_frequency(space: FeatureSpace, docs: list[Prepared]) -> np.ndarray:
    """For every word and character column, the number of ads it occurs in."""
    o_words, o_chars, o_flags, _ = space.offsets()
    df = np.zeros(o_flags, dtype=np.int64)
    for first, strings in _batches(docs):
        words, chars, _ = grams(space, strings)
        for g, offset in ((words, o_words), (chars, o_chars)):
            pairs = np.unique((g.doc << np.int64(32)) | (g.bucket + offset))
            df += np.bincount(pairs & np.int64(0xFFFFFFFF), minlength=o_flags)
    return df


def decisions(space: FeatureSpace, coef: np.ndarray, intercept: float, docs: list[Prepared]) -> np.ndarray:
    """The linear model's decision value for each ad (coef: one weight per feature column)."""
    o_words, o_chars, o_flags, _ = space.offsets()
    out = np.full(len(docs), float(intercept))
    for first, strings in _batches(docs):
        words, chars, _ = grams(space, strings)
        k = len(strings)
        for g, block, weight in ((words, coef[o_words:o_chars], space.weights[0]),
                                 (chars, coef[o_chars:o_flags], space.weights[1])):
            sums = np.bincount(g.doc, weights=block.take(g.bucket), minlength=k)
            out[first:first + k] += sums * block_scale(g, k, weight)
    rows, cols, vals = [], [], []
    for r, d in enumerate(docs):
        c, v = fixed_columns(space, d)
        rows += [r] * len(c)
        cols += c
        vals += v
    out += np.bincount(rows, weights=coef[cols] * vals, minlength=len(docs)) if rows else 0.0
    return out


def token_contributions(space: FeatureSpace, coef: np.ndarray, doc: Prepared) -> np.ndarray:
    """Each token's share of the decision value: word n-grams split over their tokens, character
    n-grams given to the token they lie in."""
    o_words, o_chars, _, _ = space.offsets()
    words, chars, n_tokens = grams(space, [token_string(doc.norm.text)], with_tokens=True)
    per_token = np.zeros(int(n_tokens[0]) + 1)
    for g, offset, weight in ((words, o_words, space.weights[0]), (chars, o_chars, space.weights[1])):
        c = coef[g.bucket + offset] * block_scale(g, 1, weight)[0] / g.span
        for extra in range(int(g.span.max()) if len(g.span) else 0):
            part = g.span > extra
            per_token += np.bincount(g.token[part] + extra, weights=c[part], minlength=len(per_token))
    return per_token[:-1]


def feature_names(space: FeatureSpace) -> list[str]:
    o_words, o_chars, o_flags, o_pay = space.offsets()
    names = [f"word:#{j}" for j in range(o_chars - o_words)] + [f"char:#{j}" for j in range(o_flags - o_chars)]
    names += ["flag:" + fid for fid in space.flag_ids]
    names += ["pay:" + b for b in PAY_BUCKETS]
    return names
