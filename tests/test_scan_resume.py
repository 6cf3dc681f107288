"""Resuming an interrupted scan gives the files, the summary and the report of an uninterrupted one,
whatever the output format; CSV columns that appear midway are added to every row."""

import csv
import json
import re

import pytest
from typer.testing import CliRunner

from jobscan import batch
from jobscan.cli import app

from .scan_posts import AD, OTHER


@pytest.fixture()
def run(shipped_bundle):
    runner = CliRunner()
    return lambda *args: runner.invoke(app, list(args))


def posts(path, n=40):
    """JSONL posts: ads and reposts, other posts, an empty text, and a field that appears midway."""
    with open(path, "w", encoding="utf-8") as f:
        for k in range(n):
            row = {"id": k, "text": AD.format(n=k % 7 + 10) if k % 3 else OTHER.format(n=k)}
            if k == 5:
                row["text"] = ""
            if k >= 25:
                row["group"] = f"g{k % 2}"
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


def without_date(html: str) -> str:
    return re.sub(r'<p class="meta">.*?</p>', "", html)


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_resumed_scan_matches_an_uninterrupted_one(run, tmp_path, monkeypatch, fmt):
    src = posts(tmp_path / "p.jsonl")
    args = ["--chunk-size", "8", "--report"]
    full = run("scan", str(src), "-o", str(tmp_path / f"full.{fmt}"), *args, str(tmp_path / "full.html"))
    assert full.exit_code == 0, full.output

    real = batch.score_chunk
    calls = {"n": 0}

    def flaky(texts, lang):
        calls["n"] += 1
        if calls["n"] == 4:  # after 24 rows, before the new column appears
            raise KeyboardInterrupt
        return real(texts, lang)

    monkeypatch.setattr(batch, "score_chunk", flaky)
    out, report = tmp_path / f"out.{fmt}", tmp_path / "out.html"
    assert run("scan", str(src), "-o", str(out), *args, str(report)).exit_code == 130
    monkeypatch.setattr(batch, "score_chunk", real)
    resumed = run("scan", str(src), "-o", str(out), *args, str(report), "--resume")
    assert resumed.exit_code == 0, resumed.output

    assert out.read_bytes() == (tmp_path / f"full.{fmt}").read_bytes()
    assert without_date(report.read_text(encoding="utf-8")) == without_date((tmp_path / "full.html").read_text(encoding="utf-8"))
    def summary(stderr):
        return [line for line in stderr.splitlines() if "report written" not in line and "resum" not in line]

    assert summary(resumed.stderr) == summary(full.stderr)
    assert not list(tmp_path.glob(f".out.{fmt}.part*"))


def test_csv_columns_that_appear_midway_are_in_every_row(run, tmp_path):
    src = posts(tmp_path / "p.jsonl")
    out = tmp_path / "o.csv"
    assert run("scan", str(src), "-o", str(out), "--chunk-size", "8").exit_code == 0
    with open(out, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    assert header[:2] == ["id", "text"] and header[-1] == "group"
    assert len(body) == 40 and {len(r) for r in body} == {len(header)}
    assert [r[-1] for r in body[23:27]] == ["", "", "g1", "g0"]
    assert body[5][header.index("error")] and body[7][header.index("verdict")] == "flagged"
