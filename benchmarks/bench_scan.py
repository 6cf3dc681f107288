"""End-to-end batch scan throughput and peak memory, with the I/O floor as reference.

    python benchmarks/bench_scan.py [--rows 20000] [--memory-rows 1000000] [--model PATH]

1. Makes a CSV of `--rows` posts of about 60 words (words drawn from the test split, so the
   language mix is the corpus's; seed fixed).
2. References: the I/O floor (reading that CSV and writing it back with the csv module, nothing
   else) and, when fastText is installed (the `bench` extra), fastText's bare predict on the same
   posts (a supervised model trained on jobscan's training split with bench_peers.py's fixed
   settings; best of 3; includes fastText's usual lower-casing and punctuation split).
3. `jobscan scan IN.csv -o OUT.csv` in a new process with 1 and 2 workers: posts/s end-to-end
   (start-up, model load, read, score, cluster, write).
4. With `--memory-rows N`: peak resident memory (max RSS of the scan process and its workers)
   of scanning an N-row file, and of scanning N/10 rows, to show whether memory stays flat.
Writes benchmarks/results/scan.json and prints it. Absolute numbers depend on the machine;
compare ratios within one run.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def make_posts(path: Path, rows: int, seed: int = 7) -> None:
    texts = [json.loads(x)["text"] for x in (ROOT / "datasets/scam-recruitment/test.jsonl").read_text(encoding="utf-8").splitlines()]
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["post_id", "text"])
        for i in range(rows):
            words = rng.choice(texts).split()
            while len(words) < 60:
                words += rng.choice(texts).split()
            start = rng.randrange(0, max(1, len(words) - 60))
            w.writerow([i, " ".join(words[start:start + 60])])


def io_floor(src: Path, dst: Path) -> float:
    t0 = time.perf_counter()
    with open(src, encoding="utf-8", newline="") as f, open(dst, "w", encoding="utf-8", newline="") as g:
        w = csv.writer(g)
        for row in csv.reader(f):
            w.writerow(row)
    return time.perf_counter() - t0


def scan(src: Path, dst: Path, workers: int, model: str | None) -> tuple[float, int]:
    cmd = [sys.executable, "-m", "jobscan", "scan", str(src), "-o", str(dst), "--force", "-q", "--workers", str(workers)]
    if model:
        cmd += ["--model", model]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True)
    elapsed = time.perf_counter() - t0
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak_kb, before)


def fasttext_bare_predict(src: Path, work: Path) -> tuple[float | None, str]:
    """Posts/s of fastText's bare predict on the posts of `src`, or None and why not."""
    sys.path.insert(0, str(HERE))
    from bench_peers import FT_FIXED, FastText, ft_clean  # noqa: E402

    ft = FastText(work)
    missing = ft.available()
    if missing:
        return None, missing
    from jobscan import dataset

    train_df = dataset.read_many([ROOT / "datasets/scam-recruitment/train.jsonl", ROOT / "datasets/id-sms-spam/train.csv"])
    path = work / "ft-train.txt"
    ft._write(train_df, path)
    model = ft._fit(path, {"lr": 0.5, "epoch": 10})
    with open(src, encoding="utf-8", newline="") as f:
        posts = [row[1] for row in list(csv.reader(f))[1:]]
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        ft._proba(model, [ft_clean(t) for t in posts])
        best = min(best, time.perf_counter() - t0)
    return len(posts) / best, f"fastText {FT_FIXED}, lr 0.5, 10 epochs"


def peak_rss_mb(src: Path, dst: Path, workers: int, model: str | None) -> float:
    """Max RSS of the scan's process tree, measured by GNU time when available."""
    cmd = [sys.executable, "-m", "jobscan", "scan", str(src), "-o", str(dst), "--force", "-q", "--workers", str(workers)]
    if model:
        cmd += ["--model", model]
    probe = ("import resource,subprocess,sys; subprocess.run(sys.argv[1:], check=True); "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", probe, *cmd], check=True, capture_output=True, text=True).stdout
    return int(out.strip().splitlines()[-1]) / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=20000)
    ap.add_argument("--memory-rows", type=int, default=0)
    ap.add_argument("--model", default=None)
    args = ap.parse_args()
    result: dict = {"date": time.strftime("%Y-%m-%d"), "rows": args.rows,
                    "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
                    "command": "python benchmarks/bench_scan.py " + " ".join(sys.argv[1:]),
                    "load_average_at_start": round(os.getloadavg()[0], 2)}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        src = tmp / "posts.csv"
        make_posts(src, args.rows)
        floor = io_floor(src, tmp / "copy.csv")
        result["io_floor_posts_per_s"] = round(args.rows / floor)
        ft_rate, ft_note = fasttext_bare_predict(src, tmp)
        result["fasttext_bare_predict_posts_per_s"] = round(ft_rate) if ft_rate else None
        result["fasttext_note"] = ft_note
        for workers in (1, 2):
            elapsed, _ = scan(src, tmp / f"out{workers}.csv", workers, args.model)
            result[f"scan_{workers}_worker_posts_per_s"] = round(args.rows / elapsed)
        result["speedup_2_workers"] = round(result["scan_2_worker_posts_per_s"] / result["scan_1_worker_posts_per_s"], 2)
        if ft_rate:
            result["scan_1_worker_vs_fasttext_bare"] = round(result["scan_1_worker_posts_per_s"] / ft_rate, 3)
        if args.memory_rows:
            for n in (args.memory_rows // 10, args.memory_rows):
                big = tmp / f"big{n}.csv"
                make_posts(big, n)
                result[f"peak_rss_mb_{n}_rows_2_workers"] = round(peak_rss_mb(big, tmp / "big_out.csv", 2, args.model))
                big.unlink()
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "scan.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
