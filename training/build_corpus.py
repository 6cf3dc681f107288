"""Build the fixed train/test split of the hand-written corpus, and of the Indonesian SMS set.

    python training/build_corpus.py            # from the repository root

Reads datasets/scam-recruitment/parts/*.jsonl (the writers' files), validates every record,
drops exact duplicates (after normalisation), and splits by source group, stratified by
label x language x category, into datasets/scam-recruitment/{train,test}.jsonl. The split is
fixed: datasets/scam-recruitment/split.tsv records each group's side, and a group keeps its side
when new parts are added (only new groups are assigned, with SEED). It also splits shared/datasets/id-sms-spam into
datasets/id-sms-spam/{train,test}.csv (same CSV layout, CC BY-SA 4.0 like its source).
"""

from __future__ import annotations

import csv
import json
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jobscan.normalize import normalize_text  # noqa: E402

SEED = 20261122
PARTS = ROOT / "datasets" / "scam-recruitment" / "parts"
OUT = ROOT / "datasets" / "scam-recruitment"
SMS_SOURCE = ROOT.parent / "shared" / "datasets" / "id-sms-spam" / "dataset_sms_spam_v1.csv"
SMS_OUT = ROOT / "datasets" / "id-sms-spam"
FIELDS = ("id", "text", "label", "language", "category", "style", "group")
LANGS = {"id", "en", "ms", "tl", "vi", "th", "zh", "my", "km"}
CATEGORIES = {"scam_recruitment", "legit_domestic_job", "legit_overseas_placement", "legit_cambodia_job", "warning",
              "news", "quoting_question", "victim_story", "ordinary", "other_job_fraud"}
# Languages with few items get a larger test share so each has at least ~20 test items.
TEST_FRACTION = {"id": 0.25, "en": 0.25}
SMALL_LANGUAGE_FRACTION = 0.3


def load_parts() -> list[dict]:
    rows: list[dict] = []
    for path in sorted(PARTS.glob("*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            rec = json.loads(line)
            problems = []
            if set(rec) != set(FIELDS):
                problems.append(f"fields {sorted(rec)}")
            if rec.get("label") not in (0, 1):
                problems.append("label")
            if rec.get("language") not in LANGS:
                problems.append(f"language {rec.get('language')}")
            if rec.get("category") not in CATEGORIES:
                problems.append(f"category {rec.get('category')}")
            if (rec.get("label") == 1) != (rec.get("category") == "scam_recruitment"):
                problems.append("label/category mismatch")
            if not str(rec.get("text", "")).strip():
                problems.append("empty text")
            if problems:
                raise SystemExit(f"{path.name}:{n}: {', '.join(problems)}")
            rows.append({**{k: rec[k] for k in FIELDS}, "batch": path.stem})  # the writing batch: its file
    return rows


def dedupe(rows: list[dict]) -> list[dict]:
    seen: dict[str, str] = {}
    ids: set[str] = set()
    kept = []
    for r in rows:
        if r["id"] in ids:
            raise SystemExit(f"duplicate id {r['id']}")
        ids.add(r["id"])
        key = normalize_text(r["text"])
        if key in seen:
            print(f"drop {r['id']}: same text as {seen[key]}", file=sys.stderr)
            continue
        seen[key] = r["id"]
        kept.append(r)
    return kept


SPLIT_FILE = OUT / "split.tsv"


def read_split() -> dict[str, str]:
    if not SPLIT_FILE.is_file():
        return {}
    out = {}
    for line in SPLIT_FILE.read_text(encoding="utf-8").splitlines()[1:]:
        group, which = line.split("\t")
        out[group] = which
    return out


def split(rows: list[dict]) -> tuple[list[dict], list[dict]]:
    """Groups already in split.tsv keep their side forever; new groups are split, stratified."""
    rng = random.Random(SEED)
    known = read_split()
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        groups[r["group"]].append(r)
    strata: dict[tuple, list[str]] = defaultdict(list)
    for g, members in sorted(groups.items()):
        if g in known:
            continue
        first = members[0]
        strata[(first["label"], first["language"], first["category"])].append(g)
    test_groups: set[str] = {g for g, which in known.items() if which == "test"}
    for key in sorted(strata):
        gs = strata[key]
        rng.shuffle(gs)
        frac = TEST_FRACTION.get(key[1], SMALL_LANGUAGE_FRACTION)
        k = int(round(len(gs) * frac))
        if k == 0 and len(gs) >= 3:
            k = 1
        test_groups.update(gs[:k])
    train = [r for r in rows if r["group"] not in test_groups]
    test = [r for r in rows if r["group"] in test_groups]
    assignment = {**known, **{g: ("test" if g in test_groups else "train") for g in groups}}
    SPLIT_FILE.write_text("group\tsplit\n" + "".join(f"{g}\t{w}\n" for g, w in sorted(assignment.items())),
                          encoding="utf-8")
    return train, test


def write_jsonl(path: Path, rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def split_sms() -> None:
    if not SMS_SOURCE.is_file():
        print(f"skip SMS: {SMS_SOURCE} not found", file=sys.stderr)
        return
    with open(SMS_SOURCE, encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f)]
    seen = set()
    unique = []
    for r in rows:  # duplicates after normalisation (e.g. differing only in a phone number) go once
        key = normalize_text(r["Teks"])
        if key not in seen:
            seen.add(key)
            unique.append(r)
    rng = random.Random(SEED)
    order = list(range(len(unique)))
    rng.shuffle(order)
    cut = len(order) // 4
    test_idx = set(order[:cut])
    SMS_OUT.mkdir(parents=True, exist_ok=True)
    for name, keep in (("train", lambda i: i not in test_idx), ("test", lambda i: i in test_idx)):
        with open(SMS_OUT / f"{name}.csv", "w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, fieldnames=["Teks", "label"])
            w.writeheader()
            for i, r in enumerate(unique):
                if keep(i):
                    w.writerow({"Teks": r["Teks"], "label": r["label"]})
    print(f"SMS: {len(unique)} unique rows, {len(unique) - cut} train, {cut} test")


def counts_table(train: list[dict], test: list[dict]) -> str:
    langs = sorted({r["language"] for r in train + test}, key=lambda x: (x not in ("id", "en"), x))
    lines = ["| language | train 1 | train 0 | test 1 | test 0 | total |", "|---|---|---|---|---|---|"]
    for lang in langs + ["all"]:
        def n(rows, label):
            return sum(1 for r in rows if r["label"] == label and (lang == "all" or r["language"] == lang))
        cells = [n(train, 1), n(train, 0), n(test, 1), n(test, 0)]
        lines.append(f"| {lang} | " + " | ".join(map(str, cells)) + f" | {sum(cells)} |")
    cats = sorted({r["category"] for r in train + test})
    lines += ["", "| category | train | test |", "|---|---|---|"]
    for c in cats:
        lines.append(f"| {c} | {sum(r['category'] == c for r in train)} | {sum(r['category'] == c for r in test)} |")
    return "\n".join(lines)


def update_card(train: list[dict], test: list[dict]) -> None:
    card = OUT / "DATASET_CARD.md"
    text = card.read_text(encoding="utf-8")
    start, end = "<!-- counts -->", "<!-- /counts -->"
    a, b = text.index(start) + len(start), text.index(end)
    card.write_text(text[:a] + "\n" + counts_table(train, test) + "\n" + text[b:], encoding="utf-8")


def main() -> None:
    rows = dedupe(load_parts())
    train, test = split(rows)
    write_jsonl(OUT / "train.jsonl", train)
    write_jsonl(OUT / "test.jsonl", test)
    update_card(train, test)
    for name, part in (("train", train), ("test", test)):
        print(name, len(part), dict(Counter((r["language"], r["label"]) for r in part)))
    split_sms()


if __name__ == "__main__":
    main()
