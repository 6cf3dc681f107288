"""The volunteers' scan: repost clusters, contacts, watchlist, redaction, resume, workers, formats, report."""

import csv
import json
import shutil
import subprocess

import pytest
from typer.testing import CliRunner

from jobscan import batch
from jobscan.cli import app

from .scan_posts import AD, OTHER


@pytest.fixture()
def run(shipped_bundle):
    runner = CliRunner()
    return lambda *args, input=None: runner.invoke(app, list(args), input=input)


def write_jsonl(path, texts):
    path.write_text("".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in enumerate(texts)),
                    encoding="utf-8")
    return path


def read_jsonl(path):
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


def test_reposts_share_a_cluster_and_contacts_are_normalised(run, tmp_path):
    src = write_jsonl(tmp_path / "p.jsonl", [AD.format(n=2), OTHER.format(n=1), AD.format(n=3), OTHER.format(n=2)])
    out = tmp_path / "o.jsonl"
    r = run("scan", str(src), "-o", str(out))
    assert r.exit_code == 0, r.output
    rows = read_jsonl(out)
    assert rows[0]["cluster"] == rows[2]["cluster"] == 1
    assert rows[1]["cluster"] == rows[3]["cluster"] == 2
    values = {c["value"] for c in rows[0]["contacts"]}
    assert {"+6281234567802", "@hr_kh_2"} <= values
    assert "+6281234567802" in r.stderr  # the summary names the most frequent contacts


def test_watchlist_flags_known_recruiters(run, tmp_path):
    src = write_jsonl(tmp_path / "p.jsonl", [AD.format(n=2), OTHER.format(n=1), "Info kerja: hubungi K4k R1n4 ya"])
    wl = tmp_path / "watch.txt"
    wl.write_text("# known recruiters\n+62 812 3456 7802\nkak rina\n", encoding="utf-8")
    out = tmp_path / "o.jsonl"
    assert run("scan", str(src), "-o", str(out), "--watchlist", str(wl)).exit_code == 0
    rows = read_jsonl(out)
    known = [[f for f in r["flags"] if f["id"] == "KNOWN_RECRUITER"] for r in rows]
    assert known[0] and known[0][0]["entries"] == ["+62 812 3456 7802"]
    assert known[0][0]["evidence"][0]["text"] == "0812-3456-7802"
    assert not known[1]
    assert known[2] and known[2][0]["evidence"][0]["text"] == "K4k R1n4"  # l33t does not hide a phrase
    assert run("scan", str(src), "--watchlist", str(tmp_path / "nope.txt")).exit_code == 2


def test_redact_masks_contacts_everywhere(run, tmp_path):
    src = write_jsonl(tmp_path / "p.jsonl", [AD.format(n=2), AD.format(n=2)])
    with open(src, "a", encoding="utf-8") as f:  # an error row (not a JSON object) keeps its data, masked too
        f.write(json.dumps(["call 0812-3456-7802"]) + "\n")
    out, rep = tmp_path / "o.jsonl", tmp_path / "r.html"
    assert run("scan", str(src), "-o", str(out), "--redact", "--report", str(rep)).exit_code == 0
    text = out.read_text(encoding="utf-8") + rep.read_text(encoding="utf-8")
    for secret in ("3456", "hr_kh_2", "0812"):
        assert secret not in text
    rows = read_jsonl(out)
    assert rows[0]["contacts"][0]["value"] == rows[1]["contacts"][0]["value"]  # stable pseudonyms within a scan
    assert rows[0]["contacts"][0]["value"].startswith("phone#")


def test_interrupted_scan_resumes_without_losing_or_duplicating_rows(run, tmp_path, monkeypatch):
    texts = [AD.format(n=k % 90 + 10) if k % 3 else OTHER.format(n=k) for k in range(40)]
    src = write_jsonl(tmp_path / "p.jsonl", texts)
    expected = tmp_path / "full.csv"
    assert run("scan", str(src), "-o", str(expected), "--chunk-size", "8").exit_code == 0

    real = batch.score_chunk
    calls = {"n": 0}

    def flaky(texts, lang):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(texts, lang)

    monkeypatch.setattr(batch, "score_chunk", flaky)
    out = tmp_path / "out.csv"
    r = run("scan", str(src), "-o", str(out), "--chunk-size", "8")
    assert r.exit_code == 130 and "--resume" in r.stderr
    assert not out.exists()  # no half-written file under the final name
    assert run("scan", str(src), "-o", str(out), "--chunk-size", "8").exit_code == 2  # must say resume or force
    monkeypatch.setattr(batch, "score_chunk", real)
    r = run("scan", str(src), "-o", str(out), "--chunk-size", "8", "--resume")
    assert r.exit_code == 0, r.output
    got = list(csv.DictReader(open(out, encoding="utf-8")))
    want = list(csv.DictReader(open(expected, encoding="utf-8")))
    assert [g["id"] for g in got] == [str(i) for i in range(40)]
    assert got == want
    assert not list(tmp_path.glob(".out.csv.part*"))


def test_two_workers_give_the_same_rows_as_one(run, tmp_path):
    texts = [AD.format(n=k % 90 + 10) if k % 2 else OTHER.format(n=k) for k in range(30)]
    src = write_jsonl(tmp_path / "p.jsonl", texts)
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert run("scan", str(src), "-o", str(one), "--chunk-size", "4").exit_code == 0
    assert run("scan", str(src), "-o", str(two), "--chunk-size", "4", "--workers", "2").exit_code == 0
    assert read_jsonl(one) == read_jsonl(two)


@pytest.mark.parametrize("name, content", [
    ("p.tsv", "id\ttext\n1\t{ad}\n".encode("utf-8")),
    ("p.json", json.dumps([{"id": 1, "text": "{ad}"}]).encode("utf-8")),
    ("p16.csv", "id,text\n1,\"{ad}\"\n".encode("utf-16")),
    ("bom.csv", "\ufeffid,text\n1,\"{ad}\"\n".encode("utf-8")),
    ("latin.csv", "id,text\n1,\"{ad} caf\u00e9\"\n".encode("cp1252")),
    ("p.txt", "{ad}\n\nsecond post here\n".encode("utf-8")),
])
def test_input_formats_and_encodings(run, tmp_path, name, content):
    ad = AD.format(n=2)
    path = tmp_path / name
    path.write_bytes(content.replace(b"{ad}", ad.encode("utf-8")) if b"{ad}" in content
                     else content.decode("utf-16").replace("{ad}", ad).encode("utf-16"))
    r = run("scan", str(path))
    assert r.exit_code == 0, r.output
    rows = [json.loads(x) for x in r.stdout.splitlines()]
    assert rows[0]["verdict"] == "flagged"
    if name == "latin.csv":
        assert rows[0]["text"].endswith("café")


def test_parquet_in_and_out(run, tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    src = tmp_path / "p.parquet"
    pq.write_table(pa.table({"id": [1, 2], "text": [AD.format(n=2), OTHER.format(n=1)]}), src)
    out = tmp_path / "o.parquet"
    assert run("scan", str(src), "-o", str(out)).exit_code == 0
    table = pq.read_table(out).to_pylist()
    assert [r["verdict"] for r in table] == ["flagged", "ok"]
    assert "HIGH_RISK_DESTINATION" in table[0]["flags"]


def test_report_is_self_contained_and_complete(run, tmp_path):
    src = write_jsonl(tmp_path / "p.jsonl", [AD.format(n=2), OTHER.format(n=1), AD.format(n=3), "", "x" * 5])
    rep = tmp_path / "report.html"
    assert run("scan", str(src), "--report", str(rep), "--lang", "id", "-q").exit_code == 0
    page = rep.read_text(encoding="utf-8")
    assert "<script" not in page and "http://" not in page and "https://" not in page and " src=" not in page
    assert "Laporan jobscan" in page and "<mark>" in page and 'data-verdict="flagged">2<' in page
    assert "+6281234567802" in page  # contacts ranked by flagged posts


def _chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.mark.skipif(_chromium() is None, reason="Chromium not installed (apt-get install chromium); .ci/run installs it")
def test_report_renders_in_headless_chromium(run, tmp_path):
    src = write_jsonl(tmp_path / "p.jsonl", [AD.format(n=2), OTHER.format(n=1), AD.format(n=3)])
    rep = tmp_path / "report.html"
    assert run("scan", str(src), "--report", str(rep), "--lang", "en", "-q").exit_code == 0
    dom = subprocess.run([_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                          "--disable-component-update", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
                          "--dump-dom", rep.as_uri()], capture_output=True, text=True, timeout=120).stdout
    assert "Highest-risk posts" in dom and "Repost clusters" in dom
    assert dom.count('<article class="post flagged">') == 2
    assert "<mark>" in dom and "HIGH_RISK_DESTINATION" in dom
