"""Human-readable rendering of a `check` result (rich, on stdout)."""

from __future__ import annotations

import os
import sys
from typing import Any

from rich.console import Console
from rich.text import Text

from .messages import t

_STYLE = {"flagged": "bold white on red", "review": "bold black on yellow", "ok": "bold white on green"}
CONTEXT_CHARS = 40


def _console() -> Console:
    return Console(file=sys.stdout, highlight=False, soft_wrap=False,
                   no_color=bool(os.environ.get("NO_COLOR")))


def _snippet(ad: str, start: int, end: int, plain: bool) -> Text:
    a = max(0, start - CONTEXT_CHARS)
    b = min(len(ad), end + CONTEXT_CHARS)
    before = ad[a:start].replace("\n", " ")
    inside = ad[start:end].replace("\n", " ")
    after = ad[end:b].replace("\n", " ")
    out = Text("      “" + ("…" if a > 0 else ""))
    out.append(before)
    out.append(f"«{inside}»" if plain else inside, style=None if plain else "bold reverse")
    out.append(after + ("…" if b < len(ad) else "") + "”")
    return out


def render_check(result: dict[str, Any], ad: str, console: Console | None = None) -> None:
    console = console or _console()
    plain = not console.is_terminal or console.no_color
    lang = result.get("output_language", "en")
    verdict = result["verdict"]
    th = result["thresholds"]
    console.print(Text(f" {t('headline.' + verdict, lang)} ", style=_STYLE[verdict]))
    console.print(t("risk_line", lang, risk=result["risk"], review=th["review"], flagged=th["flagged"]))
    if verdict == "ok":
        console.print(t("low_risk_caveat", lang))
    risk_flags = [f for f in result["flags"] if f["kind"] in ("risk", "fraud")]
    context_flags = [f for f in result["flags"] if f["kind"] == "context"]
    console.print()
    console.print(Text(t("section.flags", lang), style="bold"))
    if not risk_flags:
        console.print("  " + t("section.no_flags", lang))
    for f in risk_flags:
        console.print(Text(f"  • {f['id']}", style="bold red" if f["kind"] == "risk" else "bold magenta")
                      .append(f"  {f['description']}", style="default"))
        for e in f["evidence"]:
            console.print(_snippet(ad, e["start"], e["end"], plain))
    if context_flags:
        console.print()
        console.print(Text(t("section.context", lang), style="bold"))
        for f in context_flags:
            console.print(Text(f"  • {f['id']}", style="bold cyan").append(f"  {f['description']}", style="default"))
            for e in f["evidence"]:
                console.print(_snippet(ad, e["start"], e["end"], plain))
    if result["other_fraud"]:
        console.print()
        console.print(Text(t("section.fraud", lang), style="bold magenta"))
        console.print("  " + t("fraud.body", lang))
    if result["top_terms"]:
        console.print()
        console.print(Text(t("section.terms", lang), style="bold").append(" " + t("terms.legend", lang), style="dim"))
        line = Text("  ")
        for k, term in enumerate(result["top_terms"]):
            sign = "+" if term["contribution"] > 0 else "-"
            line.append(("" if k == 0 else ", ") + f"{sign} {term['term']}",
                        style="red" if term["contribution"] > 0 else "green")
        console.print(line)
    if result["contacts"]:
        console.print()
        console.print(Text(t("section.contacts", lang), style="bold"))
        for c in result["contacts"]:
            console.print(f"  • {c['kind']}: {c['value']}")
    console.print()
    console.print(Text(t("section.advice", lang), style="bold"))
    console.print("  " + t("advice." + verdict, lang))
    for a in result["advice"]:
        console.print(Text(f"  • {a['name']}: ", style="bold").append(a["contact"], style="default"))
        console.print(f"      {a['what']} ({t('advice.source', lang, date=a['source_date'])})")
    console.print()
    console.print(Text(t("model_line", lang, name=result["model"]["name"], version=result["model"]["version"]), style="dim"))
