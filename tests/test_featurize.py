"""The vectorised n-gram hashing finds exactly the n-grams a plain reading of the ad gives."""

from collections import Counter

import numpy as np
from hypothesis import given, settings, strategies as st

from jobscan import featurize
from jobscan.featurize import FeatureSpace, prepare

SPACE = FeatureSpace(word_ngram=(1, 2), char_ngram=(2, 4), word_bits=12, char_bits=12)


def reference_hash(s: str) -> int:
    """The word hash of `featurize`, one string at a time with Python integers."""
    return sum(ord(ch) * pow(featurize._P, i, 1 << 64) for i, ch in enumerate(s)) % (1 << 64)


def reference_char_hash(s: str) -> int:
    """The character n-gram hash of `featurize` (Horner form)."""
    h = 0
    for ch in s:
        h = (h * featurize._P + ord(ch)) % (1 << 64)
    return h


def reference_grams(token_strings: list[str]) -> tuple[Counter, Counter]:
    words, chars = Counter(), Counter()
    for d, s in enumerate(token_strings):
        toks = s.split()
        for t in toks:
            words[(d, int(featurize._bucket(np.array([reference_hash(t)], dtype=np.uint64), ("w", 1), 12)[0]))] += 1
        for a, b in zip(toks, toks[1:]):
            key = int(featurize._bucket(np.array([reference_hash(a + " " + b)], dtype=np.uint64), ("w", 2), 12)[0])
            words[(d, key)] += 1
        for t in toks:
            padded = f" {t} "
            for n in range(2, 5):
                for i in range(len(padded) - n + 1):
                    h = np.array([reference_char_hash(padded[i:i + n])], dtype=np.uint64)
                    chars[(d, int(featurize._bucket(h, ("c", n), 12)[0]))] += 1
    return words, chars


def vectorised(token_strings):
    w, c, _ = featurize.grams(SPACE, token_strings)
    return Counter(zip(w.doc.tolist(), w.bucket.tolist())), Counter(zip(c.doc.tolist(), c.bucket.tolist()))


def test_grams_of_a_batch_match_a_plain_reading_per_ad():
    texts = ["kerja di kamboja gaji 1000 usd", "", "a", "หางานต่างประเทศ เงินเดือนดี", "tiket ? visa ditanggung",
             "招聘 客服 柬埔寨", "ok"]
    strings = [featurize.token_string(prepare(t).norm.text) for t in texts]
    assert vectorised(strings) == reference_grams(strings)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="ab c?ดก中", max_size=30), min_size=1, max_size=5))
def test_no_ngram_crosses_a_word_or_an_ad(texts):
    strings = [featurize.token_string(t) for t in texts]
    assert vectorised(strings) == reference_grams(strings)


def test_an_ad_scores_the_same_alone_or_in_a_batch():
    coef = np.random.default_rng(0).normal(size=SPACE.n_features)
    docs = [prepare(t) for t in ["Lowongan CS Kamboja gaji $1500 tiket ditanggung", "Rapat RT jam 7 malam", ""]]
    together = featurize.decisions(SPACE, coef, 0.1, docs)
    alone = [featurize.decisions(SPACE, coef, 0.1, [d])[0] for d in docs]
    assert np.allclose(together, alone)
    # and the same as the training matrix times the weights
    X = featurize.transform(SPACE, docs)
    assert np.allclose(X @ coef + 0.1, together)


def test_token_contributions_add_up_to_the_ngram_part_of_the_decision():
    coef = np.random.default_rng(1).normal(size=SPACE.n_features)
    doc = prepare("Dicari admin online ke Kamboja, gaji 15 juta, tiket pesawat gratis")
    per_token = featurize.token_contributions(SPACE, coef, doc)
    assert len(per_token) == len(featurize.WORD.findall(doc.norm.text))
    fixed_cols, fixed_vals = featurize.fixed_columns(SPACE, doc)
    ngram_part = featurize.decisions(SPACE, coef, 0.0, [doc])[0] - float(np.dot(coef[fixed_cols], fixed_vals))
    assert np.isclose(per_token.sum(), ngram_part)


def test_context_flags_take_the_fifth_weight_when_there_is_one():
    doc = prepare("Waspada! Lowongan CS ke Kamboja gaji USD 1.500, tiket gratis.")
    kinds = {h.flag.id: h.flag.kind for h in doc.hits}
    assert "context" in kinds.values() and "risk" in kinds.values()
    ids = tuple(kinds)
    for weights, context in (((1.0, 1.0, 2.0, 1.0), 2.0), ((1.0, 1.0, 2.0, 1.0, 0.5), 0.5)):
        space = FeatureSpace(word_ngram=(1, 2), char_ngram=(2, 4), word_bits=12, char_bits=12, flag_ids=ids,
                             weights=weights)
        row = featurize.transform(space, [doc]).tocsr()
        value = dict(zip(row.indices.tolist(), row.data.tolist()))
        o_flags = space.offsets()[2]
        for k, fid in enumerate(ids):
            assert value[o_flags + k] == (context if kinds[fid] == "context" else 2.0)
        coef = np.arange(space.n_features, dtype=np.float64) / space.n_features
        assert np.allclose(featurize.decisions(space, coef, 0.0, [doc]), row @ coef)
