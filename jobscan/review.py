"""`jobscan review`: walk a trainer through the scanned posts most worth labelling.

Order: the most uncertain first (risk in the review band, or within `margin` of a threshold;
closest to a threshold first), then flagged posts nobody has confirmed (lowest risk first), then
the rest. Posts already labelled in the feedback files, error rows and reposts of the same text
(same content hash) are left out.

The interactive loop reads one key per decision: y scam recruitment, n not, s skip, u undo,
q quit. On a terminal keys are read without Enter (cbreak mode on POSIX, msvcrt on Windows);
from a pipe or a test, characters are read from stdin one by one, whitespace ignored, so
`printf 'yns' | jobscan review …` works. Every decision is appended to the feedback file at once.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .localized import LocalizedError
from .readers import records
from .messages import t

MARGIN = 0.1
MAX_SHOWN_CHARS = 2000
KEYS = {"y": "scam", "n": "not", "s": "skip", "u": "undo", "q": "quit"}


class ReviewError(LocalizedError):
    pass


@dataclass
class Item:
    text: str
    hash: str
    risk: float | None
    verdict: str | None
    language: str | None
    flags: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    source: str | None = None
    line: Any = None
    reason: str = "rest"

    def where(self) -> str:
        return f"{self.source}:{self.line}" if self.source else (str(self.line) if self.line is not None else "")


# ------------------------------------------------------------------ reading scan output
def _text_of(row: dict[str, Any], columns: list[str]) -> str:
    parts = []
    for c in columns:
        v = row.get(c)
        if v is None or isinstance(v, (dict, list)):
            continue
        v = str(v)
        if v.strip():
            parts.append(v)
    return "\n".join(parts)


def _float(v) -> float | None:
    try:
        return None if v in (None, "") else float(v)
    except (TypeError, ValueError):
        return None


def _ids(v) -> list[str]:
    if isinstance(v, list):
        return [f["id"] if isinstance(f, dict) else str(f) for f in v]
    return [x for x in str(v or "").split(";") if x]


def _evidence(v) -> list[str]:
    if isinstance(v, list):
        return [str(x) for x in v]
    return [x for x in str(v or "").split(" | ") if x]


def _records(path: Path):
    return records(path, lambda reason: ReviewError(f"review.error.{reason}", path=str(path)))


def read_scan_output(path: str | Path, text_columns: list[str] | None = None) -> list[Item]:
    """The reviewable rows of a `jobscan scan` output (CSV, JSONL or JSON): text, risk, verdict, flags."""
    from .feedback import content_hash

    path = Path(path)
    if not path.is_file():
        raise ReviewError("review.error.not_found", path=str(path))
    columns = text_columns or ["text"]
    items, seen_columns = [], False
    for k, row in enumerate(_records(path), 1):
        if any(c in row for c in columns):
            seen_columns = True
        if row.get("error"):
            continue
        text = _text_of(row, columns)
        if not text.strip():
            continue
        items.append(Item(text=text, hash=content_hash(text), risk=_float(row.get("risk")),
                          verdict=row.get("verdict") or None, language=row.get("language") or None,
                          flags=_ids(row.get("flags")), evidence=_evidence(row.get("top_evidence")),
                          source=row.get("source") or path.name, line=row.get("line") or k))
    if not seen_columns and not items:
        raise ReviewError("review.error.no_text", path=str(path), columns=", ".join(columns))
    return items


# ------------------------------------------------------------------ ordering
def build_queue(items: list[Item], thresholds: dict[str, float], skip: set[str] | None = None,
                margin: float = MARGIN, scorer=None) -> list[Item]:
    """Reviewable items in the order most worth a trainer's time (see the module docstring)."""
    from .scoring import verdict_for

    skip = skip or set()
    unique, seen = [], set()
    for it in items:
        if it.hash in seen or it.hash in skip:
            continue
        seen.add(it.hash)
        unique.append(it)
    missing = [it for it in unique if it.risk is None]
    if missing and scorer is not None:
        from .featurize import prepare

        risks = scorer.score_docs([prepare(it.text) for it in missing])
        for it, r in zip(missing, risks):
            it.risk = round(float(r), 4)
    review, flagged = thresholds["review"], thresholds["flagged"]
    tiers: dict[str, list[tuple[float, int, Item]]] = {"uncertain": [], "flagged": [], "rest": []}
    for k, it in enumerate(unique):
        r = it.risk if it.risk is not None else 0.0
        it.verdict = verdict_for(r, thresholds)
        distance = min(abs(r - review), abs(r - flagged))
        if review <= r < flagged or distance <= margin:
            it.reason = "uncertain"
            tiers["uncertain"].append((distance, k, it))
        elif r >= flagged:
            it.reason = "flagged"
            tiers["flagged"].append((r, k, it))
        else:
            it.reason = "rest"
            tiers["rest"].append((-r, k, it))
    out = []
    for name in ("uncertain", "flagged", "rest"):
        out.extend(it for _, _, it in sorted(tiers[name], key=lambda x: (x[0], x[1])))
    return out


def queue_rows(queue: list[Item]) -> list[dict[str, Any]]:
    """Rows for `feedback.export_csv` (label left blank for the trainer)."""
    return [{"hash": it.hash, "label": "", "category": "", "language": it.language or "", "risk": it.risk,
             "verdict": it.verdict, "flags": it.flags, "top_evidence": " | ".join(it.evidence), "text": it.text,
             "source": it.source, "line": it.line} for it in queue]


# ------------------------------------------------------------------ keys
class KeyReader:
    """One key per decision. A terminal is read in cbreak mode (no Enter needed); anything else is read
    character by character, skipping whitespace. Returns a lower-case character, or None at end of input."""

    def __init__(self, stream=None):
        self.stream = stream if stream is not None else sys.stdin
        self._pending: list[str] = []

    def _is_tty(self) -> bool:
        try:
            return self.stream.isatty()
        except (AttributeError, ValueError):
            return False

    def read(self) -> str | None:
        if self._pending:
            return self._pending.pop(0)
        if self._is_tty():
            ch = self._read_terminal()
            if ch is not None:
                return ch
        while True:
            ch = self.stream.read(1)
            if not ch:
                return None
            if not ch.isspace():
                return ch.lower()

    def _read_terminal(self) -> str | None:
        if os.name == "nt":  # pragma: no cover - Windows console
            import msvcrt

            ch = msvcrt.getwch()
            if ch in ("\x00", "\xe0"):  # arrow and function keys come as two characters
                msvcrt.getwch()
                return "?"
            return ch.lower()
        try:
            import termios
            import tty

            fd = self.stream.fileno()
            saved = termios.tcgetattr(fd)
        except (ImportError, OSError, ValueError, AttributeError):
            return None
        try:
            tty.setcbreak(fd, termios.TCSANOW)  # TCSANOW keeps keys typed ahead
            while True:
                data = os.read(fd, 32)  # an escape sequence (arrow key) arrives in one read
                if not data:
                    return "\x04"
                text = data.decode("utf-8", "replace")
                if text.startswith("\x1b"):
                    return "?"
                keys = [ch.lower() for ch in text if not ch.isspace()]  # Enter and spaces are ignored
                if keys:
                    self._pending.extend(keys[1:])
                    return keys[0]
        finally:
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)


# ------------------------------------------------------------------ display
def _spans(result: dict[str, Any]) -> list[tuple[int, int, str]]:
    spans = []
    for f in result["flags"]:
        for e in f["evidence"]:
            spans.append((e["start"], e["end"], f["kind"]))
    spans.sort()
    merged: list[tuple[int, int, str]] = []
    for a, b, kind in spans:
        if merged and a < merged[-1][1]:
            pa, pb, pk = merged[-1]
            merged[-1] = (pa, max(pb, b), pk if pk != "context" else kind)
        else:
            merged.append((a, b, kind))
    return merged


def highlighted(text: str, result: dict[str, Any], plain: bool):
    """The post with every piece of flag evidence marked: «…» in plain output, colours on a terminal."""
    from rich.text import Text

    shown = text[:MAX_SHOWN_CHARS]
    out = Text()
    pos = 0
    for a, b, kind in _spans(result):
        if a >= len(shown):
            break
        b = min(b, len(shown))
        out.append(shown[pos:a])
        piece = shown[a:b]
        if plain:
            out.append(f"«{piece}»" if kind != "context" else f"‹{piece}›")
        else:
            out.append(piece, style="bold white on red" if kind == "risk" else
                       "bold white on magenta" if kind == "fraud" else "bold black on cyan")
        pos = b
    out.append(shown[pos:])
    return out


def show(console, it: Item, position: int, total: int, thresholds: dict[str, float], result: dict[str, Any],
         lang: str) -> None:
    from rich.text import Text

    plain = not console.is_terminal or console.no_color
    reason = t(f"review.reason.{it.reason}", lang, review=thresholds["review"], flagged=thresholds["flagged"])
    console.print()
    console.print(Text(f"── {position}/{total} · ", style="bold").append(
        t("review.risk", lang, risk=it.risk or 0.0, verdict=t(f"verdict.{it.verdict}", lang)), style="bold")
        .append(f" · {reason}", style="dim"))
    meta = [x for x in (it.where(), t("review.language", lang, language=it.language) if it.language else None) if x]
    if meta:
        console.print(Text(" · ".join(meta), style="dim"))
    console.print(highlighted(it.text, result, plain))
    if len(it.text) > MAX_SHOWN_CHARS:
        console.print(Text(t("review.truncated", lang, n=len(it.text) - MAX_SHOWN_CHARS), style="dim"))
    flags = [f for f in result["flags"] if f["kind"] != "context"]
    context = [f for f in result["flags"] if f["kind"] == "context"]
    if flags:
        console.print(Text(t("review.flags", lang), style="bold"))
        for f in flags:
            console.print(Text(f"  • {f['id']}", style="red").append(f"  {f['description']}", style="default"))
    if context:
        console.print(Text(t("review.context", lang), style="bold"))
        for f in context:
            console.print(Text(f"  • {f['id']}", style="cyan").append(f"  {f['description']}", style="default"))
    console.print(Text(t("review.prompt", lang), style="bold"))


# ------------------------------------------------------------------ the loop
@dataclass
class Outcome:
    scam: int = 0
    not_scam: int = 0
    skipped: int = 0
    undone: int = 0
    shown: int = 0
    left: int = 0
    quit: bool = False


def run(queue: list[Item], scorer, feedback_file, reviewer: str, lang: str, console, keys: KeyReader,
        say: Callable[[str], None] | None = None) -> Outcome:
    """The interactive loop; appends each decision to `feedback_file` (a jobscan.feedback.FeedbackFile)."""
    from .feedback import make_label, make_undo

    say = say or (lambda msg: console.print(msg))
    out = Outcome()
    history: list[tuple[int, str | None, int | None]] = []  # (queue index, hash if labelled, label)
    results: dict[int, dict[str, Any]] = {}
    i = 0
    shown_index = -1
    while i < len(queue):
        it = queue[i]
        if i not in results:
            results[i] = scorer.score_texts([it.text], lang=lang, explain=False)[0]
        if shown_index != i:
            show(console, it, i + 1, len(queue), scorer.thresholds, results[i], lang)
            shown_index = i
            out.shown += 1
        key = keys.read()
        if key is None or key in ("q", "\x04"):
            out.quit = key is not None
            break
        if key == "\x03":
            raise KeyboardInterrupt
        if key in ("y", "n"):
            label = 1 if key == "y" else 0
            feedback_file.append(make_label(it.text, label, reviewer, language=it.language or results[i]["language"],
                                            source=it.where() or None, risk=it.risk))
            history.append((i, it.hash, label))
            if label:
                out.scam += 1
            else:
                out.not_scam += 1
            say(t("review.saved_scam" if label else "review.saved_not", lang))
            i += 1
        elif key == "s":
            history.append((i, None, None))
            out.skipped += 1
            say(t("review.skipped", lang))
            i += 1
        elif key == "u":
            if not history:
                say(t("review.nothing_to_undo", lang))
                continue
            j, h, label = history.pop()
            if h is not None:
                feedback_file.append(make_undo(h, reviewer))
                if label:
                    out.scam -= 1
                else:
                    out.not_scam -= 1
            else:
                out.skipped -= 1
            out.undone += 1
            say(t("review.undone", lang))
            i = j
        else:
            say(t("review.keys_hint", lang))
    out.left = len(queue) - i
    return out
