"""Ctrl-C during training leaves no half-written bundle: the output directory does not exist, or is
the old bundle, intact. (Scan interruption and --resume: tests/test_scan_features.py.)"""

import hashlib
from pathlib import Path

import pytest

from jobscan import bundle, scoring
from jobscan import train as trainmod


def _fingerprint(d: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(d.iterdir())}


def _no_leftovers(parent: Path) -> None:
    assert not [p.name for p in parent.iterdir() if p.name.startswith(".jobscan-bundle-") or ".old-" in p.name]


def _interrupt(*args, **kwargs):
    raise KeyboardInterrupt


@pytest.mark.parametrize("where", ["fit", "model file", "scorer file"])
def test_interrupted_training_leaves_no_bundle(tiny_data, tmp_path, monkeypatch, where):
    if where == "fit":
        monkeypatch.setattr(trainmod, "fit", _interrupt)
    elif where == "model file":
        monkeypatch.setattr("jobscan.reproducible.canonicalize_skops", _interrupt)
    else:
        monkeypatch.setattr(scoring.LinearModel, "save_npz", _interrupt)
    out = tmp_path / "models" / "new"
    with pytest.raises(KeyboardInterrupt):
        trainmod.train(tiny_data["config"], out)
    assert not out.exists()
    if out.parent.exists():
        _no_leftovers(out.parent)


def _replace_existing(tiny_data, tiny_bundle, tmp_path, monkeypatch, patch) -> Path:
    import shutil

    out = tmp_path / "models" / "current"
    out.parent.mkdir()
    shutil.copytree(tiny_bundle, out)
    before = _fingerprint(out)
    patch(monkeypatch)
    with pytest.raises(KeyboardInterrupt):
        trainmod.train(tiny_data["config"], out, force=True, seed=99)
    assert _fingerprint(out) == before  # the old bundle, intact...
    assert bundle.load(out).meta["seed"] == bundle.read_meta(tiny_bundle)["seed"]  # ...and loadable
    _no_leftovers(out.parent)
    return out


def test_interrupted_retraining_over_a_bundle_keeps_the_old_one(tiny_data, tiny_bundle, tmp_path, monkeypatch):
    _replace_existing(tiny_data, tiny_bundle, tmp_path, monkeypatch,
                      lambda mp: mp.setattr(scoring.LinearModel, "save_npz", _interrupt))


def test_interrupted_while_swapping_the_directories_puts_the_old_one_back(tiny_data, tiny_bundle, tmp_path, monkeypatch):
    """Ctrl-C between moving the old bundle aside and moving the new one in."""

    def patch(mp):
        real_rename = Path.rename
        calls = []

        def rename(self, target):
            calls.append(self)
            if self.name.startswith(".jobscan-bundle-"):  # the new bundle moving into place
                raise KeyboardInterrupt
            return real_rename(self, target)

        mp.setattr(Path, "rename", rename)

    _replace_existing(tiny_data, tiny_bundle, tmp_path, monkeypatch, patch)
