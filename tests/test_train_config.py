"""A training config with a mistake is refused in one line (exit 2) before any work is done."""

import pytest
from typer.testing import CliRunner

from jobscan.cli import app


@pytest.mark.parametrize("weights", ["[1.0, 1.0, 2.0]", "[1.0, 1.0, 2.0, 1.0, 0.5, 9.0]", "[1.0, -1.0, 2.0, 1.0]",
                                     '"heavy"'])
def test_block_weights_must_be_four_or_five_numbers(tiny_data, tmp_path, weights):
    config = tmp_path / "bad.toml"
    config.write_text(tiny_data["config"].read_text(encoding="utf-8").replace(
        "[features]\n", f"[features]\nweights = {weights}\n"), encoding="utf-8")
    (tmp_path / "train.jsonl").write_bytes(tiny_data["train"].read_bytes())
    (tmp_path / "test.jsonl").write_bytes(tiny_data["test"].read_bytes())
    result = CliRunner().invoke(app, ["train", str(config), "-o", str(tmp_path / "model")])
    assert result.exit_code == 2
    assert "features.weights must be 4 or 5 numbers" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "model").exists()


def _config_with(tiny_data, tmp_path, classifier_line: str):
    config = tmp_path / "cfg.toml"
    config.write_text(tiny_data["config"].read_text(encoding="utf-8").replace(
        "[classifier]\n", f"[classifier]\n{classifier_line}\n"), encoding="utf-8")
    (tmp_path / "train.jsonl").write_bytes(tiny_data["train"].read_bytes())
    (tmp_path / "test.jsonl").write_bytes(tiny_data["test"].read_bytes())
    return config


def test_unknown_calibration_grouping_is_refused(tiny_data, tmp_path):
    config = _config_with(tiny_data, tmp_path, 'calibration_groups = "writer"')
    result = CliRunner().invoke(app, ["train", str(config), "-o", str(tmp_path / "model")])
    assert result.exit_code == 2
    assert "classifier.calibration_groups must be one of group, batch" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "model").exists()


def test_calibration_by_batch_needs_enough_batches(tiny_data, tmp_path):
    import json

    rows = [json.loads(x) for x in tiny_data["train"].read_text(encoding="utf-8").splitlines()]
    config = _config_with(tiny_data, tmp_path, 'calibration_groups = "batch"')
    with open(tmp_path / "train.jsonl", "w", encoding="utf-8") as f:  # two batches, three folds
        for k, r in enumerate(rows):
            f.write(json.dumps({**r, "batch": f"b{k % 2}"}, ensure_ascii=False) + "\n")
    result = CliRunner().invoke(app, ["train", str(config), "-o", str(tmp_path / "model")])
    assert result.exit_code == 2
    assert "calibration by batch needs at least 3 different values" in result.output
    assert "Traceback" not in result.output


def test_calibration_folds_hold_out_whole_batches(tiny_data):
    from jobscan import dataset
    from jobscan.train import calibration_splits, load_config

    cfg = load_config(tiny_data["config"])
    df = dataset.read_many([tiny_data["train"]])
    assert df["batch"].nunique() >= 3  # the sample spans several writing batches
    for by in ("batch", "group"):
        splits = calibration_splits(df, {**cfg["classifier"], "calibration_groups": by}, seed=1)
        assert len(splits) == cfg["classifier"]["cv_folds"]
        held = sorted(int(i) for _, test in splits for i in test)
        assert held == list(range(len(df)))  # every row is held out exactly once
        for train_rows, test_rows in splits:
            assert not set(df[by].iloc[train_rows]) & set(df[by].iloc[test_rows])
