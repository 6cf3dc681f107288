"""Byte-identical model files: the same fitted pipeline always gives the same `model.skops`.

skops writes two things that change from run to run although the model does not:

- every node's ``__id__`` and every array's file name (``139793531303472.npy``) are the Python
  ``id()`` of an object, i.e. a memory address;
- every zip entry carries the time it was written.

`canonicalize_skops(path)` rewrites the file in place: ids and file names are renumbered in
the order they first appear in ``schema.json`` (equal ids stay equal, so shared references load
as before), entries are written in that same order, with a fixed timestamp and fixed
attributes. The content of every array is untouched. The result loads with `skops.io.load`
like the original, and its sha256 depends only on the model.
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from pathlib import Path
from typing import Any

FIXED_TIME = (1980, 1, 1, 0, 0, 0)
SCHEMA = "schema.json"


def _renumber(node: Any, ids: dict[int, int], files: dict[str, str]) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "__id__" and isinstance(value, int):
                out[key] = ids.setdefault(value, len(ids))
            elif key == "file" and isinstance(value, str):
                if value not in files:
                    suffix = Path(value).suffix
                    files[value] = f"{len(files)}{suffix}"
                out[key] = files[value]
            else:
                out[key] = _renumber(value, ids, files)
        return out
    if isinstance(node, list):
        return [_renumber(v, ids, files) for v in node]
    return node


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3
    info.external_attr = 0o644 << 16
    return info


def canonicalize_skops(path: str | os.PathLike, compresslevel: int = 9) -> None:
    """Rewrite a skops file so that its bytes depend only on the saved object."""
    path = Path(path)
    with zipfile.ZipFile(path) as src:
        names = src.namelist()
        state = json.loads(src.read(SCHEMA))
        files: dict[str, str] = {}
        state = _renumber(state, {}, files)
        payload = {files[old]: src.read(old) for old in files if old in names}
        others = sorted(n for n in names if n != SCHEMA and n not in files)
        extra = {n: src.read(n) for n in others}
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as dst:
            for name, data in list(payload.items()) + list(extra.items()):
                dst.writestr(_entry(name), data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=compresslevel)
            dst.writestr(_entry(SCHEMA), json.dumps(state, indent=2), compress_type=zipfile.ZIP_DEFLATED,
                         compresslevel=compresslevel)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
