import csv
import json

import pytest
from typer.testing import CliRunner

from jobscan.cli import app

SCAM = "Lowongan CS di Kamboja gaji USD 1.500, tiket & visa ditanggung, tanpa pengalaman, DM Telegram @hr_kh"
LEGIT = "Dijual HP bekas mulus, harga Rp 1,2 juta, COD Jakarta Selatan"


@pytest.fixture()
def run(shipped_bundle):
    runner = CliRunner()
    return lambda *args, input=None: runner.invoke(app, list(args), input=input)


def test_csv_in_csv_out_keeps_every_row_and_column_in_order(run, tmp_path):
    src = tmp_path / "posts.csv"
    with open(src, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["post_id", "text", "group"])
        w.writerow(["a1", SCAM, "fb1"])
        w.writerow(["a2", "", "fb1"])
        w.writerow(["a3", LEGIT, "fb2"])
    out = tmp_path / "out.csv"
    r = run("scan", str(src), "-o", str(out))
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(open(out, encoding="utf-8")))
    assert [x["post_id"] for x in rows] == ["a1", "a2", "a3"]
    assert rows[0]["verdict"] == "flagged" and "HIGH_RISK_DESTINATION" in rows[0]["flags"].split(";")
    assert rows[1]["error"] and "empty" in rows[1]["error"] and rows[1]["group"] == "fb1"
    assert rows[2]["verdict"] == "ok" and float(rows[2]["risk"]) < float(rows[0]["risk"])
    assert "1 flagged" in r.stderr and "1 errors" in r.stderr


def test_jsonl_with_a_broken_line_keeps_it_as_an_error_row(run, tmp_path):
    src = tmp_path / "posts.jsonl"
    src.write_text(json.dumps({"id": 1, "text": SCAM}) + "\n{broken json\n" + json.dumps({"id": 3, "text": LEGIT}) + "\n",
                   encoding="utf-8")
    r = run("scan", str(src))
    assert r.exit_code == 0
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert len(rows) == 3
    assert rows[1]["error"].startswith("line 2") and rows[1]["_raw"] == "{broken json"
    assert rows[0]["flags"][0]["evidence"][0]["text"] in SCAM  # JSON rows carry the check schema's flags


def test_existing_output_is_not_overwritten_without_force(run, tmp_path):
    src = tmp_path / "p.jsonl"
    src.write_text(json.dumps({"text": SCAM}) + "\n", encoding="utf-8")
    out = tmp_path / "o.jsonl"
    out.write_text("precious\n")
    r = run("scan", str(src), "-o", str(out))
    assert r.exit_code == 2 and "--force" in r.stderr
    assert out.read_text() == "precious\n"
    assert run("scan", str(src), "-o", str(out), "--force").exit_code == 0
    assert json.loads(out.read_text())["verdict"] == "flagged"


@pytest.mark.parametrize("name, content, message", [
    ("missing.csv", None, "not found"),
    ("x.xlsx", b"PK", "format"),
    ("h.csv", b"title,body\nx,y\n", "no column named 'text'"),
    ("folder", "dir", "no .csv"),
])
def test_unreadable_inputs_are_one_line_errors(run, tmp_path, name, content, message):
    path = tmp_path / name
    if content == "dir":
        path.mkdir()
    elif content is not None:
        path.write_bytes(content)
    r = run("scan", str(path))
    assert r.exit_code == 2 and message in r.stderr and "Traceback" not in r.output


def test_stdin_needs_a_format_and_fail_on(run):
    assert run("scan", "-", input=SCAM).exit_code == 2
    r = run("scan", "-", "--input-format", "txt", "--fail-on", "flagged", input=SCAM + "\n\n" + LEGIT + "\n")
    assert r.exit_code == 1
    assert [json.loads(x)["verdict"] for x in r.stdout.splitlines()] == ["flagged", "ok"]


def test_several_text_columns_are_joined(run, tmp_path):
    src = tmp_path / "t.csv"
    src.write_text("title,description\nCS Kamboja gaji USD 1500,\"tiket ditanggung, tanpa pengalaman, DM Telegram\"\n",
                   encoding="utf-8")
    r = run("scan", str(src), "-c", "title", "-c", "description")
    assert r.exit_code == 0
    assert json.loads(r.stdout)["verdict"] in ("review", "flagged")
