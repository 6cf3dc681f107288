"""`jobscan models validate`: can this bundle be trusted and used with the installed libraries?

Offline checks, in order: the bundle's format version; the sha256 of model.skops and scorer.npz
against meta.json; the skops allowlist (by loading it); the library versions it was trained with
against the installed ones; the normaliser version and the flag catalogue; and that the fast
scorer and the scikit-learn pipeline give the same risks. Returns problems (the bundle must not be
used) and warnings (worth knowing). Each item is a (message key, fields) pair, so the CLI can say
it in English or Indonesian.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

SAMPLES = (
    "LOKER KAMBOJA! CS online gaji USD 1.200, tiket & visa ditanggung, tanpa pengalaman, DM Telegram",
    "Dijual HP bekas mulus, harga Rp 1,2 juta, COD Jakarta Selatan",
    "We are hiring cashiers for our Makati branch. Apply at the store.",
)

Item = tuple[str, dict[str, Any]]


def _minor(version: str | None) -> tuple[str, ...]:
    return tuple((version or "").split(".")[:2])


def installed_versions() -> dict[str, str]:
    import numpy
    import scipy
    import skops
    import sklearn

    return {"sklearn_version": sklearn.__version__, "skops_version": skops.__version__,
            "numpy_version": numpy.__version__, "scipy_version": scipy.__version__}


def validate(path: str | Path) -> dict[str, Any]:
    """{'path', 'name', 'version', 'problems': [(key, fields)], 'warnings': [(key, fields)]}."""
    import numpy as np

    from . import bundle as bundlemod
    from . import flags as flagmod
    from .featurize import prepare
    from .normalize import NORMALIZER_VERSION
    from .scoring import SCORER_FILE, Scorer

    path = Path(path)
    problems: list[Item] = []
    warnings: list[Item] = []
    out: dict[str, Any] = {"path": str(path), "name": None, "version": None, "problems": problems, "warnings": warnings}
    try:
        meta = bundlemod.verify(path)  # format version, model.skops sha256
    except bundlemod.BundleError as exc:
        problems.append(("validate.bundle", {"reason": str(exc)}))
        return out
    out["name"], out["version"] = meta.get("name"), meta.get("version")
    npz = path / SCORER_FILE
    if meta.get("scorer_sha256"):
        if not npz.is_file():
            problems.append(("validate.scorer_missing", {"file": SCORER_FILE}))
        elif bundlemod.sha256_file(npz) != meta["scorer_sha256"]:
            problems.append(("validate.scorer_hash", {"file": SCORER_FILE}))
    else:
        warnings.append(("validate.no_scorer", {"file": SCORER_FILE}))
    if not (path / bundlemod.CARD_FILE).is_file():
        warnings.append(("validate.no_card", {"file": bundlemod.CARD_FILE}))
    installed = installed_versions()
    for key, lib in (("sklearn_version", "scikit-learn"), ("numpy_version", "numpy"), ("scipy_version", "scipy"),
                     ("skops_version", "skops")):
        recorded, have = meta.get(key), installed[key]
        if recorded is None:
            warnings.append(("validate.version_unknown", {"library": lib}))
        elif key == "sklearn_version" and _minor(recorded) != _minor(have):
            problems.append(("validate.version_mismatch", {"library": lib, "recorded": recorded, "installed": have}))
        elif recorded != have:
            warnings.append(("validate.version_differs", {"library": lib, "recorded": recorded, "installed": have}))
    if meta.get("normalizer_version") != NORMALIZER_VERSION:
        problems.append(("validate.normalizer", {"recorded": meta.get("normalizer_version"), "installed": NORMALIZER_VERSION}))
    catalog = flagmod.catalogue_version()
    recorded_catalog = meta.get("flags_catalog") or {}
    if recorded_catalog.get("sha256") != catalog["sha256"]:
        warnings.append(("validate.catalog_changed", {"recorded": str(recorded_catalog.get("sha256", "?"))[:12],
                                                      "installed": catalog["sha256"][:12]}))
    try:
        b = bundlemod.load(path)  # skops with the fixed allowlist; nothing runs from the file
    except bundlemod.BundleError as exc:
        problems.append(("validate.bundle", {"reason": str(exc)}))
        return out
    try:
        slow = Scorer.from_bundle(b)
        missing = [f for f in slow.model.space.flag_ids if f not in set(flagmod.flag_ids())]
        if missing:
            problems.append(("validate.flags_missing", {"n": len(missing), "ids": ", ".join(missing[:5])}))
        docs = [prepare(t) for t in SAMPLES]
        expected = b.pipeline.predict_proba(list(SAMPLES))[:, 1]
        risks = [slow.score_docs(docs)]
        if meta.get("scorer_sha256") and npz.is_file() and not any(k == "validate.scorer_hash" for k, _ in problems):
            risks.append(Scorer.load(path).score_docs(docs))
        if any(np.max(np.abs(np.asarray(r) - expected)) > 1e-9 for r in risks):
            problems.append(("validate.scores_differ", {}))
    except Exception as exc:  # a damaged but loadable model: report, never crash
        problems.append(("validate.bundle", {"reason": f"{type(exc).__name__}: {exc}"}))
    return out
