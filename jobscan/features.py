"""`JobscanFeatures`: the featuriser of `jobscan.featurize` as a scikit-learn transformer.

It exists so that training uses scikit-learn's Pipeline, cross-validation and skops
persistence while running exactly the featurisation code that scoring runs.
Fitted state is plain arrays and strings (the kept columns, the flag ids), which skops saves
compactly and loads without executing code.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from . import featurize
from . import flags as flagmod


class JobscanFeatures(TransformerMixin, BaseEstimator):
    def __init__(self, word_ngram=(1, 2), char_ngram=(2, 4), word_bits=20, char_bits=20, min_df=2,
                 weights=(1.0, 1.0, 0.5, 0.5)):
        self.word_ngram = word_ngram
        self.char_ngram = char_ngram
        self.word_bits = word_bits
        self.char_bits = char_bits
        self.min_df = min_df
        self.weights = weights

    def fit(self, X, y=None):
        space = featurize.FeatureSpace(tuple(self.word_ngram), tuple(self.char_ngram), int(self.word_bits),
                                       int(self.char_bits), tuple(flagmod.flag_ids()), tuple(float(w) for w in self.weights))
        df = featurize.document_frequency(space, self._prepare(X))
        hashed = np.flatnonzero(df >= self.min_df)
        fixed = np.arange(len(df), space.n_features)  # flag and pay columns are always kept
        self.kept_ = np.concatenate([hashed, fixed]).astype(np.int32)
        self.flag_ids_ = "\n".join(space.flag_ids)
        self.n_features_out_ = space.n_features
        return self

    def space(self) -> featurize.FeatureSpace:
        check_is_fitted(self, "kept_")
        return featurize.FeatureSpace(tuple(int(x) for x in self.word_ngram), tuple(int(x) for x in self.char_ngram),
                                      int(self.word_bits), int(self.char_bits),
                                      tuple(self.flag_ids_.split("\n")) if self.flag_ids_ else (),
                                      tuple(float(w) for w in self.weights))

    def kept_mask(self) -> np.ndarray:
        mask = np.zeros(self.space().n_features, dtype=bool)
        mask[self.kept_] = True
        return mask

    @staticmethod
    def _prepare(X) -> list[featurize.Prepared]:
        return [x if isinstance(x, featurize.Prepared) else featurize.prepare(str(x)) for x in X]

    def transform(self, X):
        return featurize.transform(self.space(), self._prepare(X), self.kept_mask())

    def get_feature_names_out(self, input_features=None):
        return np.asarray(featurize.feature_names(self.space()), dtype=object)
