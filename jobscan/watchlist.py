"""A volunteer group's watchlist of known recruiter contacts and phrases.

One entry per line; `#` starts a comment. A line that is a phone number, a handle, an email or
a WhatsApp/Telegram link is matched as a contact (normalised, so "0812-3456-7890" matches
"+62 812 3456 7890"); any other line is a phrase, matched on normalised text (so l33t and
spacing tricks do not hide it). A match adds the flag KNOWN_RECRUITER with the entry; the
model's risk is unchanged (the model decides, the flags explain).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import contacts as contactmod
from .literals import LiteralSet
from .normalize import normalize_text

FLAG_ID = "KNOWN_RECRUITER"
DESCRIPTION = {
    "en": "Matches an entry of your watchlist of known recruiter contacts or phrases.",
    "id": "Cocok dengan entri daftar pantauan Anda berisi kontak atau frasa perekrut yang dikenal.",
}


class WatchlistError(Exception):
    pass


@dataclass
class Watchlist:
    contacts: dict[str, str]  # normalised value -> entry as written
    phrases: list[tuple[str, str]]  # (normalised phrase, entry as written)

    def __post_init__(self):
        self._phrases = LiteralSet(p for p, _ in self.phrases)
        self._entry_of = {p: e for p, e in self.phrases}

    @classmethod
    def load(cls, path: str | Path) -> "Watchlist":
        path = Path(path)
        try:
            lines = path.read_text(encoding="utf-8-sig").splitlines()
        except FileNotFoundError:
            raise WatchlistError(f"watchlist not found: {path}") from None
        except IsADirectoryError:
            raise WatchlistError(f"watchlist {path} is a folder, not a file") from None
        except UnicodeDecodeError:
            raise WatchlistError(f"watchlist {path} is not UTF-8 text") from None
        found: dict[str, str] = {}
        phrases: list[tuple[str, str]] = []
        for line in lines:
            entry = line.split("#", 1)[0].strip()
            if not entry:
                continue
            cs = contactmod.find_contacts(entry)
            if len(cs) == 1 and cs[0].kind != "url" and len(cs[0].text) >= len(entry) - 2:
                found[cs[0].value] = entry
            else:
                phrases.append((normalize_text(entry), entry))
        return cls(found, phrases)

    def match(self, doc, result_contacts: list[dict], lang: str) -> dict | None:
        """The KNOWN_RECRUITER flag for a prepared ad, or None."""
        evidence = []
        entries = []
        for c in result_contacts:
            if c["value"] in self.contacts:
                entries.append(self.contacts[c["value"]])
                evidence.append({"text": c["text"], "start": c["start"], "end": c["end"]})
        text = doc.norm.text
        for i in self._phrases.present(text):
            phrase = self._phrases.literals[i]
            k = text.find(phrase)
            a, b = doc.norm.span(k, k + len(phrase))
            entries.append(self._entry_of[phrase])
            evidence.append({"text": doc.original[a:b], "start": a, "end": b})
        if not entries:
            return None
        return {"id": FLAG_ID, "group": "watchlist", "kind": "risk", "description": DESCRIPTION.get(lang, DESCRIPTION["en"]),
                "evidence": evidence[:3], "contribution": None, "entries": sorted(set(entries))}
