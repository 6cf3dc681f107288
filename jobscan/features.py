"""`JobscanFeatures`: the featuriser of `jobscan.featurize` as a scikit-learn transformer.

It exists so that training uses scikit-learn's Pipeline, cross-validation and skops
persistence while running exactly the featurisation code that scoring runs.
Fitted state is stored as plain strings and arrays (vocabularies joined by newlines), which
skops saves compactly and loads without executing code.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from . import featurize


class JobscanFeatures(TransformerMixin, BaseEstimator):
    def __init__(self, word_ngram=(1, 2), char_ngram=(2, 4), min_df=2, max_word_features=60000,
                 max_char_features=150000, weights=(1.0, 1.0, 0.5, 0.5)):
        self.word_ngram = word_ngram
        self.char_ngram = char_ngram
        self.min_df = min_df
        self.max_word_features = max_word_features
        self.max_char_features = max_char_features
        self.weights = weights

    def fit(self, X, y=None):
        docs = self._prepare(X)
        vocab = featurize.fit_vocabulary(
            docs, word_ngram=tuple(self.word_ngram), char_ngram=tuple(self.char_ngram), min_df=self.min_df,
            max_word_features=self.max_word_features, max_char_features=self.max_char_features,
            weights=tuple(self.weights))
        self._set_vocabulary(vocab)
        return self

    def _set_vocabulary(self, vocab: featurize.Vocabulary) -> None:
        self.word_terms_ = "\n".join(sorted(vocab.word_index, key=vocab.word_index.get))
        self.char_terms_ = "\n".join(sorted(vocab.char_index, key=vocab.char_index.get))
        self.word_idf_ = vocab.word_idf
        self.char_idf_ = vocab.char_idf
        self.flag_ids_ = "\n".join(vocab.flag_ids)
        self.n_features_out_ = vocab.n_features
        self._vocab = vocab

    def vocabulary(self) -> featurize.Vocabulary:
        check_is_fitted(self, "word_terms_")
        vocab = getattr(self, "_vocab", None)
        if vocab is None:
            vocab = vocabulary_from_state(self.word_terms_, self.char_terms_, self.word_idf_, self.char_idf_,
                                          self.flag_ids_, self.word_ngram, self.char_ngram, self.weights)
            self._vocab = vocab
        return vocab

    def __getstate__(self):
        state = super().__getstate__()
        state.pop("_vocab", None)
        return state

    @staticmethod
    def _prepare(X) -> list[featurize.Prepared]:
        return [x if isinstance(x, featurize.Prepared) else featurize.prepare(str(x)) for x in X]

    def transform(self, X):
        return featurize.transform(self.vocabulary(), self._prepare(X))

    def get_feature_names_out(self, input_features=None):
        return np.asarray(featurize.feature_names(self.vocabulary()), dtype=object)


def vocabulary_from_state(word_terms, char_terms, word_idf, char_idf, flag_ids, word_ngram, char_ngram, weights):
    def index(joined: str) -> dict[str, int]:
        return {t: i for i, t in enumerate(joined.split("\n"))} if joined else {}

    return featurize.Vocabulary(
        word_ngram=tuple(int(x) for x in word_ngram), char_ngram=tuple(int(x) for x in char_ngram),
        word_index=index(word_terms), char_index=index(char_terms),
        word_idf=np.asarray(word_idf, dtype=np.float64), char_idf=np.asarray(char_idf, dtype=np.float64),
        flag_ids=tuple(flag_ids.split("\n")) if flag_ids else (), weights=tuple(float(w) for w in weights))
