import json
import pickle
import shutil

import numpy as np
import pytest

from jobscan import bundle, featurize
from jobscan.featurize import prepare
from jobscan.scoring import Scorer

ADS = ["Lowongan CS Kamboja gaji USD 1.500, tiket ditanggung, DM Telegram", "Dijual HP bekas, mulus, Jakarta Selatan"]


def test_round_trip_gives_identical_probabilities(tiny_bundle, tmp_path):
    b = bundle.load(tiny_bundle)
    p1 = b.pipeline.predict_proba(ADS)
    copy = tmp_path / "copy"
    shutil.copytree(tiny_bundle, copy)
    p2 = bundle.load(copy).pipeline.predict_proba(ADS)
    assert np.array_equal(p1, p2)
    # the scorer's own arithmetic, from the pipeline or from scorer.npz, agrees with scikit-learn
    for scorer in (Scorer.from_bundle(b), Scorer.load(tiny_bundle)):
        risks = scorer.score_docs([prepare(t) for t in ADS])
        assert np.allclose(risks, p1[:, 1], rtol=0, atol=1e-12)


def test_meta_records_what_the_card_promises(tiny_bundle):
    meta = json.loads((tiny_bundle / "meta.json").read_text())
    for key in ("format_version", "sklearn_version", "skops_version", "thresholds", "metrics", "seed", "model_sha256",
                "data", "flags_catalog", "normalizer_version"):
        assert key in meta
    assert 0 < meta["thresholds"]["review"] <= meta["thresholds"]["flagged"] < 1
    assert (tiny_bundle / "MODEL_CARD.md").read_text().count("Out of scope") == 1


def test_modified_model_file_is_refused(tiny_bundle, tmp_path):
    copy = tmp_path / "tampered"
    shutil.copytree(tiny_bundle, copy)
    with open(copy / "model.skops", "ab") as f:
        f.write(b"\0")
    with pytest.raises(bundle.BundleError, match="does not match the sha256"):
        bundle.load(copy)


def test_modified_fast_scorer_file_is_refused(tiny_bundle, tmp_path):
    copy = tmp_path / "tampered-npz"
    shutil.copytree(tiny_bundle, copy)
    with open(copy / "scorer.npz", "ab") as f:
        f.write(b"\0")
    with pytest.raises(bundle.BundleError, match="does not match the sha256"):
        Scorer.load(copy)


def test_foreign_pickle_is_refused_without_running_it(tiny_bundle, tmp_path):
    copy = tmp_path / "pickled"
    shutil.copytree(tiny_bundle, copy)
    marker = tmp_path / "ran"

    class Evil:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    (copy / "model.skops").write_bytes(pickle.dumps(Evil()))
    meta = json.loads((copy / "meta.json").read_text())
    meta["model_sha256"] = bundle.sha256_file(copy / "model.skops")  # even with a matching hash
    (copy / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(bundle.BundleError, match="not a skops model file"):
        bundle.load(copy)
    assert not marker.exists()


def test_missing_and_wrong_bundles(tmp_path):
    with pytest.raises(bundle.BundleError, match="not found"):
        bundle.load(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(bundle.BundleError, match="no meta.json"):
        bundle.load(tmp_path / "empty")


def test_train_refuses_to_overwrite_without_force(tiny_data, tiny_bundle):
    from jobscan.train import train

    with pytest.raises(bundle.BundleError, match="--force"):
        train(tiny_data["config"], tiny_bundle)


def test_flag_contributions_are_the_learned_weights_times_the_feature(tiny_bundle):
    scorer = Scorer.load(tiny_bundle)
    doc = prepare(ADS[0])
    row = featurize.transform(scorer.model.space, [doc]).tocsr()
    value = dict(zip(row.indices.tolist(), row.data.tolist()))
    result = scorer.result(doc, 0.5)
    assert result["flags"]
    for f in result["flags"]:
        col = scorer._flag_col[f["id"]]
        assert f["contribution"] == round(float(scorer.model.coef[col] * value[col]), 4)
