"""Model bundles: a directory with model.skops, meta.json and MODEL_CARD.md.

Loading verifies, in order: the directory and files exist, meta.json parses, the format version
is supported, the sha256 of model.skops matches meta.json, and skops finds only the types on the
fixed allowlist below. Any failure raises `BundleError` with a one-line message; no code from
the file runs before all checks pass.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

FORMAT_VERSION = 1
MODEL_FILE = "model.skops"
META_FILE = "meta.json"
CARD_FILE = "MODEL_CARD.md"
SCORER_FILE = "scorer.npz"
ENV_MODEL = "JOBSCAN_MODEL"

# Every type a jobscan bundle may contain beyond skops' own defaults. Never extended from the
# file being loaded (skops.io.get_untrusted_types output is only used to report a refusal).
TRUSTED_TYPES = [
    "jobscan.features.JobscanFeatures",
    "sklearn.calibration.CalibratedClassifierCV",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.pipeline.Pipeline",
    "numpy.float64",
    "numpy.int64",
    "numpy.ndarray",
    "numpy.dtype",
    "builtins.tuple",
]


class BundleError(Exception):
    """A model bundle is missing, damaged, modified or of an unsupported kind."""


@dataclass
class Bundle:
    path: Path
    meta: dict[str, Any]
    pipeline: Any = None

    @property
    def name(self) -> str:
        return self.meta.get("name", self.path.name)

    @property
    def version(self) -> str:
        return str(self.meta.get("version", "?"))

    @property
    def thresholds(self) -> dict[str, float]:
        t = self.meta["thresholds"]
        return {"review": float(t["review"]), "flagged": float(t["flagged"])}


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def default_bundle_path() -> Path:
    """The shipped model: inside the installed wheel, else models/default in a source checkout."""
    packaged = resources.files("jobscan").joinpath("_models/default")
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "models" / "default"


def resolve_path(path: str | os.PathLike | None) -> Path:
    """--model, else JOBSCAN_MODEL, else the default chosen with `jobscan models use`, else the
    shipped model. A value that is not an existing path may name a registered bundle
    (`default` is the shipped one; see jobscan.registry)."""
    from . import registry

    given = path or os.environ.get(ENV_MODEL)
    if given:
        p = Path(given)
        if not p.exists():
            named = registry.lookup(str(given))
            if named is not None:
                return named
        return p
    return registry.saved_default() or default_bundle_path()


def read_meta(path: Path) -> dict[str, Any]:
    if not path.exists():
        raise BundleError(f"model bundle not found: {path}")
    if not path.is_dir():
        raise BundleError(f"model bundle must be a directory with {MODEL_FILE} and {META_FILE}: {path}")
    meta_path = path / META_FILE
    if not meta_path.is_file():
        raise BundleError(f"model bundle has no {META_FILE}: {path}")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BundleError(f"{meta_path} is not valid JSON: {exc}") from None
    if not isinstance(meta, dict) or meta.get("format_version") != FORMAT_VERSION:
        raise BundleError(f"unsupported bundle format {meta.get('format_version') if isinstance(meta, dict) else '?'} "
                          f"(this jobscan reads format {FORMAT_VERSION}): {path}")
    for key in ("model_sha256", "thresholds"):
        if key not in meta:
            raise BundleError(f"{meta_path} lacks '{key}'")
    return meta


def verify(path: Path) -> dict[str, Any]:
    """Check a bundle without loading the model; returns its meta."""
    meta = read_meta(path)
    model_path = path / MODEL_FILE
    if not model_path.is_file():
        raise BundleError(f"model bundle has no {MODEL_FILE}: {path}")
    actual = sha256_file(model_path)
    if actual != meta["model_sha256"]:
        raise BundleError(f"{model_path} does not match the sha256 recorded in {META_FILE} "
                          f"(modified or damaged file); refusing to load it")
    if not zipfile.is_zipfile(model_path):  # a pickle or another foreign file, even with a matching sha256
        raise BundleError(f"{model_path} is not a skops model file (not a zip archive); refusing to load it")
    return meta


def load(path: str | os.PathLike | None = None) -> Bundle:
    import skops.io as sio

    bundle_path = resolve_path(path)
    meta = verify(bundle_path)
    model_path = bundle_path / MODEL_FILE
    try:
        untrusted = [t for t in sio.get_untrusted_types(file=model_path) if t not in TRUSTED_TYPES]
    except Exception as exc:  # not a skops zip: a pickle, a truncated file...
        raise BundleError(f"{model_path} is not a skops model file ({type(exc).__name__})") from None
    if untrusted:
        raise BundleError(f"{model_path} contains types jobscan does not trust: {', '.join(sorted(untrusted)[:5])}")
    try:
        pipeline = sio.load(model_path, trusted=TRUSTED_TYPES)
    except Exception as exc:
        raise BundleError(f"{model_path} could not be loaded: {type(exc).__name__}: {exc}") from None
    return Bundle(bundle_path, meta, pipeline)


def save(pipeline: Any, meta: dict[str, Any], out_dir: Path, card: str, force: bool = False,
         scorer_writer=None) -> Path:
    """Write a bundle atomically: a temporary directory is filled, then renamed into place.

    `scorer_writer(path)` writes scorer.npz, the plain-array copy of the model used for fast
    scoring; its sha256 is recorded in meta.json like the model file's."""
    import skops.io as sio
    from zipfile import ZIP_DEFLATED

    from .reproducible import canonicalize_skops

    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()) and not force:
        raise BundleError(f"{out_dir} exists and is not empty; use --force to replace it")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".jobscan-bundle-", dir=out_dir.parent))
    old = None
    try:
        sio.dump(pipeline, tmp / MODEL_FILE, compression=ZIP_DEFLATED, compresslevel=9)
        canonicalize_skops(tmp / MODEL_FILE)  # same model, same bytes, same model_sha256
        meta = dict(meta, format_version=FORMAT_VERSION, model_sha256=sha256_file(tmp / MODEL_FILE))
        if scorer_writer is not None:
            scorer_writer(tmp / SCORER_FILE)
            meta["scorer_sha256"] = sha256_file(tmp / SCORER_FILE)
        (tmp / META_FILE).write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        (tmp / CARD_FILE).write_text(card, encoding="utf-8")
        os.chmod(tmp, 0o755)  # mkdtemp makes it private; a bundle is meant to be shared and packaged
        for f in tmp.iterdir():
            os.chmod(f, 0o644)
        if out_dir.exists():
            old = out_dir.with_name(out_dir.name + ".old-" + os.urandom(4).hex())
            out_dir.rename(old)
            tmp.rename(out_dir)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(out_dir)
    except BaseException:  # Ctrl-C included: no half-written bundle; the old one stays in place
        if old is not None and old.exists() and not out_dir.exists():
            old.rename(out_dir)
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out_dir
