"""The Python API: `jobscan.check(text)` returns the same result object `jobscan check --format json` prints."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from . import advice as advicemod
from .language import detect
from .messages import choose_language
from .readers import MAX_TEXT_CHARS
from .scoring import Scorer


class InputTextError(ValueError):
    """The ad text cannot be checked (empty, binary)."""


@lru_cache(maxsize=4)
def _scorer(model: str | None) -> Scorer:
    return Scorer.load(model)


def load_scorer(model: str | None = None) -> Scorer:
    return _scorer(str(model) if model else None)


def validate_text(text: str) -> str:
    if not isinstance(text, str):
        raise InputTextError("error.no_input")
    if not text.strip():
        raise InputTextError("error.empty")
    controls = sum(1 for ch in text[:10000] if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    if "\x00" in text[:10000] or controls > max(8, len(text[:10000]) // 20):
        raise InputTextError("error.binary")
    return text


def check(text: str, lang: str | None = None, model: str | None = None, title: str | None = None,
          country: str | None = None, explain: bool = True) -> dict[str, Any]:
    """Check one ad. `lang` ('id' or 'en') chooses the language of descriptions and advice.

    Evidence spans index the ad exactly as given; with a `title`, the ad is `title + "\n" + text`.
    """
    text = validate_text(text)
    full = f"{title}\n{text}" if title else text
    truncated = len(full) > MAX_TEXT_CHARS
    scorer = load_scorer(model)
    out_lang = choose_language(lang, detect(full[:MAX_TEXT_CHARS]))
    result = scorer.score_texts([full[:MAX_TEXT_CHARS]], lang=out_lang, explain=explain)[0]
    result["output_language"] = out_lang
    result["truncated"] = truncated
    result["advice"] = advicemod.for_result(full, result["language"], out_lang, country=country,
                                            fraud=bool(result["other_fraud"]))
    return result
