"""Scaling of `jobscan scan --engine dask` from 1 to 2 local workers, with the local engine as reference.

    python benchmarks/bench_dask.py [--rows 12000] [--files 16] [--workers 1 2] [--repeats 1] [--model PATH]

1. Writes `--rows` posts of about 60 words (words drawn from the test split, seed fixed) as
   `--files` JSONL files: a small partitioned dataset, one Dask partition per file.
2. Runs, each in a new process and end to end (start-up, cluster start, model loads, read, score,
   clusters, write, cluster shutdown):
     jobscan scan --engine dask --workers N 'posts/*.jsonl' -o out.parquet   for each N
     jobscan scan --workers N 'posts/*.jsonl' -o out.parquet                 (the local engine)
3. Checks that both engines wrote the same rows, and writes benchmarks/results/dask.json
   (best wall seconds, posts/s, speed-up over 1 worker, CPU seconds of all the run's processes,
   the 1-minute load average after each setting) and prints it.

Absolute numbers depend on the machine (and on its number of cores: 2 workers cannot go faster
than 2 cores allow, and other busy processes take cores away: the load average before the run is
recorded); compare ratios within one run.
"""

from __future__ import annotations

import argparse
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


def make_posts(folder: Path, rows: int, files: int, seed: int = 7) -> None:
    texts = [json.loads(x)["text"] for x in (ROOT / "datasets/scam-recruitment/test.jsonl").read_text(encoding="utf-8").splitlines()]
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    outs = [open(folder / f"posts-{i:03d}.jsonl", "w", encoding="utf-8") for i in range(files)]
    try:
        for i in range(rows):
            words = rng.choice(texts).split()
            while len(words) < 60:
                words += rng.choice(texts).split()
            start = rng.randrange(0, max(1, len(words) - 60))
            outs[i * files // rows].write(json.dumps({"post_id": i, "text": " ".join(words[start:start + 60])},
                                                     ensure_ascii=False) + "\n")
    finally:
        for f in outs:
            f.close()


def timed(cmd: list[str], repeats: int) -> tuple[float, float]:
    """The best wall time of `repeats` runs (the least disturbed by anything else on the machine),
    and the CPU seconds (user + system, all processes of the run) of that run."""
    best = (float("inf"), 0.0)
    for _ in range(repeats):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True)
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        best = min(best, (wall, cpu))
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=12000)
    ap.add_argument("--files", type=int, default=16)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--repeats", type=int, default=1, help="Runs per setting; the best time is kept.")
    ap.add_argument("--model", default=None)
    ap.add_argument("--output", type=Path, default=HERE / "results" / "dask.json")
    args = ap.parse_args()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        make_posts(d / "posts", args.rows, args.files)
        glob_ = str(d / "posts" / "*.jsonl")
        base = [sys.executable, "-m", "jobscan", "scan", glob_, "-q", "--force"]
        if args.model:
            base += ["--model", args.model]
        runs = []
        for engine in ("dask", "local"):
            for n in args.workers:
                out = d / f"{engine}-{n}.parquet"
                cmd = base + ["-o", str(out), "--workers", str(n)] + (["--engine", "dask"] if engine == "dask" else [])
                seconds, cpu = timed(cmd, args.repeats)
                runs.append({"engine": engine, "workers": n, "seconds": round(seconds, 2),
                             "posts_per_s": round(args.rows / seconds, 1), "cpu_seconds": round(cpu, 1),
                             "load_average": round(os.getloadavg()[0], 2)})
                print(f"{engine:5} workers={n}: {seconds:6.1f} s  {args.rows / seconds:7.1f} posts/s  "
                      f"{cpu:6.1f} CPU s  load {os.getloadavg()[0]:.1f}", file=sys.stderr)
        import pyarrow.parquet as pq

        same = (pq.read_table(d / f"dask-{args.workers[0]}.parquet").to_pylist()
                == pq.read_table(d / f"local-{args.workers[0]}.parquet").to_pylist())
    for engine in ("dask", "local"):
        one = next(r for r in runs if r["engine"] == engine and r["workers"] == args.workers[0])
        for r in runs:
            if r["engine"] == engine:
                r["speedup"] = round(one["seconds"] / r["seconds"], 2)
    result = {
        "command": f"python benchmarks/bench_dask.py --rows {args.rows} --files {args.files} "
                   f"--workers {' '.join(map(str, args.workers))} --repeats {args.repeats}",
        "posts": args.rows, "files": args.files, "words_per_post": 60,
        "runs": runs, "same_rows_as_local_engine": same,
        "load_average_before": round(load_before, 2), "repeats": args.repeats,
        "note": "best of `repeats`, end to end, each run a new process: start-up, LocalCluster start, model load per worker, "
                "read, score, repost clusters, Parquet write, shutdown",
        "machine": f"{platform.machine()}, {platform.system()}, Python {platform.python_version()}, {os.cpu_count()} CPUs",
        "date": time.strftime("%Y-%m-%d"),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
