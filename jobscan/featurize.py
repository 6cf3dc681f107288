"""Featurisation: the one code path that turns ads into the model's feature matrix.

Used by training (through `jobscan.features.JobscanFeatures`, a scikit-learn transformer) and by
scoring. It needs only numpy and scipy, so the fast scorer can run without importing
scikit-learn.

An ad is first *prepared* once (normalised, flags matched, pay parsed); the prepared ad feeds
both the feature matrix and the explanation, so no work is done twice.

Feature blocks, left to right:
  words  word 1-2-grams of the normalised text, sublinear tf x idf, L2-normalised
  chars  character 2-4-grams inside word boundaries (handles Thai, Chinese, Khmer, Burmese
         and obfuscation), sublinear tf x idf, L2-normalised
  flags  one column per catalogue flag, 1 when it fires
  pay    one-hot bucket of the parsed monthly pay in USD
"""

from __future__ import annotations

import math
import re
from collections import Counter
from itertools import repeat
from dataclasses import dataclass

import numpy as np

from . import flags as flagmod
from . import money
from .normalize import Normalized, normalize

WORD = re.compile(r"\w+|\?")  # "?" is a token: questions quoting an ad are not ads
PAY_BUCKETS = tuple(name for name, _ in money.BUCKETS)


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


def word_terms(tokens: list[str], ngram: tuple[int, int]) -> list[str]:
    lo, hi = ngram
    out = list(tokens) if lo <= 1 else []
    for n in range(max(2, lo), hi + 1):
        out.extend(" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
    return out


def char_terms(tokens: list[str], ngram: tuple[int, int]) -> list[str]:
    lo, hi = ngram
    out: list[str] = []
    for tok in tokens:
        padded = f" {tok[:60]} "
        length = len(padded)
        for n in range(lo, hi + 1):
            if length < n:
                break
            out.extend([padded[i:i + n] for i in range(length - n + 1)])
    return out


@dataclass
class Vocabulary:
    """The fitted state of the featuriser: plain dicts and arrays (safe to persist)."""

    word_ngram: tuple[int, int]
    char_ngram: tuple[int, int]
    word_index: dict[str, int]
    char_index: dict[str, int]
    word_idf: np.ndarray
    char_idf: np.ndarray
    flag_ids: tuple[str, ...]
    weights: tuple[float, float, float, float]  # words, chars, flags, pay

    @property
    def flag_position(self) -> dict[str, int]:
        pos = self.__dict__.get("_flag_position")
        if pos is None:
            pos = {fid: k for k, fid in enumerate(self.flag_ids)}
            self.__dict__["_flag_position"] = pos
        return pos

    @property
    def n_features(self) -> int:
        return len(self.word_index) + len(self.char_index) + len(self.flag_ids) + len(PAY_BUCKETS)

    def offsets(self) -> tuple[int, int, int, int]:
        w = len(self.word_index)
        c = w + len(self.char_index)
        f = c + len(self.flag_ids)
        return 0, w, c, f


def fit_vocabulary(docs: list[Prepared], word_ngram=(1, 2), char_ngram=(2, 4), min_df=2,
                   max_word_features=60000, max_char_features=150000,
                   weights=(1.0, 1.0, 0.5, 0.5)) -> Vocabulary:
    wdf: Counter[str] = Counter()
    cdf: Counter[str] = Counter()
    for d in docs:
        tokens = WORD.findall(d.norm.text)
        wdf.update(set(word_terms(tokens, word_ngram)))
        cdf.update(set(char_terms(tokens, char_ngram)))
    n = len(docs)

    def index(df: Counter[str], cap: int) -> tuple[dict[str, int], np.ndarray]:
        kept = [(t, c) for t, c in df.items() if c >= min_df]
        kept.sort(key=lambda tc: (-tc[1], tc[0]))
        kept = sorted(kept[:cap])
        vocab = {t: i for i, (t, _) in enumerate(kept)}
        idf = np.array([math.log((1 + n) / (1 + c)) + 1.0 for _, c in kept], dtype=np.float64)
        return vocab, idf

    wi, widf = index(wdf, max_word_features)
    ci, cidf = index(cdf, max_char_features)
    return Vocabulary(tuple(word_ngram), tuple(char_ngram), wi, ci, widf, cidf,
                      tuple(flagmod.flag_ids()), tuple(float(x) for x in weights))


def _block(terms: list[str], index: dict[str, int], idf: np.ndarray, weight: float,
           offset: int, cols: list[int], vals: list[float]) -> None:
    """Append one block's columns: sublinear tf x idf over the known terms, L2-normalised x weight."""
    counts = Counter(terms)
    js = np.fromiter(map(index.get, counts, repeat(-1)), dtype=np.int64, count=len(counts))
    known = js >= 0
    if not known.any():
        return
    j = js[known]
    tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))[known]
    v = (1.0 + np.log(tf)) * idf[j]
    v *= weight / (math.sqrt(float(v @ v)) or 1.0)
    cols.extend((j + offset).tolist())
    vals.extend(v.tolist())


def row_features(vocab: Vocabulary, doc: Prepared) -> tuple[list[int], list[float]]:
    """The non-zero columns of one ad's feature row, and their values (columns are distinct)."""
    o_words, o_chars, o_flags, o_pay = vocab.offsets()
    w_words, w_chars, w_flags, w_pay = vocab.weights
    cols: list[int] = []
    vals: list[float] = []
    tokens = WORD.findall(doc.norm.text)
    _block(word_terms(tokens, vocab.word_ngram), vocab.word_index, vocab.word_idf, w_words, o_words, cols, vals)
    _block(char_terms(tokens, vocab.char_ngram), vocab.char_index, vocab.char_idf, w_chars, o_chars, cols, vals)
    seen = set()
    for h in doc.hits:
        k = vocab.flag_position.get(h.flag.id)
        if k is not None and k not in seen:
            seen.add(k)
            cols.append(o_flags + k)
            vals.append(w_flags)
    cols.append(o_pay + PAY_BUCKETS.index(money.bucket(doc.usd_month)))
    vals.append(w_pay)
    return cols, vals


def transform(vocab: Vocabulary, docs: list[Prepared]):
    """The feature matrix (scipy CSR) of many ads; rows are `row_features` of each."""
    import scipy.sparse as sp

    indptr = [0]
    cols: list[int] = []
    vals: list[float] = []
    for d in docs:
        c, v = row_features(vocab, d)
        cols.extend(c)
        vals.extend(v)
        indptr.append(len(cols))
    return sp.csr_matrix((np.asarray(vals, dtype=np.float64), np.asarray(cols, dtype=np.int32),
                          np.asarray(indptr, dtype=np.int64)), shape=(len(docs), vocab.n_features))


def feature_names(vocab: Vocabulary) -> list[str]:
    names = [""] * vocab.n_features
    o_words, o_chars, o_flags, o_pay = vocab.offsets()
    for t, j in vocab.word_index.items():
        names[o_words + j] = "word:" + t
    for t, j in vocab.char_index.items():
        names[o_chars + j] = "char:" + t
    for k, fid in enumerate(vocab.flag_ids):
        names[o_flags + k] = "flag:" + fid
    for k, b in enumerate(PAY_BUCKETS):
        names[o_pay + k] = "pay:" + b
    return names
