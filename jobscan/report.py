"""The shareable scan report: one self-contained, offline HTML file (no scripts, no downloads).

Built incrementally from output rows, with bounded memory: verdict counts, flag frequencies,
the highest-risk posts with their evidence highlighted, repost clusters, and contacts ranked by
the number of flagged posts they appear in.
"""

from __future__ import annotations

import heapq
import html
from collections import Counter
from datetime import datetime, timezone
from typing import Any

from . import contacts as contactmod
from .messages import t

SNIPPET = 1500
CLUSTER_SNIPPET = 200


class ReportBuilder:
    def __init__(self, top_n: int = 50, lang: str = "en", redact: bool = False):
        self.top_n = top_n
        self.lang = lang
        self.redact = redact
        self.rows = 0
        self.errors = 0
        self.verdicts: Counter = Counter()
        self.flag_counts: Counter = Counter()
        self.top: list[tuple[float, int, dict]] = []
        self.cluster_counts: Counter = Counter()
        self.cluster_snippet: dict[int, str] = {}
        self.contacts: Counter = Counter()
        self.contact_kind: dict[str, str] = {}
        self.model = None

    def add(self, out: dict[str, Any], text: str | None) -> None:
        self.rows += 1
        if out.get("error"):
            self.errors += 1
            return
        verdict = out["verdict"]
        self.verdicts[verdict] += 1
        if verdict == "ok":
            return
        risky = [f for f in out["flags"] if f["kind"] != "context"]
        self.flag_counts.update(f["id"] for f in risky)
        for c in out["contacts"]:
            self.contacts[c["value"]] += 1 if verdict == "flagged" else 0
            self.contact_kind.setdefault(c["value"], c["kind"])
        cluster = out.get("cluster")
        if cluster is not None:
            self.cluster_counts[cluster] += 1
            if self.cluster_counts[cluster] == 2 and text:
                self.cluster_snippet[cluster] = self._clean(text[:CLUSTER_SNIPPET])
        if text is None:
            return
        record = {"source": out.get("source"), "line": out.get("line"), "risk": out["risk"], "verdict": verdict,
                  "text": text[:SNIPPET], "cluster": cluster,
                  "spans": sorted((e["start"], e["end"]) for f in risky for e in f["evidence"] if e["end"] <= SNIPPET),
                  "flags": [f["id"] for f in risky]}
        item = (out["risk"], -self.rows, record)
        if len(self.top) < self.top_n:
            heapq.heappush(self.top, item)
        elif item > self.top[0]:
            heapq.heapreplace(self.top, item)

    def _clean(self, s: str) -> str:
        return contactmod.redact(s) if self.redact else s

    def _highlight(self, text: str, spans: list[tuple[int, int]]) -> str:
        parts = []
        last = 0
        for a, b in spans:
            if a < last:
                a = last
            if b <= a:
                continue
            parts.append(html.escape(self._clean(text[last:a])))
            parts.append("<mark>" + html.escape(self._clean(text[a:b])) + "</mark>")
            last = b
        parts.append(html.escape(self._clean(text[last:])))
        return "".join(parts).replace("\n", "<br>")

    def render(self, model: dict[str, str] | None = None) -> str:
        L = self.lang
        e = html.escape
        out = [f"<!DOCTYPE html><html lang=\"{L}\"><head><meta charset=\"utf-8\">",
               f"<title>{e(t('report.title', L))}</title><style>{_CSS}</style></head><body>",
               f"<h1>{e(t('report.title', L))}</h1>",
               f"<p class=\"meta\">{e(t('report.generated', L, date=datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')))}"
               + (f" · {e(model['name'])} {e(model['version'])}" if model else "") + "</p>",
               f"<p class=\"note\">{e(t('report.human_review', L))}</p>"]
        # verdict counts
        out.append(f"<h2 id=\"verdicts\">{e(t('report.verdicts', L))}</h2><table class=\"counts\"><tr>")
        for v in ("flagged", "review", "ok"):
            out.append(f"<th>{e(t('verdict.' + v, L))}</th>")
        out.append(f"<th>{e(t('report.errors', L))}</th><th>{e(t('report.total', L))}</th></tr><tr>")
        for v in ("flagged", "review", "ok"):
            out.append(f"<td class=\"{v}\" data-verdict=\"{v}\">{self.verdicts.get(v, 0)}</td>")
        out.append(f"<td data-verdict=\"error\">{self.errors}</td><td data-verdict=\"total\">{self.rows}</td></tr></table>")
        # flag chart
        out.append(f"<h2 id=\"flags\">{e(t('report.flags', L))}</h2>")
        top_flags = self.flag_counts.most_common(15)
        if top_flags:
            peak = top_flags[0][1]
            height = 24 * len(top_flags) + 10
            out.append(f"<svg role=\"img\" aria-label=\"{e(t('report.flags', L))}\" width=\"720\" height=\"{height}\">")
            for k, (fid, n) in enumerate(top_flags):
                w = max(2, int(420 * n / peak))
                y = 5 + 24 * k
                out.append(f"<text x=\"0\" y=\"{y + 15}\" class=\"flag-label\">{e(fid)}</text>"
                           f"<rect x=\"250\" y=\"{y}\" width=\"{w}\" height=\"18\" class=\"bar\"></rect>"
                           f"<text x=\"{256 + w}\" y=\"{y + 15}\">{n}</text>")
            out.append("</svg>")
        else:
            out.append(f"<p>{e(t('report.none', L))}</p>")
        # top posts
        out.append(f"<h2 id=\"posts\">{e(t('report.top_posts', L))}</h2>")
        ranked = [r for _, _, r in sorted(self.top, key=lambda x: (-x[0], -x[1]))]
        if not ranked:
            out.append(f"<p>{e(t('report.none', L))}</p>")
        for r in ranked:
            out.append(f"<article class=\"post {r['verdict']}\"><header><strong>{r['risk']:.0%}</strong> "
                       f"{e(t('verdict.' + r['verdict'], L))} · {e(str(r['source']))}:{r['line']}"
                       + (f" · {e(t('report.cluster', L))} {r['cluster']}" if r["cluster"] is not None else "")
                       + f"</header><p>{self._highlight(r['text'], r['spans'])}</p>"
                       f"<footer>{e(', '.join(r['flags']))}</footer></article>")
        # clusters
        out.append(f"<h2 id=\"clusters\">{e(t('report.clusters', L))}</h2>")
        reposts = [(c, n) for c, n in self.cluster_counts.most_common(30) if n > 1]
        if reposts:
            out.append(f"<table><tr><th>{e(t('report.cluster', L))}</th><th>{e(t('report.posts', L))}</th>"
                       f"<th>{e(t('report.example', L))}</th></tr>")
            for c, n in reposts:
                out.append(f"<tr><td>{c}</td><td>{n}</td><td>{html.escape(self.cluster_snippet.get(c, ''))}</td></tr>")
            out.append("</table>")
        else:
            out.append(f"<p>{e(t('report.none', L))}</p>")
        # contacts
        out.append(f"<h2 id=\"contacts\">{e(t('report.contacts', L))}</h2>")
        ranked_contacts = [(c, n) for c, n in self.contacts.most_common(50) if n > 0]
        if ranked_contacts:
            out.append(f"<table><tr><th>{e(t('report.contact', L))}</th><th>{e(t('report.kind', L))}</th>"
                       f"<th>{e(t('report.flagged_posts', L))}</th></tr>")
            for c, n in ranked_contacts:
                out.append(f"<tr><td class=\"contact\">{e(c)}</td><td>{e(self.contact_kind.get(c, ''))}</td><td>{n}</td></tr>")
            out.append("</table>")
        else:
            out.append(f"<p>{e(t('report.none', L))}</p>")
        out.append("</body></html>\n")
        return "".join(out)


_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#1b1b1b}
h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ddd}
.meta{color:#555}.note{background:#fff7d6;padding:.6em;border-left:4px solid #e0b400}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}
td.flagged{background:#fde2e1;font-weight:bold}td.review{background:#fff4cc}td.ok{background:#e3f6e5}
.bar{fill:#c0392b}.flag-label{font-family:monospace;font-size:12px}svg text{font-size:12px}
article.post{border:1px solid #ddd;border-left:6px solid #c0392b;margin:1em 0;padding:.5em 1em}
article.review{border-left-color:#e0b400}mark{background:#ffd54f;padding:0 .1em}
article footer{font-family:monospace;font-size:.85em;color:#555}.contact{font-family:monospace}
"""
