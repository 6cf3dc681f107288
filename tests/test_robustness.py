"""`jobscan evaluate --robustness`: every evasion transform, and all combined, on the test data."""

import json

from typer.testing import CliRunner

from jobscan import augment
from jobscan.cli import app
from jobscan.dataset import read_many
from jobscan.evaluate import evaluate_scorer
from jobscan.robustness import COMBINED_ORDER, robustness, to_markdown, transform_text
from jobscan.scoring import Scorer

AD = "Lowongan CS online di Kamboja, gaji USD 1.500 per bulan, tiket dan visa ditanggung, tanpa pengalaman"


def test_transforms_are_deterministic_and_change_the_text():
    assert set(COMBINED_ORDER) == set(augment.TRANSFORMS)
    for name in [*augment.TRANSFORMS, "combined"]:
        once = transform_text(name, AD, seed=1, index=3)
        assert once == transform_text(name, AD, seed=1, index=3)
        assert once != AD, name
    assert transform_text("leet", AD, seed=1, index=3) != transform_text("leet", AD, seed=2, index=3)


def test_report_compares_each_transform_with_the_clean_data(tiny_bundle, tiny_data):
    scorer = Scorer.load(tiny_bundle)
    df = read_many([tiny_data["test"]])
    r = robustness(scorer, df, seed=5)
    clean = evaluate_scorer(scorer, df)["flagged"]["confusion"]
    assert r["clean"]["recall_flagged"] == round(100 * clean["tp"] / (clean["tp"] + clean["fn"]), 2)
    assert r["clean"]["fp_rate_flagged"] == round(100 * clean["fp"] / (clean["fp"] + clean["tn"]), 2)
    assert [t["transform"] for t in r["transforms"]] == [*augment.TRANSFORMS, "combined"]
    for t in r["transforms"]:
        assert t["recall_delta"] == round(t["recall_flagged"] - r["clean"]["recall_flagged"], 2)
        assert t["fp_delta"] == round(t["fp_rate_flagged"] - r["clean"]["fp_rate_flagged"], 2)
        assert t["meets_bar"] == (t["recall_delta"] >= -5 and t["fp_delta"] <= 2)
        assert 0 < t["changed"] <= r["n"]
    assert r["meets_bar"] == all(t["meets_bar"] for t in r["transforms"] if t["transform"] != "combined")
    assert robustness(scorer, df, seed=5) == r  # a fixed seed, the same numbers
    md = to_markdown(r)
    assert "| leet |" in md and "| combined |" in md and "Δ recall" in md


def test_cli_evaluate_robustness(tiny_bundle, tiny_data):
    runner = CliRunner()
    r = runner.invoke(app, ["evaluate", str(tiny_bundle), str(tiny_data["test"]), "--robustness", "--format", "json"])
    assert r.exit_code == 0, r.output
    report = json.loads(r.stdout)
    assert report["flagged"] and report["robustness"]["bar"] == {"max_recall_drop": 5.0, "max_fp_rise": 2.0}
    assert len(report["robustness"]["transforms"]) == len(augment.TRANSFORMS) + 1
    r = runner.invoke(app, ["evaluate", str(tiny_bundle), str(tiny_data["test"]), "--robustness"])
    assert r.exit_code == 0 and "## Robustness to evasion" in r.stdout and "| zero_width |" in r.stdout
    r = runner.invoke(app, ["evaluate", str(tiny_bundle), str(tiny_data["test"])])
    assert r.exit_code == 0 and "Robustness" not in r.stdout
