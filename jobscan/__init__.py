"""jobscan: flags job posts that follow the scam-compound (trafficking) recruitment pattern, and says why."""
from __future__ import annotations

__version__ = "0.1.0"


def check(text: str, lang: str | None = None, model: str | None = None, **kwargs):
    """Check one ad; returns the result dict of `jobscan check --format json`."""
    from .api import check as _check

    return _check(text, lang=lang, model=model, **kwargs)
