"""jobscan and fastText on writing batches neither has seen: the nearest proxy here for real posts.

    python benchmarks/bench_by_batch.py        (fastText needs the `bench` extra)

The test split shares its writers with the training split, so it flatters any model that learns
how those writers write. Here each writing batch (datasets/scam-recruitment/parts/*.jsonl, and the
real SMS corpus as a batch of its own; `training/tune.py --by-batch` uses the same batches) is
scored by a model trained on the other batches of the training split only, and the out-of-batch
scores of all batches are pooled:
- jobscan: its own recipe (training/configs/default.toml: augmentation, calibration, thresholds
  chosen on the pooled out-of-batch scores, as `tune.py --by-batch` does);
- fastText supervised with bench_peers.py's fixed settings, lr 0.5 (0.25 or 0.1 where 0.5 diverges),
  10 epochs, decision at 0.5.
F1 is at each system's own decision rule; PR-AUC does not depend on one. Writes
benchmarks/results/by_batch.md.
"""

from __future__ import annotations

import copy
import platform
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(ROOT / "training"), str(HERE)]

from jobscan import dataset  # noqa: E402
from jobscan.evaluate import metrics  # noqa: E402
from jobscan.train import load_config  # noqa: E402
from tune import out_of_fold  # noqa: E402

CONFIG = ROOT / "training/configs/default.toml"


def jobscan_out_of_batch(df, cfg) -> tuple[np.ndarray, dict]:
    c = copy.deepcopy(cfg)
    c["classifier"]["cv_folds"] = df["group"].nunique()  # one batch per fold
    _, oof, _, original, th = out_of_fold(df, c)
    return oof[original], th


def fasttext_out_of_batch(df, work: Path) -> np.ndarray | None:
    from bench_peers import FastText, ft_clean

    ft = FastText(work)
    if ft.available():
        return None
    p = np.zeros(len(df))
    batches = df["group"].to_numpy()
    for b in sorted(set(batches)):
        held = batches == b
        path = work / "ft-batch.txt"
        ft._write(df[~held], path)
        for lr in (0.5, 0.25, 0.1):  # fastText can diverge ("Encountered NaN") on a batch; then a smaller rate
            try:
                model = ft._fit(path, {"lr": lr, "epoch": 10})
                break
            except RuntimeError:
                continue
        else:
            raise RuntimeError(f"fastText diverged on every learning rate without batch {b}")
        p[held] = ft._proba(model, [ft_clean(t) for t in df["text"][held]])
    return p


def row(name: str, rule: str, m: dict) -> str:
    lang = {k: v["flagged"]["f1"] for k, v in m["by_language"].items()}
    return (f"| {name} | {rule} | {m['flagged']['f1']:.3f} | {m['flagged']['recall']:.3f} | {m['flagged']['precision']:.3f} "
            f"| {lang.get('id', float('nan')):.3f} | {lang.get('en', float('nan')):.3f} | {m['pr_auc']:.3f} "
            f"| {m['hard_negatives_flagged_rate']:.1%} |")


def main() -> None:
    cfg = load_config(CONFIG)
    df = dataset.read_many(cfg["data"]["train"])
    df["group"] = df["batch"]
    y, langs, cats = df["label"].to_numpy(), df["language"].to_numpy(), df["category"].to_numpy()
    t0 = time.perf_counter()
    p_js, th = jobscan_out_of_batch(df, cfg)
    lines = ["# Held-out writing batches: jobscan and fastText", "",
             f"{time.strftime('%Y-%m-%d')}; {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
             f"`python benchmarks/bench_by_batch.py`. {df['group'].nunique()} batches, {len(df)} training rows "
             f"({int(y.sum())} positive); each scored by a model trained on the other batches.", "",
             "| system | decision rule | F1 | recall | precision | F1 id | F1 en | PR-AUC | hard negatives flagged |",
             "|---|---|---|---|---|---|---|---|---|",
             row("jobscan", f"its `flagged` threshold, chosen on these scores ({th['flagged']:.3f})",
                 metrics(y, p_js, langs, cats, th)),
             row("jobscan", "P ≥ 0.5 (fastText's rule)", metrics(y, p_js, langs, cats, {"review": 0.5, "flagged": 0.5}))]
    js_seconds = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        p_ft = fasttext_out_of_batch(df, Path(tmp))
    if p_ft is None:
        lines.append("| fastText | not installed (`pip install -e .[bench]`) | | | | | | | |")
    else:
        lines.append(row("fastText", "P ≥ 0.5", metrics(y, p_ft, langs, cats, {"review": 0.5, "flagged": 0.5})))
    lines += ["", f"jobscan's run took {js_seconds:.0f} s (one fit per batch). Hard negatives: warnings, news and "
              "quoting questions. Numbers measure how a model trained on some writers does on others; real posts "
              "differ more still.", ""]
    out = HERE / "results" / "by_batch.md"
    out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
