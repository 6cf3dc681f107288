"""Where model bundles live and which one is the default.

- The shipped model is always available under the name `default`.
- Local bundles are the directories under `<home>/models/`, named by their directory; home is
  `JOBSCAN_HOME` if set, else the platform's application directory (`typer.get_app_dir("jobscan")`,
  e.g. `~/.config/jobscan` on Linux).
- `use(name_or_path)` records the default in `<home>/config.json`; `use("default")` restores the
  shipped model. `jobscan.bundle.resolve_path` consults that choice when neither `--model` nor
  `JOBSCAN_MODEL` is given, so `check`, `scan` and the Python API all honour it.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .localized import LocalizedError

ENV_HOME = "JOBSCAN_HOME"
SHIPPED = "default"
CONFIG_FILE = "config.json"
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")


class RegistryError(LocalizedError):
    """An unknown model name, a bad name, or an unreadable registry file."""


def home() -> Path:
    env = os.environ.get(ENV_HOME)
    if env:
        return Path(env).expanduser()
    import typer

    return Path(typer.get_app_dir("jobscan"))


def models_dir() -> Path:
    return home() / "models"


def config_path() -> Path:
    return home() / CONFIG_FILE


def shipped_path() -> Path:
    from .bundle import default_bundle_path

    return default_bundle_path()


def valid_name(name: str) -> bool:
    return bool(NAME_RE.match(name)) and name != SHIPPED and name not in (".", "..")


def path_for_name(name: str) -> Path:
    """Where a new local bundle called `name` goes."""
    if not valid_name(name):
        raise RegistryError("registry.error.bad_name", name=name)
    return models_dir() / name


def lookup(name: str) -> Path | None:
    """The bundle a bare name stands for (`default` or a local bundle), or None."""
    if name == SHIPPED:
        return shipped_path()
    if "/" in name or os.sep in name or not NAME_RE.match(name):
        return None
    candidate = models_dir() / name
    return candidate if candidate.is_dir() else None


def resolve(name_or_path: str) -> Path:
    """A name (`default`, a local bundle) or a bundle directory; raises RegistryError if neither."""
    p = Path(name_or_path).expanduser()
    if name_or_path != SHIPPED and p.is_dir():
        return p
    found = lookup(name_or_path)
    if found is not None:
        return found
    raise RegistryError("registry.error.unknown", name=name_or_path)


def _read_config() -> dict[str, Any]:
    path = config_path()
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise RegistryError("registry.error.config", path=str(path)) from None
    return data if isinstance(data, dict) else {}


def saved_default() -> Path | None:
    """The bundle chosen with `use`, or None for the shipped model. Raises BundleError when the
    chosen bundle has gone, rather than silently scoring with another model."""
    from .bundle import BundleError

    try:
        chosen = _read_config().get("default_model")
    except RegistryError as exc:
        raise BundleError(str(exc)) from None
    if not chosen:
        return None
    path = Path(chosen)
    if not path.is_dir():
        raise BundleError(LocalizedError("registry.error.default_gone", path=str(path)).message())
    return path


def chosen_default() -> str | None:
    """The raw `use` choice (a path), without checking that it still exists."""
    try:
        return _read_config().get("default_model") or None
    except RegistryError:
        return None


def use(name_or_path: str) -> Path | None:
    """Make a bundle the default; `default` restores the shipped model (returns None then)."""
    path = None if name_or_path == SHIPPED else resolve(name_or_path).resolve()
    cfg_path = config_path()
    cfg = {}
    if cfg_path.is_file():
        try:
            cfg = _read_config()
        except RegistryError:
            cfg = {}
    if path is None:
        cfg.pop("default_model", None)
    else:
        cfg["default_model"] = str(path)
    cfg_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".config.", suffix=".part", dir=cfg_path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(json.dumps(cfg, indent=2) + "\n")
    os.replace(tmp, cfg_path)
    return path


@dataclass
class Entry:
    name: str
    path: Path
    meta: dict[str, Any] | None
    error: str | None
    is_default: bool
    shipped: bool


def current_default() -> Path:
    """The bundle scoring uses when no --model is given (JOBSCAN_MODEL, else the `use` choice, else shipped)."""
    from .bundle import resolve_path

    return resolve_path(None)


def entries() -> list[Entry]:
    """The shipped model, every local bundle, and the chosen default if it lives elsewhere."""
    from .bundle import BundleError, read_meta

    try:
        default = current_default().resolve()
    except BundleError:
        default = Path(chosen_default() or "").resolve() if chosen_default() else None
    found: list[tuple[str, Path, bool]] = [(SHIPPED, shipped_path(), True)]
    mdir = models_dir()
    if mdir.is_dir():
        for p in sorted(mdir.iterdir()):
            if p.is_dir() and not p.name.startswith("."):
                found.append((p.name, p, False))
    paths = {p.resolve() for _, p, _ in found}
    if default is not None and default not in paths:
        found.append((str(default), default, False))
    out = []
    for name, path, shipped in found:
        try:
            meta, error = read_meta(path), None
        except BundleError as exc:
            meta, error = None, str(exc)
        out.append(Entry(name, path, meta, error, default is not None and path.resolve() == default, shipped))
    return out
