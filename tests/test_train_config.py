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
