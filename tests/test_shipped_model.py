"""The shipped default model: loads, scores through the fast path exactly as scikit-learn does,
and reproduces the metrics recorded in its model card."""

import json

import numpy as np
import pytest

from jobscan import bundle
from jobscan.dataset import read_many
from jobscan.evaluate import evaluate_scorer
from jobscan.featurize import prepare
from jobscan.scoring import Scorer

from .conftest import ROOT

TEST_FILES = [ROOT / "datasets" / "scam-recruitment" / "test.jsonl", ROOT / "datasets" / "id-sms-spam" / "test.csv"]


@pytest.fixture(scope="module")
def test_split():
    return read_many(TEST_FILES)


def test_fast_scorer_matches_the_sklearn_pipeline_on_the_whole_test_split(shipped_bundle, test_split):
    b = bundle.load(shipped_bundle)
    texts = list(test_split["text"])
    expected = b.pipeline.predict_proba(texts)[:, 1]
    fast = Scorer.load(shipped_bundle)
    risks = fast.score_docs([prepare(t) for t in texts])
    assert np.max(np.abs(np.asarray(risks) - expected)) < 1e-9


def test_recorded_metrics_are_reproducible(shipped_bundle, test_split):
    meta = json.loads((shipped_bundle / "meta.json").read_text())
    m = evaluate_scorer(Scorer.load(shipped_bundle), test_split)
    assert m["flagged"] == meta["metrics"]["flagged"]
    assert m["by_language"] == meta["metrics"]["by_language"]


def test_fast_path_does_not_import_sklearn(shipped_bundle):
    import subprocess
    import sys

    code = ("import sys, jobscan; r = jobscan.check('Lowongan CS Kamboja gaji USD 1.500, DM Telegram'); "
            "print(r['verdict'], 'sklearn' in sys.modules, 'pandas' in sys.modules, 'scipy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True).stdout.split()
    assert out[1:] == ["False", "False", "False"]


@pytest.mark.parametrize("ad", [
    # an ad's own FAQ and its "bukan penipuan" once scored 0%: the context flags read it as a warning and a question
    "Dibutuhkan CS untuk perusahaan di negara tetangga. Gaji 12 juta/bulan, tiket & visa ditanggung, tanpa "
    "pengalaman. Tanya jawab: Apakah ini resmi? Ya, perusahaan resmi bukan penipuan. Hubungi Telegram @hr_lina88",
    "FAQs 👇 T: Legit po ba ito? S: Opo! Registered company po kami. CSR sa Thailand ₱55,000, libre ticket at "
    "visa, tourist visa lang. PM lang",
])
def test_an_ad_that_reassures_and_answers_its_own_faq_is_still_flagged(shipped_bundle, ad):
    scorer = Scorer.load(shipped_bundle)
    assert scorer.score_texts([ad])[0]["verdict"] == "flagged"


def test_a_warning_quoting_the_same_ad_is_not_flagged(shipped_bundle):
    warning = ("Waspada! Lowongan CS ke Kamboja gaji 12 juta, tiket ditanggung. Itu penipuan, jangan berangkat. "
               "Apakah ini resmi? Cek di KP2MI.")
    assert Scorer.load(shipped_bundle).score_texts([warning])[0]["verdict"] == "ok"
