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
from . import flags as flagmod
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
    """The fitted model reduced to what scoring needs: feature space, weights, calibration.

    Built from the scikit-learn pipeline, or from the bundle's scorer.npz (plain arrays, loaded
    with allow_pickle=False), so that scoring needs neither scikit-learn nor pickle.
    """

    space: featurize.FeatureSpace
    coef: np.ndarray  # one weight per feature column (zero for columns dropped at training)
    intercept: float
    cal_a: float
    cal_b: float

    def decisions(self, docs: list[featurize.Prepared]) -> np.ndarray:
        return featurize.decisions(self.space, self.coef, self.intercept, docs)

    def probabilities(self, decisions: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(self.cal_a * decisions + self.cal_b))

    @classmethod
    def from_pipeline(cls, pipeline) -> "LinearModel":
        feats = pipeline.named_steps["features"]
        calibrated = pipeline.named_steps["classifier"]
        cc = calibrated.calibrated_classifiers_[0]
        lr = cc.estimator
        cal = cc.calibrators[0]
        return cls(feats.space(), np.asarray(lr.coef_[0], dtype=np.float64), float(lr.intercept_[0]),
                   float(cal.a_), float(cal.b_))

    def save_npz(self, path) -> None:
        s = self.space
        nonzero = np.flatnonzero(self.coef).astype(np.int32)
        np.savez_compressed(
            path, flag_ids=np.array("\n".join(s.flag_ids)), word_ngram=np.array(s.word_ngram),
            char_ngram=np.array(s.char_ngram), bits=np.array([s.word_bits, s.char_bits]), weights=np.array(s.weights),
            coef_index=nonzero, coef_value=self.coef[nonzero], params=np.array([self.intercept, self.cal_a, self.cal_b]))

    @classmethod
    def load_npz(cls, path) -> "LinearModel":
        with np.load(path, allow_pickle=False) as z:
            flag_ids = str(z["flag_ids"])
            word_bits, char_bits = (int(x) for x in z["bits"])
            space = featurize.FeatureSpace(
                word_ngram=tuple(int(x) for x in z["word_ngram"]), char_ngram=tuple(int(x) for x in z["char_ngram"]),
                word_bits=word_bits, char_bits=char_bits, flag_ids=tuple(flag_ids.split("\n")) if flag_ids else (),
                weights=tuple(float(w) for w in z["weights"]))
            coef = np.zeros(space.n_features, dtype=np.float64)
            coef[z["coef_index"]] = z["coef_value"]
            intercept, a, b = (float(x) for x in z["params"])
            return cls(space, coef, intercept, a, b)


class Scorer:
    def __init__(self, model: LinearModel, meta: dict[str, Any], name: str, version: str):
        self.model = model
        self.meta = meta
        self.name = name
        self.version = version
        self.thresholds = {"review": float(meta["thresholds"]["review"]), "flagged": float(meta["thresholds"]["flagged"])}
        o_flags = self.model.space.offsets()[2]
        self._flag_col = {fid: o_flags + k for k, fid in enumerate(self.model.space.flag_ids)}
        # (flag id, language) -> (flag, its fields before the evidence, its contribution): see _flag_fields
        self._flag_fields_cache: dict[tuple[str, str], tuple[flagmod.Flag, tuple[str, str, str, str], float | None]] = {}

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

    def score_docs(self, docs: list[featurize.Prepared]) -> list[float]:
        """Calibrated probabilities of many prepared ads (one vectorised pass)."""
        return self.model.probabilities(self.model.decisions(docs)).tolist() if docs else []

    def score_texts(self, texts: Iterable[str], lang: str | None = None, explain: bool = True) -> list[dict[str, Any]]:
        docs = [featurize.prepare(t) for t in texts]
        risks = self.score_docs(docs)
        return [self.result(d, r, lang=lang, explain=explain) for d, r in zip(docs, risks)]

    # -- explanation -------------------------------------------------------------------------
    def _flag_contribution(self, flag: flagmod.Flag) -> float | None:
        """A fired flag's column holds its block's weight (featurize.fixed_columns), so its
        contribution to the decision is that weight times the learned coefficient."""
        col = self._flag_col.get(flag.id)
        if col is None:
            return None
        return round(float(self.model.coef[col] * self.model.space.flag_weight(flag.kind)), 4)

    def top_terms(self, doc: featurize.Prepared) -> list[dict[str, Any]]:
        """Words of the ad with their learned contribution (word n-grams plus the character
        n-grams inside each word), mapped back to the ad as given."""
        per_token = featurize.token_contributions(self.model.space, self.model.coef, doc)
        best: dict[str, dict[str, Any]] = {}
        for m, c in zip(featurize.WORD.finditer(doc.norm.text), per_token.tolist()):
            tok = m.group()
            if tok.startswith("__") and tok.endswith("__"):
                continue  # placeholders for contacts: reported as contacts, not as words
            if tok not in best:
                a, b = doc.norm.span(*m.span())
                best[tok] = {"term": doc.original[a:b], "start": a, "end": b, "contribution": c}
        ranked = sorted(best.values(), key=lambda e: -abs(e["contribution"]))[:TOP_TERMS]
        for e in ranked:
            e["contribution"] = round(float(e["contribution"]), 4)
        return ranked

    def _flag_fields(self, flag: flagmod.Flag, lang: str) -> tuple[tuple[str, str, str, str], float | None]:
        """A flag's id, group, kind and description in `lang`, and its contribution: the same for
        every ad, so worked out once per flag and language (the flag itself is kept with them, so
        that another Flag object of the same id never gets its fields)."""
        cached = self._flag_fields_cache.get((flag.id, lang))
        if cached is None or cached[0] is not flag:
            cached = (flag, (flag.id, flag.group, flag.kind, flag.description(lang)), self._flag_contribution(flag))
            self._flag_fields_cache[(flag.id, lang)] = cached
        return cached[1], cached[2]

    def _flags(self, hits: Iterable[flagmod.Hit], lang: str) -> list[dict[str, Any]]:
        """The result's "flags": one dict per hit, fresh (a scan's --redact rewrites evidence in place)."""
        flags = []
        for h in hits:
            (fid, group, kind, description), contribution = self._flag_fields(h.flag, lang)
            flags.append({
                "id": fid, "group": group, "kind": kind, "description": description,
                "evidence": [e.to_dict() for e in h.evidence],
                "contribution": contribution,
            })
        return flags

    @staticmethod
    def _output_language(language: str, lang: str | None) -> str:
        return lang or ("id" if language in ("id", "ms") else "en")

    def result(self, doc: featurize.Prepared, risk: float, lang: str | None = None,
               explain: bool = True) -> dict[str, Any]:
        language = detect(doc.original)
        flags = self._flags(doc.hits, self._output_language(language, lang))
        risk = _clamped(risk)
        return {
            "schema": SCHEMA,
            "risk": round(risk, 4),
            "verdict": verdict_for(risk, self.thresholds),
            "thresholds": dict(self.thresholds),
            "language": language,
            "flags": flags,
            "other_fraud": [f["id"] for f in flags if f["kind"] == "fraud"],
            "top_terms": self.top_terms(doc) if explain else [],
            "contacts": contactmod.extract_contacts(doc.original),
            "model": {"name": self.name, "version": self.version},
        }

    def scan_result(self, doc: featurize.Prepared, risk: float, lang: str | None = None) -> dict[str, Any]:
        """What a scan keeps of `result(doc, risk, lang, explain=False)`, its fields in the same
        order (batch.RESULT_FIELDS), without making the ones it would throw away."""
        language = detect(doc.original)
        risk = _clamped(risk)
        return {
            "risk": round(risk, 4),
            "verdict": verdict_for(risk, self.thresholds),
            "language": language,
            "flags": self._flags(doc.hits, self._output_language(language, lang)),
            "contacts": contactmod.extract_contacts(doc.original),
        }


def _clamped(risk: float) -> float:
    """A probability in [0, 1] (NaN, from a degenerate model, reads as 0)."""
    return float(min(1.0, max(0.0, risk))) if not math.isnan(risk) else 0.0


_BLANK = re.compile(r"^\s*$")


def is_blank(text: str) -> bool:
    return bool(_BLANK.match(text))
