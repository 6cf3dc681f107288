import csv
import io
import json

import pytest
from typer.testing import CliRunner

from jobscan import feedback as fb
from jobscan.cli import app
from jobscan.review import Item, KeyReader, build_queue, read_scan_output

POSTS = [
    "Lowongan CS di Kamboja gaji USD 1.500, tiket & visa ditanggung, tanpa pengalaman, DM Telegram",
    "Admin online Myanmar, gaji 20 juta, mess gratis, berangkat minggu ini, chat WA",
    "Dijual HP bekas mulus, harga Rp 1,2 juta, COD Jakarta Selatan",
    "Waspada! Tawaran kerja di Kamboja gaji besar itu modus TPPO, cek dulu ke KP2MI",
]


def risks_for(bundle_path):
    """Risks that put POSTS in review order 0, 3, 1, 2 whatever the model's thresholds are."""
    th = json.loads((bundle_path / "meta.json").read_text())["thresholds"]
    return [round(th["flagged"] - 0.005, 4), round(min(0.999, th["flagged"] + 0.2), 4), 0.01,
            round(th["review"] - 0.05, 4)]


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("JOBSCAN_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("JOBSCAN_MODEL", raising=False)


def scan_output(path, risks):
    """A file shaped like `jobscan scan -o x.jsonl` output."""
    with open(path, "w", encoding="utf-8") as f:
        for n, (text, risk) in enumerate(zip(POSTS, risks), 2):
            f.write(json.dumps({"post_id": f"p{n}", "text": text, "source": "posts.csv", "line": n, "risk": risk,
                                "verdict": None, "flags": [], "top_evidence": [], "language": "id", "contacts": [],
                                "cluster": n, "error": None}) + "\n")
        f.write(json.dumps({"text": "", "source": "posts.csv", "line": 99, "risk": None, "error": "empty text"}) + "\n")
    return path


def item(risk, text=None):
    text = text or f"post with risk {risk}"
    return Item(text=text, hash=fb.content_hash(text), risk=risk, verdict=None, language="en")


def test_most_uncertain_first_then_unconfirmed_flagged_then_the_rest():
    th = {"review": 0.2, "flagged": 0.8}
    items = [item(0.05), item(0.99), item(0.5), item(0.79), item(0.95), item(0.25), item(0.79, "post with risk 0.79")]
    labelled = item(0.81, "already labelled")
    q = build_queue(items + [labelled], th, skip={labelled.hash})
    assert [i.risk for i in q] == [0.79, 0.25, 0.5, 0.95, 0.99, 0.05]  # the repost of 0.79 and the labelled post are gone
    assert [i.reason for i in q] == ["uncertain"] * 3 + ["flagged"] * 2 + ["rest"]


def test_key_reader_reads_one_key_at_a_time_from_a_pipe():
    keys = KeyReader(io.StringIO("y\nN  s\tq"))
    assert [keys.read() for _ in range(5)] == ["y", "n", "s", "q", None]


def test_read_scan_output_skips_error_rows(tmp_path):
    items = read_scan_output(scan_output(tmp_path / "r.jsonl", [0.7, 0.9, 0.1, 0.3]))
    assert len(items) == 4 and items[0].where() == "posts.csv:2" and items[0].risk == 0.7


@pytest.fixture()
def run(tiny_bundle):
    runner = CliRunner()
    return lambda *args, input=None: runner.invoke(app, [*args, "--model", str(tiny_bundle)], input=input)


def test_interactive_review_with_skip_undo_and_quit(run, tmp_path, tiny_bundle):
    src = scan_output(tmp_path / "r.jsonl", risks_for(tiny_bundle))
    fpath = tmp_path / "feedback.jsonl"
    # y on the first post, n on the second, skip the third, undo the skip, undo the n, quit
    r = run("review", str(src), "--feedback", str(fpath), "--reviewer", "ana", "--lang", "en", input="y n s u u q")
    assert r.exit_code == 0, r.output
    assert "Scam-compound recruitment?  [y] yes  [n] no  [s] skip  [u] undo  [q] quit" in r.stdout
    assert "«" in r.stdout  # evidence is highlighted in plain output
    assert "labelled 1 scam recruitment and 0 not, skipped 0, 3 left" in r.stdout
    lines = [json.loads(x) for x in fpath.read_text().splitlines()]
    assert [x.get("label", "undo") for x in lines] == [1, 0, "undo"]
    assert lines[0]["text"] == POSTS[0] and lines[0]["reviewer"] == "ana" and lines[0]["source"] == "posts.csv:2"
    labels = fb.current_labels([fpath])
    assert {h: r["label"] for h, r in labels.items()} == {fb.content_hash(POSTS[0]): 1}
    # a second session does not show the labelled post again; end of input quits cleanly
    r = run("review", str(src), "--feedback", str(fpath), "--reviewer", "ana", "--lang", "en", input="")
    assert r.exit_code == 0 and POSTS[0] not in r.stdout and "Tawaran kerja di" in r.stdout


def test_review_speaks_indonesian(run, tmp_path, tiny_bundle):
    src = scan_output(tmp_path / "r.jsonl", risks_for(tiny_bundle))
    r = run("review", str(src), "--feedback", str(tmp_path / "f.jsonl"), "--lang", "id", input="x n q")
    assert r.exit_code == 0, r.output
    assert "Perekrutan markas penipuan?  [y] ya  [n] bukan" in r.stdout
    assert "tekan y (perekrutan penipuan)" in r.stdout  # an unknown key gets the hint
    assert "disimpan: bukan perekrutan penipuan" in r.stdout
    assert "postingan untuk ditinjau" in r.stderr


def test_export_for_a_spreadsheet_and_import_the_labels(run, tmp_path, tiny_bundle):
    src = scan_output(tmp_path / "r.jsonl", risks_for(tiny_bundle))
    out, fpath = tmp_path / "queue.csv", tmp_path / "feedback.jsonl"
    r = run("review", str(src), "--export", str(out), "--feedback", str(fpath), "--lang", "en")
    assert r.exit_code == 0, r.output
    assert "wrote 4 posts" in r.stdout and f"jobscan review --import {out}" in r.stdout
    rows = list(csv.DictReader(open(out, encoding="utf-8-sig")))
    risks = risks_for(tiny_bundle)
    assert [float(x["risk"]) for x in rows] == [risks[0], risks[3], risks[1], risks[2]]  # the review order
    rows[0]["label"], rows[2]["label"], rows[3]["label"] = "1", "y", "0"
    with open(out, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    r = run("review", "--import", str(out), "--feedback", str(fpath), "--reviewer", "budi", "--lang", "id")
    assert r.exit_code == 0, r.output
    assert "menambahkan 3 label (2 perekrutan penipuan, 1 bukan)" in r.stdout and "1 baris kosong dilewati" in r.stdout
    assert len(fb.current_labels([fpath])) == 3
    r = run("review", str(src), "--export", str(out), "--feedback", str(fpath), "--lang", "en")
    assert r.exit_code == 2 and "--force" in r.stderr
    r = run("review", str(src), "--export", str(out), "--feedback", str(fpath), "--force", "--lang", "en")
    assert r.exit_code == 0 and "wrote 1 posts" in r.stdout  # labelled posts are not exported again


def test_review_reads_real_scan_csv_output(run, tmp_path):
    posts = tmp_path / "posts.csv"
    with open(posts, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "text"])
        for n, text in enumerate(POSTS):
            w.writerow([n, text])
    results = tmp_path / "results.csv"
    assert run("scan", str(posts), "-o", str(results)).exit_code == 0
    r = run("review", str(results), "--feedback", str(tmp_path / "f.jsonl"), "--lang", "en", input="q")
    assert r.exit_code == 0, r.output
    assert "── 1/4" in r.stdout


def test_review_errors_are_one_line_in_both_languages(run, tmp_path, tiny_bundle):
    r = run("review", str(tmp_path / "missing.csv"), "--lang", "en")
    assert r.exit_code == 2 and r.stderr.strip() == f"jobscan: error: scan output not found: {tmp_path / 'missing.csv'}"
    r = run("review", "--lang", "id")
    assert r.exit_code == 2 and "galat" in r.stderr and "berikan hasil `jobscan scan`" in r.stderr
    bad = tmp_path / "f.jsonl"
    bad.write_text("{oops\n")
    r = run("review", str(scan_output(tmp_path / "r.jsonl", risks_for(tiny_bundle))), "--feedback", str(bad), "--lang", "en")
    assert r.exit_code == 2 and "f.jsonl:1" in r.stderr
