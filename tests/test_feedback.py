import csv
import json

import pytest

from jobscan import feedback as fb

SCAM = "LOKER KAMBOJA! CS online gaji USD 1.200, tiket ditanggung, DM Telegram @hr_lina"
LEGIT = "Dijual HP bekas mulus, harga Rp 1,2 juta, COD Jakarta Selatan"


def test_content_hash_is_taken_from_the_normalised_text():
    same = "loker   kamboja!  cs ONLINE gaji usd 1.200, tiket ditanggung, dm telegram @someone_else"
    assert fb.content_hash(SCAM) == fb.content_hash(same)  # case, spacing and the handle do not matter
    assert fb.content_hash(SCAM) != fb.content_hash(LEGIT)
    assert len(fb.content_hash(SCAM)) == 64


def test_records_carry_hash_text_label_reviewer_and_time():
    rec = fb.make_label(SCAM, 1, "ana", category="scam_recruitment", language="id", source="r.csv:2", risk=0.61234)
    assert rec["schema"] == fb.SCHEMA and rec["hash"] == fb.content_hash(SCAM) and rec["text"] == SCAM
    assert rec["label"] == 1 and rec["reviewer"] == "ana" and rec["time"].endswith("Z")
    assert rec["category"] == "scam_recruitment" and rec["language"] == "id" and rec["risk"] == 0.6123
    with pytest.raises(fb.FeedbackError):
        fb.make_label("   ", 1, "ana")
    with pytest.raises(fb.FeedbackError):
        fb.make_label(SCAM, 2, "ana")


def test_the_file_is_append_only(tmp_path):
    path = tmp_path / "feedback.jsonl"
    f = fb.FeedbackFile(path)
    f.append(fb.make_label(SCAM, 1, "ana"))
    first = path.read_bytes()
    f.append(fb.make_label(SCAM, 0, "budi"))
    f.append(fb.make_undo(fb.content_hash(SCAM), "budi"))
    assert path.read_bytes().startswith(first)
    assert len(path.read_text().splitlines()) == 3


def test_later_labels_override_and_undo_withdraws_the_latest(tmp_path):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    fa = fb.FeedbackFile(a)
    fa.append(fb.make_label(SCAM, 1, "ana"))
    fa.append(fb.make_label(LEGIT, 1, "ana"))  # a mistake...
    fa.append(fb.make_label(LEGIT, 0, "ana"))  # ...corrected
    assert {h: r["label"] for h, r in fb.current_labels([a]).items()} == {fb.content_hash(SCAM): 1,
                                                                           fb.content_hash(LEGIT): 0}
    fa.append(fb.make_undo(fb.content_hash(LEGIT), "ana"))
    assert fb.current_labels([a])[fb.content_hash(LEGIT)]["label"] == 1  # the earlier label is back
    fa.append(fb.make_undo(fb.content_hash(LEGIT), "ana"))
    assert fb.content_hash(LEGIT) not in fb.current_labels([a])
    fb.FeedbackFile(b).append(fb.make_label(SCAM.lower(), 0, "budi"))  # same post, a later file
    labels = fb.current_labels([a, b])
    assert labels[fb.content_hash(SCAM)]["label"] == 0 and labels[fb.content_hash(SCAM)]["reviewer"] == "budi"
    assert fb.current_labels([b, a])[fb.content_hash(SCAM)]["label"] == 1


def test_a_damaged_line_is_named_in_both_languages(tmp_path):
    path = tmp_path / "f.jsonl"
    path.write_text(json.dumps(fb.make_label(SCAM, 1, "ana")) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(fb.FeedbackError) as err:
        fb.read_records(path)
    assert "f.jsonl:2" in err.value.message("en") and "not a feedback record" in err.value.message("en")
    assert "bukan catatan umpan balik" in err.value.message("id")
    path.write_text(json.dumps({"hash": "x", "text": SCAM, "label": 5}) + "\n", encoding="utf-8")
    with pytest.raises(fb.FeedbackError):
        fb.read_records(path)


def test_to_frame_gives_labelled_data_columns(tmp_path):
    path = tmp_path / "f.jsonl"
    fb.FeedbackFile(path).extend([fb.make_label(SCAM, 1, "ana", language="id"), fb.make_label(LEGIT, 0, "ana")])
    df = fb.to_frame(fb.current_labels([path]))
    assert list(df.columns) == ["id", "text", "label", "language", "category", "style", "group", "batch", "source"]
    assert sorted(df["label"]) == [0, 1] and set(df["category"]) == {"feedback"} and set(df["source"]) == {"f.jsonl"}
    assert set(df["batch"]) == {"f.jsonl"}  # a feedback file is one batch of labellers
    assert all(g.startswith("fb-") for g in df["group"])


def test_csv_round_trip_defuses_spreadsheet_formulas(tmp_path):
    formula = "+62 812 3456 7890 hubungi sekarang, kerja di Kamboja gaji 20 juta"
    rows = [{"hash": fb.content_hash(t), "label": "", "text": t, "language": "id", "source": "scan.csv", "line": n}
            for n, t in enumerate([formula, SCAM, LEGIT], 2)]
    out = tmp_path / "labels.csv"
    assert fb.export_csv(rows, out) == 3
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # a BOM, so spreadsheet programs read UTF-8
    cells = list(csv.DictReader(open(out, encoding="utf-8-sig")))
    assert cells[0]["text"].startswith("'+62")  # not run as a formula
    with pytest.raises(fb.FeedbackError, match="--force"):
        fb.export_csv(rows, out)
    cells[0]["label"], cells[1]["label"], cells[2]["label"] = "ya", "", "tidak"
    with open(out, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(cells[0]))
        w.writeheader()
        w.writerows(cells)
    records, blank = fb.import_csv(out, "ana")
    assert blank == 1 and [r["label"] for r in records] == [1, 0]
    assert records[0]["text"] == formula and records[0]["hash"] == fb.content_hash(formula)
    assert records[0]["source"] == "scan.csv:2" and records[0]["reviewer"] == "ana"


def test_import_names_a_bad_label_and_missing_columns(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("text,label\nsome post,maybe\n", encoding="utf-8")
    with pytest.raises(fb.FeedbackError) as err:
        fb.import_csv(bad, "ana")
    assert "bad.csv:2" in str(err.value) and "'maybe'" in str(err.value)
    nolabel = tmp_path / "nolabel.csv"
    nolabel.write_text("text\nsome post\n", encoding="utf-8")
    with pytest.raises(fb.FeedbackError, match="'text' and 'label'"):
        fb.import_csv(nolabel, "ana")
