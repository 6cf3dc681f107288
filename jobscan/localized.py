"""Errors that a person reads, carried as a message key so the CLI can say them in English or Indonesian.

`str(error)` is the English text (for logs and Python callers); `error.message(lang)` picks the
language from `jobscan.messages`.
"""

from __future__ import annotations

from .messages import t


class LocalizedError(Exception):
    def __init__(self, key: str, **fields):
        self.key = key
        self.fields = fields
        super().__init__(t(key, "en", **fields))

    def message(self, lang: str = "en") -> str:
        return t(self.key, lang, **self.fields)
