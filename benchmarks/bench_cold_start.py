"""Cold-start time of `jobscan check` against `python -c "import sklearn.linear_model"`.

    python benchmarks/bench_cold_start.py [--runs 15] [--model PATH]

Each run is a new process (interpreter start, imports, model load, one ad scored and printed).
Runs of the two commands alternate so both see the same machine state. Prints the medians and
their ratio (the target is a ratio <= 1.0) and writes benchmarks/results/cold_start.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
AD = (HERE.parent / "datasets" / "examples" / "ad-id.txt")


def timed(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--model", default=None)
    args = ap.parse_args()
    exe = shutil.which("jobscan")
    check_cmd = [exe] if exe else [sys.executable, "-m", "jobscan"]
    check_cmd += ["check", "--file", str(AD), "--format", "json"] + (["--model", args.model] if args.model else [])
    sklearn_cmd = [sys.executable, "-c", "import sklearn.linear_model"]
    # warm the file cache once for both
    timed(check_cmd)
    timed(sklearn_cmd)
    a, b = [], []
    for _ in range(args.runs):
        a.append(timed(check_cmd))
        b.append(timed(sklearn_cmd))
    result = {
        "command": " ".join(Path(c).name if k == 0 else c for k, c in enumerate(check_cmd)),
        "runs": args.runs,
        "jobscan_check_median_s": round(statistics.median(a), 3),
        "import_sklearn_linear_model_median_s": round(statistics.median(b), 3),
        "ratio": round(statistics.median(a) / statistics.median(b), 3),
        "machine": f"{platform.machine()}, {platform.system()}, Python {platform.python_version()}",
        "date": time.strftime("%Y-%m-%d"),
    }
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "cold_start.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
