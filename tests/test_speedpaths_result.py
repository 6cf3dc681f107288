"""The fast paths of building results change nothing: `Scorer.result` with its per-flag fields
worked out once gives exactly (same keys, same order, same values) what building every field for
every hit gives, and `Scorer.scan_result` is exactly what a scan kept of `result`."""

import json
import math
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobscan import batch, contacts, featurize, flags
from jobscan.api import load_scorer
from jobscan.language import detect
from jobscan.scoring import SCHEMA, verdict_for

from .conftest import TRAIN
from .scan_posts import AD, OTHER

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CORPUS = [json.loads(x)["text"] for x in TRAIN.read_text(encoding="utf-8").splitlines()[:400] if x.strip()]
CORPUS += [AD.format(n=n) for n in range(3)] + [OTHER.format(n=n) for n in range(3)]
WORDS = sorted({w for x in CORPUS for w in x.split()})
LANGS = (None, "id", "en", "ms")


def _reference_result(scorer, doc, risk, lang=None, explain=True):
    """Scorer.result the plain way: every field of every flag built for every ad."""
    language = detect(doc.original)
    out_lang = lang or ("id" if language in ("id", "ms") else "en")
    flag_list = []
    for h in doc.hits:
        col = scorer._flag_col.get(h.flag.id)
        weights = scorer.model.space.weights  # words, chars, flags, pay[, context flags]
        weight = weights[4] if h.flag.kind == "context" and len(weights) > 4 else weights[2]
        flag_list.append({
            "id": h.flag.id, "group": h.flag.group, "kind": h.flag.kind,
            "description": h.flag.description(out_lang),
            "evidence": [e.to_dict() for e in h.evidence],
            "contribution": None if col is None else round(float(scorer.model.coef[col] * weight), 4),
        })
    risk = float(min(1.0, max(0.0, risk))) if not math.isnan(risk) else 0.0
    return {
        "schema": SCHEMA,
        "risk": round(risk, 4),
        "verdict": verdict_for(risk, scorer.thresholds),
        "thresholds": dict(scorer.thresholds),
        "language": language,
        "flags": flag_list,
        "other_fraud": [f["id"] for f in flag_list if f["kind"] == "fraud"],
        "top_terms": scorer.top_terms(doc) if explain else [],
        "contacts": contacts.extract_contacts(doc.original),
        "model": {"name": scorer.name, "version": scorer.version},
    }


def _same(got, want):
    """Equal, and equal as JSON text (so the same keys in the same order, floats as floats)."""
    assert got == want
    assert json.dumps(got, ensure_ascii=False) == json.dumps(want, ensure_ascii=False)


def _check(texts, explain):
    scorer = load_scorer()
    docs = [featurize.prepare(t) for t in texts]
    risks = scorer.score_docs(docs)
    for k, (doc, risk) in enumerate(zip(docs, risks)):
        lang = LANGS[k % len(LANGS)]
        want = _reference_result(scorer, doc, risk, lang=lang, explain=explain)
        _same(scorer.result(doc, risk, lang=lang, explain=explain), want)
        scan = scorer.scan_result(doc, risk, lang=lang)
        assert tuple(scan) == batch.RESULT_FIELDS
        _same(scan, {f: want[f] for f in batch.RESULT_FIELDS})


def test_result_equals_the_plain_way_on_the_corpus():
    _check(CORPUS, explain=False)
    _check(CORPUS[:60], explain=True)


@SETTINGS
@given(st.lists(st.sampled_from(WORDS) | st.text(max_size=4), max_size=60).map(" ".join))
def test_result_equals_the_plain_way(text):
    _check([text], explain=False)


def test_odd_risks_are_clamped_as_before():
    scorer = load_scorer()
    doc = featurize.prepare(CORPUS[0])
    for risk in (float("nan"), -0.5, 0.0, 0.49999, 1.0, 7.0, float("inf")):
        want = _reference_result(scorer, doc, risk, explain=False)
        _same(scorer.result(doc, risk, explain=False), want)
        _same(scorer.scan_result(doc, risk), {f: want[f] for f in batch.RESULT_FIELDS})


def test_results_share_no_mutable_parts():
    """A scan's --redact rewrites evidence in place: one result's flags must not be another's."""
    scorer = load_scorer()
    doc = featurize.prepare(AD.format(n=1))
    assert doc.hits
    first, second = scorer.scan_result(doc, 0.9), scorer.scan_result(doc, 0.9)
    first["flags"][0]["evidence"][0]["text"] = "changed"
    first["flags"][0]["description"] = "changed"
    assert second["flags"][0]["description"] != "changed"
    assert second["flags"][0]["evidence"][0]["text"] != "changed"


def test_a_flag_object_of_the_same_id_gets_its_own_fields():
    """The per-flag cache is keyed by id and language but holds the flag it was made for."""
    scorer = load_scorer()
    doc = featurize.prepare(AD.format(n=2))
    scorer.result(doc, 0.5)  # fills the cache with the catalogue's flags
    other = replace(doc.hits[0].flag, description_en="another description", description_id="deskripsi lain",
                    group="elsewhere")
    doc2 = replace(doc, hits=(flags.Hit(other, doc.hits[0].evidence), *doc.hits[1:]))
    for lang in ("en", "id"):
        _same(scorer.result(doc2, 0.5, lang=lang), _reference_result(scorer, doc2, 0.5, lang=lang))
        _same(scorer.result(doc, 0.5, lang=lang), _reference_result(scorer, doc, 0.5, lang=lang))


def test_score_chunk_keeps_the_result_fields_of_result(tmp_path):
    """What a scan worker returns: the RESULT_FIELDS of `result` (watchlist flag included)."""
    from jobscan.watchlist import Watchlist

    (tmp_path / "watch.txt").write_text("0812-3456-7804\nphnom penh\n", encoding="utf-8")
    watch = Watchlist.load(tmp_path / "watch.txt")
    scorer = load_scorer()
    texts = CORPUS[:50] + [AD.format(n=4)]
    for lang in (None, "id"):
        got = batch.score_texts_with(scorer, watch, texts, lang)
        docs = [featurize.prepare(t) for t in texts]
        watched = 0
        for (res, _), doc, risk in zip(got, docs, scorer.score_docs(docs)):
            want = _reference_result(scorer, doc, risk, lang=lang, explain=False)
            hit = watch.match(doc, want["contacts"], lang or "en")
            if hit:
                want["flags"].append(hit)
                watched += 1
            _same(res, {f: want[f] for f in batch.RESULT_FIELDS})
        assert watched
