"""Verification and help channels for a result, from jobscan/data/advice.toml."""

from __future__ import annotations

import re
import sys
from functools import lru_cache
from importlib import resources
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

# Destination country codes the flags and wording point to.
_DESTINATIONS = {
    "KH": re.compile(r"kamboja|cambodia|kemboja|campuchia|phnom ?penh|sihanouk|poipet|bavet|柬埔寨|西港|金边|กัมพูชา|កម្ពុជា", re.I),
    "TH": re.compile(r"thailand|bangkok|mae ?sot|myawadd?y|myanmar|泰国|缅甸|ประเทศไทย|เมียวดี", re.I),
}
_ORIGIN_BY_LANGUAGE = {"id": "ID", "ms": "MY", "tl": "PH", "th": "TH", "en": None}


@lru_cache(maxsize=1)
def channels() -> tuple[dict[str, Any], ...]:
    raw = tomllib.loads(resources.files("jobscan").joinpath("data/advice.toml").read_text(encoding="utf-8"))
    return tuple(raw["channel"])


def for_result(text: str, language: str, lang: str, country: str | None = None, fraud: bool = False) -> list[dict[str, Any]]:
    """Channels for the reader's country (given, or guessed from the ad's language; Indonesia by
    default, the tool's first audience) and for the destination the ad names."""
    origin = country or _ORIGIN_BY_LANGUAGE.get(language) or "ID"
    destinations = [code for code, rx in _DESTINATIONS.items() if rx.search(text)]
    out = []
    for ch in channels():
        if ch.get("fraud") and not fraud:
            continue
        if ch["for"] == "origin" and ch["country"] == origin:
            pass
        elif ch["for"] == "destination" and ch["country"] in destinations and ch.get("origin", origin) == origin:
            pass
        else:
            continue
        ind = lang == "id"
        out.append({"name": ch.get("name_id", ch["name"]) if ind else ch["name"],
                    "contact": ch.get("contact_id", ch["contact"]) if ind else ch["contact"],
                    "what": ch["what_id"] if ind else ch["what_en"],
                    "country": ch["country"], "source": ch["source"], "source_date": ch["source_date"],
                    "copied": ch["copied"]})
    return out
