"""Hostile files through the CLI (`jobscan scan`, `jobscan check --file`): a clear one-line error
with exit code 2, or error rows; nothing lost (every input row comes back, in order); never a
traceback."""

import json
import zlib

import pytest
from typer.testing import CliRunner

from jobscan.cli import app

AD = "Lowongan CS online di Kamboja gaji USD 1.500, tiket & visa ditanggung, tanpa pengalaman, DM Telegram"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + zlib.compress(bytes(range(256)) * 40)
ZIP = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)) * 8


@pytest.fixture()
def run(tiny_bundle, monkeypatch):
    monkeypatch.setenv("JOBSCAN_MODEL", str(tiny_bundle))
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    runner = CliRunner()

    def invoke(*args):
        r = runner.invoke(app, list(args))
        assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
        assert "Traceback" not in r.output
        return r

    return invoke


def one_line_error(r) -> None:
    assert r.exit_code == 2, r.output
    assert r.stderr.startswith("jobscan: error: ") and r.stderr.count("\n") == 1, r.stderr


def scan_rows(run, path, tmp_path):
    out = tmp_path / "out.jsonl"
    r = run("scan", str(path), "-o", str(out), "-q")
    assert r.exit_code == 0, r.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [row["line"] for row in rows] == sorted(row["line"] for row in rows)
    return rows


# ---------------------------------------------------------------- scan: error rows, nothing lost
def test_truncated_csv_keeps_the_rows_after_an_unclosed_quote(run, tmp_path):
    src = tmp_path / "cut.csv"
    src.write_text(f'id,text\n1,{AD}\n2,"this quote is never closed, gaji tinggi\n3,third post\n4,"{AD}', encoding="utf-8")
    rows = scan_rows(run, src, tmp_path)
    assert [r.get("id") for r in rows] == ["1", None, "3", "4"]
    assert rows[0]["verdict"] and rows[2]["verdict"] and rows[2]["text"] == "third post"
    assert rows[1]["_raw"] == '2,"this quote is never closed, gaji tinggi' and "quote" in rows[1]["error"]
    assert rows[3]["text"] == AD and rows[3]["verdict"]  # the last line, cut inside its quote: scored as it is


def test_mixed_encodings_in_one_file_read_right_everywhere(run, tmp_path):
    src = tmp_path / "mixed.csv"
    src.write_bytes("id,text\n1,café in UTF-8 gaji\n".encode("utf-8") + "2,café in Windows-1252 gaji\n".encode("cp1252")
                    + "3,月薪 3 万 in UTF-8\n".encode("utf-8"))
    rows = scan_rows(run, src, tmp_path)
    assert [r["text"] for r in rows] == ["café in UTF-8 gaji", "café in Windows-1252 gaji", "月薪 3 万 in UTF-8"]
    assert all(r["error"] is None for r in rows)


@pytest.mark.parametrize("name, content, expected", [
    ("nul.csv", b"id,text\n1,gaji\x00tinggi di Kamboja\n2,\x00\x00\n3,ok post\n", ["1", "2", "3"]),
    ("nul.jsonl", b'{"id": "1", "text": "gaji"}\n{"id": "2", "text": "a\x00b"}\n{"id": "3", "text": "x\\u0000y"}\n',
     ["1", None, "3"]),
    ("nul.txt", b"first post \x00 gaji\n\n\x00\n\nthird post\n", None),
])
def test_nul_bytes_are_error_rows_or_scored(run, tmp_path, name, content, expected):
    src = tmp_path / name
    src.write_bytes(content)
    rows = scan_rows(run, src, tmp_path)
    if expected is not None:
        assert [r.get("id") for r in rows] == expected
    else:
        assert [r["line"] for r in rows] == [1, 3, 5]
    assert any(r["error"] for r in rows) and any(r["verdict"] for r in rows)


def test_a_10mb_field_is_scored_on_its_start_and_kept_whole(run, tmp_path):
    big = (AD + " ") * (10_000_000 // (len(AD) + 1))
    src = tmp_path / "big.csv"
    src.write_text(f'id,text\n1,"{big}"\n2,short post\n', encoding="utf-8")
    rows = scan_rows(run, src, tmp_path)
    assert [r["id"] for r in rows] == ["1", "2"]
    assert rows[0]["text"] == big and rows[0]["verdict"] and rows[0]["error"] is None


def test_broken_jsonl_lines_become_error_rows_in_place(run, tmp_path):
    lines = [json.dumps({"id": 1, "text": AD}), "{broken", "[" * 100_000, '{"text": ' + "1" * 5000 + "}",
             "42", "", json.dumps({"id": 6, "text": "lone \ud800 surrogate"}), '{"id": 7, "text": {"a": 1}}',
             json.dumps({"id": 8, "text": "the last post"})]
    src = tmp_path / "broken.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows = scan_rows(run, src, tmp_path)
    assert [r["line"] for r in rows] == [1, 2, 3, 4, 5, 7, 8, 9]
    assert [bool(r["error"]) for r in rows] == [False, True, True, True, True, False, True, False]
    assert rows[1]["_raw"] == "{broken" and rows[2]["_raw"] == "[" * 100_000
    assert rows[5]["text"] == "lone \ufffd surrogate"


@pytest.mark.parametrize("name", ["empty.csv", "empty.jsonl", "empty.txt", "empty.tsv"])
def test_empty_files_give_no_rows_and_no_error(run, tmp_path, name):
    src = tmp_path / name
    src.write_bytes(b"")
    assert scan_rows(run, src, tmp_path) == []


def test_an_empty_file_among_others_loses_nothing(run, tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.jsonl").write_text(json.dumps({"text": AD}) + "\n", encoding="utf-8")
    (d / "b.csv").write_bytes(b"")
    (d / "c.txt").write_text("post one\n\npost two\n", encoding="utf-8")
    rows = scan_rows(run, d, tmp_path)
    assert [(r["source"].rsplit("/", 1)[-1], r["line"]) for r in rows] == [("a.jsonl", 1), ("c.txt", 1), ("c.txt", 3)]


# ---------------------------------------------------------------- scan: one-line errors
@pytest.mark.parametrize("name, content", [
    ("image.csv", PNG), ("archive.jsonl", ZIP), ("noise.txt", bytes(range(32)) * 300), ("excel.csv", ZIP),
])
def test_a_file_that_is_not_text_is_refused(run, tmp_path, name, content):
    src = tmp_path / name
    src.write_bytes(content)
    r = run("scan", str(src), "-o", str(tmp_path / "out.jsonl"))
    one_line_error(r)
    assert "not text" in r.stderr or "image" in r.stderr or "ZIP" in r.stderr
    assert not (tmp_path / "out.jsonl").exists() and not list(tmp_path.glob(".out.jsonl.part*"))


def test_a_directory_given_as_a_file(run, tmp_path):
    d = tmp_path / "posts.csv"
    d.mkdir()
    one_line_error(run("scan", str(d)))
    one_line_error(run("check", "--file", str(d)))


@pytest.mark.parametrize("content", ["[" * 100_000, "[{\"text\": " + "1" * 5000 + "}]", "[{\"text\": \"cut"])
def test_an_unreadable_json_array_is_a_one_line_error(run, tmp_path, content):
    src = tmp_path / "posts.json"
    src.write_text(content, encoding="utf-8")
    one_line_error(run("scan", str(src)))


def test_a_header_with_line_breaks_is_a_one_line_error(run, tmp_path):
    src = tmp_path / "h.csv"
    src.write_text('"first\ncolumn",second\nx,y\n', encoding="utf-8")
    one_line_error(run("scan", str(src)))


# ---------------------------------------------------------------- check --file
@pytest.mark.parametrize("name, content, code, message", [
    ("cut.csv", f'id,text\n1,"{AD}'.encode("utf-8"), 0, None),
    ("mixed.txt", "café UTF-8\n".encode("utf-8") + "café 1252\n".encode("cp1252"), 2, "UTF-8"),
    ("nul.txt", b"gaji tinggi\x00 di Kamboja", 2, "binary"),
    ("empty.txt", b"", 2, "empty"),
    ("blank.txt", b" \n\t\n", 2, "empty"),
    ("image.png", PNG, 2, "binary"),
    ("archive.zip", ZIP, 2, "binary"),
])
def test_check_file_hostile(run, tmp_path, name, content, code, message):
    src = tmp_path / name
    src.write_bytes(content)
    r = run("check", "--file", str(src), "--format", "json")
    if code == 2:
        one_line_error(r)
        assert message in r.stderr
    else:
        assert r.exit_code == 0 and json.loads(r.stdout)["verdict"]


def test_check_file_10mb(run, tmp_path):
    src = tmp_path / "big.txt"
    src.write_text((AD + "\n") * (10_000_000 // (len(AD) + 1)), encoding="utf-8")
    r = run("check", "--file", str(src), "--format", "json")
    assert r.exit_code == 0 and json.loads(r.stdout)["truncated"] is True
    assert "100,000" in r.stderr and r.stderr.count("\n") == 1  # a note, not the ad
