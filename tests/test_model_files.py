"""Model files through the CLI (`jobscan check --model DIR`): a modified file, a foreign pickle and a
skops file with a type outside the allowlist are refused with exit 2, and no code in them runs."""

import json
import os
import pickle
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jobscan import bundle
from jobscan.cli import app

AD = "Lowongan CS online di Kamboja gaji USD 1.500, tiket & visa ditanggung, DM Telegram"
MARKER = "JOBSCAN_TEST_MARKER"


def _touch_marker(*_args) -> None:
    Path(os.environ[MARKER]).write_text("code from a model file ran")


class Evil:
    """Writes the marker file when unpickled (pickle) or when its state is restored (skops)."""

    def __reduce__(self):
        return (_touch_marker, ())

    def __setstate__(self, state):
        _touch_marker()


@pytest.fixture()
def marker(tmp_path, monkeypatch):
    path = tmp_path / "ran"
    monkeypatch.setenv(MARKER, str(path))
    return path


@pytest.fixture()
def check():
    runner = CliRunner()

    def invoke(model: Path):
        r = runner.invoke(app, ["check", "--model", str(model), "--format", "json", AD])
        assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
        assert "Traceback" not in r.output
        return r

    return invoke


def _copy(src: Path, dst: Path, fast: bool) -> Path:
    shutil.copytree(src, dst)
    if not fast:  # without scorer.npz, check loads model.skops itself
        (dst / "scorer.npz").unlink()
        meta = json.loads((dst / "meta.json").read_text())
        meta.pop("scorer_sha256", None)
        (dst / "meta.json").write_text(json.dumps(meta))
    return dst


def _replace_model(bundle_dir: Path, data: bytes) -> None:
    """Swap model.skops and record its sha256, as someone passing a bundle around could."""
    (bundle_dir / "model.skops").write_bytes(data)
    meta = json.loads((bundle_dir / "meta.json").read_text())
    meta["model_sha256"] = bundle.sha256_file(bundle_dir / "model.skops")
    (bundle_dir / "meta.json").write_text(json.dumps(meta))


def refused(r, message: str) -> None:
    assert r.exit_code == 2, r.output
    assert message in r.stderr and r.stderr.count("\n") == 1, r.stderr


@pytest.mark.parametrize("fast", [True, False])
def test_the_intact_bundle_works(tiny_bundle, tmp_path, check, fast):
    r = check(_copy(tiny_bundle, tmp_path / "copy", fast))
    assert r.exit_code == 0 and json.loads(r.stdout)["model"]["name"] == "tiny"


@pytest.mark.parametrize("fast, member", [(True, "model.skops"), (False, "model.skops"), (True, "scorer.npz")])
def test_a_modified_model_file_is_refused(tiny_bundle, tmp_path, check, fast, member):
    b = _copy(tiny_bundle, tmp_path / "tampered", fast)
    with open(b / member, "r+b") as f:  # one flipped byte inside the file
        f.seek(200)
        byte = f.read(1)
        f.seek(200)
        f.write(bytes([byte[0] ^ 1]))
    refused(check(b), "does not match the sha256")


@pytest.mark.parametrize("fast", [True, False])
def test_a_foreign_pickle_is_refused_and_never_run(tiny_bundle, tmp_path, check, marker, fast):
    b = _copy(tiny_bundle, tmp_path / "pickled", fast)
    _replace_model(b, pickle.dumps(Evil()))
    refused(check(b), "not a skops model file")
    assert not marker.exists()
    pickle.loads(pickle.dumps(Evil()))  # the payload is live: loading it with pickle would have run it
    assert marker.exists()


def _skops_with(obj) -> bytes:
    import skops.io as sio

    return sio.dumps(obj)


@pytest.mark.parametrize("payload", ["object", "function"])
def test_a_skops_file_with_an_untrusted_type_is_refused_and_never_run(tiny_bundle, tmp_path, check, marker, payload):
    b = _copy(tiny_bundle, tmp_path / "untrusted", fast=False)
    real = bundle.load(tiny_bundle).pipeline
    real.steps.append(("extra", Evil() if payload == "object" else os.system))
    _replace_model(b, _skops_with(real))
    refused(check(b), "types jobscan does not trust")
    assert not marker.exists()


def test_with_the_fast_scorer_a_bad_model_file_is_never_loaded(tiny_bundle, tmp_path, check, marker):
    """With scorer.npz (plain arrays, read without pickle) `check` scores without deserialising
    model.skops; a file with untrusted types there is not run either."""
    b = _copy(tiny_bundle, tmp_path / "untrusted-fast", fast=True)
    real = bundle.load(tiny_bundle).pipeline
    real.steps.append(("extra", Evil()))
    _replace_model(b, _skops_with(real))
    r = check(b)
    assert r.exit_code in (0, 2) and not marker.exists()
    with pytest.raises(bundle.BundleError, match="does not trust"):
        bundle.load(b)
    assert not marker.exists()
