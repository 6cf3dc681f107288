"""The same data, config and seed give the same model file (same recorded sha256) and identical predictions,
also in another process with another hash seed."""

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np

from jobscan import bundle
from jobscan.reproducible import FIXED_TIME

from .conftest import ROOT

ADS = ["Lowongan CS Kamboja gaji USD 1.500, tiket ditanggung, DM Telegram", "Dijual HP bekas, mulus, Jakarta Selatan",
       "Hiring chat support in Southeast Asia, free flight, message t.me/example"]


def test_same_data_config_and_seed_give_the_same_model_hash_and_predictions(tiny_data, tiny_bundle, tmp_path):
    out = tmp_path / "again"
    code = ("import sys; from jobscan.train import train; train(sys.argv[1], sys.argv[2])")
    subprocess.run([sys.executable, "-c", code, str(tiny_data["config"]), str(out)], check=True, cwd=ROOT,
                   env={"PYTHONHASHSEED": "12345", "PATH": "/usr/bin:/bin", "JOBSCAN_HOME": str(tmp_path)})
    a = json.loads((tiny_bundle / "meta.json").read_text())
    b = json.loads((out / "meta.json").read_text())
    assert a["created_at"] or b["created_at"]
    assert a["model_sha256"] == b["model_sha256"]
    assert a["scorer_sha256"] == b["scorer_sha256"]
    assert a["thresholds"] == b["thresholds"] and a["metrics"] == b["metrics"]
    pa = bundle.load(tiny_bundle).pipeline.predict_proba(ADS)
    pb = bundle.load(out).pipeline.predict_proba(ADS)
    assert np.array_equal(pa, pb)


def test_model_file_carries_no_clock_or_memory_address(tiny_bundle):
    with zipfile.ZipFile(tiny_bundle / "model.skops") as z:
        infos = z.infolist()
        assert all(i.date_time == FIXED_TIME for i in infos)
        names = [i.filename for i in infos if i.filename != "schema.json"]
        assert names == [f"{k}.npy" for k in range(len(names))]
        ids = []

        def walk(node):
            if isinstance(node, dict):
                if "__id__" in node:
                    ids.append(node["__id__"])
                for v in node.values():
                    walk(v)
            elif isinstance(node, list):
                for v in node:
                    walk(v)

        walk(json.loads(z.read("schema.json")))
    assert max(ids) < len(ids)  # renumbered in order of appearance, not id() addresses


def test_meta_names_no_commit_of_a_foreign_git_checkout(tmp_path):
    """An installed copy of jobscan can sit inside another git checkout (a pyenv tree): its commit
    is not the commit of the code that trained the model, so meta.json must not record it."""
    import shutil

    import jobscan

    foreign = tmp_path / "site-packages"
    shutil.copytree(Path(jobscan.__file__).parent, foreign / "jobscan", ignore=shutil.ignore_patterns("__pycache__"))
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q", str(tmp_path)], check=True)
    subprocess.run([*git, "-C", str(tmp_path), "commit", "-q", "--allow-empty", "-m", "foreign"], check=True)
    out = subprocess.run([sys.executable, "-c", "from jobscan.train import _git_commit; print(_git_commit())"],
                         cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(foreign)}, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "None"
