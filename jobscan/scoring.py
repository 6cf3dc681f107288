"""Scoring: ads in, results out (one schema for `check`, `scan` and the Python API).

The classifier's probability decides the verdict; flags and learned term contributions explain it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Iterable

import numpy as np

from . import bundle as bundlemod
from . import contacts as contactmod
from . import featurize
from .language import detect

SCHEMA = "jobscan.result/1"
VERDICTS = ("ok", "review", "flagged")
TOP_TERMS = 8


def verdict_for(risk: float, thresholds: dict[str, float]) -> str:
    if risk >= thresholds["flagged"]:
        return "flagged"
    if risk >= thresholds["review"]:
        return "review"
    return "ok"


SCORER_FILE = bundlemod.SCORER_FILE


@dataclass
class LinearModel:
    """The fitted model reduced to what scoring needs: featuriser state, weights, calibration.

    Built from the scikit-learn pipeline, or from the bundle's scorer.npz (plain arrays, loaded
    with allow_pickle=False), so that scoring needs neither scikit-learn nor pickle.
    """

    vocab: featurize.Vocabulary
    coef: np.ndarray
    intercept: float
    cal_a: float
    cal_b: float

    def decision_row(self, cols: list[int], vals: list[float]) -> float:
        return float(np.dot(self.coef[cols], vals)) + self.intercept

    def probability(self, decision: float) -> float:
        return float(1.0 / (1.0 + np.exp(self.cal_a * decision + self.cal_b)))

    @classmethod
    def from_pipeline(cls, pipeline) -> "LinearModel":
        feats = pipeline.named_steps["features"]
        calibrated = pipeline.named_steps["classifier"]
        cc = calibrated.calibrated_classifiers_[0]
        lr = cc.estimator
        cal = cc.calibrators[0]
        return cls(feats.vocabulary(), np.asarray(lr.coef_[0], dtype=np.float64), float(lr.intercept_[0]),
                   float(cal.a_), float(cal.b_))

    def save_npz(self, path) -> None:
        v = self.vocab
        np.savez_compressed(
            path,
            word_terms=np.array("\n".join(sorted(v.word_index, key=v.word_index.get))),
            char_terms=np.array("\n".join(sorted(v.char_index, key=v.char_index.get))),
            word_idf=v.word_idf, char_idf=v.char_idf, flag_ids=np.array("\n".join(v.flag_ids)),
            word_ngram=np.array(v.word_ngram), char_ngram=np.array(v.char_ngram), weights=np.array(v.weights),
            coef=self.coef, params=np.array([self.intercept, self.cal_a, self.cal_b]))

    @classmethod
    def load_npz(cls, path) -> "LinearModel":
        with np.load(path, allow_pickle=False) as z:
            def index(joined: str) -> dict[str, int]:
                return {t: i for i, t in enumerate(joined.split("\n"))} if joined else {}

            flag_ids = str(z["flag_ids"])
            vocab = featurize.Vocabulary(
                word_ngram=tuple(int(x) for x in z["word_ngram"]), char_ngram=tuple(int(x) for x in z["char_ngram"]),
                word_index=index(str(z["word_terms"])), char_index=index(str(z["char_terms"])),
                word_idf=z["word_idf"], char_idf=z["char_idf"],
                flag_ids=tuple(flag_ids.split("\n")) if flag_ids else (), weights=tuple(float(w) for w in z["weights"]))
            intercept, a, b = (float(x) for x in z["params"])
            return cls(vocab, np.asarray(z["coef"], dtype=np.float64), intercept, a, b)


class Scorer:
    def __init__(self, model: LinearModel, meta: dict[str, Any], name: str, version: str):
        self.model = model
        self.meta = meta
        self.name = name
        self.version = version
        self.thresholds = {"review": float(meta["thresholds"]["review"]), "flagged": float(meta["thresholds"]["flagged"])}
        o_words, o_chars, o_flags, _ = self.model.vocab.offsets()
        self._flag_col = {fid: o_flags + k for k, fid in enumerate(self.model.vocab.flag_ids)}

    @classmethod
    def from_bundle(cls, b: bundlemod.Bundle) -> "Scorer":
        return cls(LinearModel.from_pipeline(b.pipeline), b.meta, b.name, b.version)

    @classmethod
    def load(cls, path=None, fast: bool = True) -> "Scorer":
        """The bundle's verified scorer.npz when present (no scikit-learn import), else its skops pipeline."""
        bundle_path = bundlemod.resolve_path(path)
        meta = bundlemod.verify(bundle_path)
        npz = bundle_path / SCORER_FILE
        if fast and meta.get("scorer_sha256") and npz.is_file():
            if bundlemod.sha256_file(npz) != meta["scorer_sha256"]:
                raise bundlemod.BundleError(f"{npz} does not match the sha256 recorded in {bundlemod.META_FILE} "
                                            f"(modified or damaged file); refusing to load it")
            try:
                model = LinearModel.load_npz(npz)
            except (OSError, ValueError, KeyError) as exc:
                raise bundlemod.BundleError(f"{npz} could not be read: {exc}") from None
            b = bundlemod.Bundle(bundle_path, meta)
            return cls(model, meta, b.name, b.version)
        return cls.from_bundle(bundlemod.load(bundle_path))

    def score_docs(self, docs: list[featurize.Prepared]) -> tuple[list[float], list[tuple[list[int], list[float]]]]:
        rows = [featurize.row_features(self.model.vocab, d) for d in docs]
        risks = [self.model.probability(self.model.decision_row(c, v)) for c, v in rows]
        return risks, rows

    def score_texts(self, texts: Iterable[str], lang: str | None = None, explain: bool = True) -> list[dict[str, Any]]:
        docs = [featurize.prepare(t) for t in texts]
        risks, rows = self.score_docs(docs)
        return [self.result(d, r, row, lang=lang, explain=explain) for d, r, row in zip(docs, risks, rows)]

    # -- explanation -------------------------------------------------------------------------
    def _flag_contribution(self, flag_id: str) -> float | None:
        """A fired flag's column holds the flag block's weight (featurize.row_features), so its
        contribution to the decision is that weight times the learned coefficient."""
        col = self._flag_col.get(flag_id)
        if col is None:
            return None
        return round(float(self.model.coef[col] * self.model.vocab.weights[2]), 4)

    def top_terms(self, doc: featurize.Prepared, row) -> list[dict[str, Any]]:
        """Words of the ad with their learned contribution (word n-grams plus the character
        n-grams inside each word), mapped back to the ad as given."""
        vocab = self.model.vocab
        o_words, o_chars, _, _ = vocab.offsets()
        value = dict(zip(*row))
        matches = list(featurize.WORD.finditer(doc.norm.text))
        tokens = [m.group() for m in matches]
        per_token = [0.0] * len(tokens)
        # word n-grams: split evenly over their words and occurrences
        lo, hi = vocab.word_ngram
        occurrences: dict[str, list[int]] = {}
        for n in range(lo, hi + 1):
            for i in range(len(tokens) - n + 1):
                occurrences.setdefault(" ".join(tokens[i:i + n]), []).append(i)
        for term, starts in occurrences.items():
            j = vocab.word_index.get(term)
            if j is None or (o_words + j) not in value:
                continue
            contrib = self.model.coef[o_words + j] * value[o_words + j]
            n = term.count(" ") + 1
            share = contrib / (len(starts) * n)
            for s in starts:
                for k in range(s, s + n):
                    per_token[k] += share
        # character n-grams: split over the words that contain them
        clo, chi = vocab.char_ngram
        char_occ: dict[str, list[int]] = {}
        for k, tok in enumerate(tokens):
            padded = f" {tok[:60]} "
            for n in range(clo, chi + 1):
                for i in range(len(padded) - n + 1):
                    char_occ.setdefault(padded[i:i + n], []).append(k)
        for gram, toks in char_occ.items():
            j = vocab.char_index.get(gram)
            if j is None or (o_chars + j) not in value:
                continue
            share = self.model.coef[o_chars + j] * value[o_chars + j] / len(toks)
            for k in toks:
                per_token[k] += share
        best: dict[str, dict[str, Any]] = {}
        for m, tok, c in zip(matches, tokens, per_token):
            if tok.startswith("__") and tok.endswith("__"):
                continue  # placeholders for contacts: reported as contacts, not as words
            a, b = doc.norm.span(*m.span())
            entry = best.get(tok)
            if entry is None:
                best[tok] = {"term": doc.original[a:b], "start": a, "end": b, "contribution": c}
        ranked = sorted(best.values(), key=lambda e: -abs(e["contribution"]))[:TOP_TERMS]
        for e in ranked:
            e["contribution"] = round(float(e["contribution"]), 4)
        return ranked

    def result(self, doc: featurize.Prepared, risk: float, row=None, lang: str | None = None,
               explain: bool = True) -> dict[str, Any]:
        language = detect(doc.original)
        out_lang = lang or ("id" if language in ("id", "ms") else "en")
        flags = []
        for h in doc.hits:
            flags.append({
                "id": h.flag.id, "group": h.flag.group, "kind": h.flag.kind,
                "description": h.flag.description(out_lang),
                "evidence": [e.to_dict() for e in h.evidence],
                "contribution": self._flag_contribution(h.flag.id),
            })
        risk = float(min(1.0, max(0.0, risk))) if not math.isnan(risk) else 0.0
        return {
            "schema": SCHEMA,
            "risk": round(risk, 4),
            "verdict": verdict_for(risk, self.thresholds),
            "thresholds": dict(self.thresholds),
            "language": language,
            "flags": flags,
            "other_fraud": [f["id"] for f in flags if f["kind"] == "fraud"],
            "top_terms": self.top_terms(doc, row) if (explain and row is not None) else [],
            "contacts": contactmod.extract_contacts(doc.original),
            "model": {"name": self.name, "version": self.version},
        }


_BLANK = re.compile(r"^\s*$")


def is_blank(text: str) -> bool:
    return bool(_BLANK.match(text))
