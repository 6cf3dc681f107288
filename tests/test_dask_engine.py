"""`scan --engine dask` and the dask DataFrame API, compared row by row with the local engine.

The shared cluster is a LocalCluster of 2 workers with processes=False (threads in this process:
starts in well under a second and lets a test count model loads); one test runs the CLI's own
LocalCluster of 2 worker processes, the default path. Needs `pip install 'jobscan[dask]'`; without
it these tests are skipped, except the one checking the message that says so.
"""

import csv
import glob
import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from jobscan import batch
from jobscan.cli import app

AD = ("Lowongan CS online di Phnom Penh, gaji USD 1.{n}00 per bulan, tiket & visa ditanggung, tanpa pengalaman, "
      "usia 18-35, berangkat minggu ini. Hubungi WA 0812-3456-78{n:02d} atau Telegram @hr_kh_{n}")
OTHER = "Dijual motor Honda Beat 2019 mulus, pajak hidup, harga Rp 9 juta nego, COD Sleman. Post {n}"
COMPARED = ("id", "source", "line", "risk", "verdict", "flags", "contacts", "cluster", "error")


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("dask.distributed")
    lc = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0")
    client = distributed.Client(lc)
    yield lc, client
    client.close()
    lc.close()


@pytest.fixture()
def run(shipped_bundle):
    runner = CliRunner()
    return lambda *args: runner.invoke(app, list(args))


def make_inputs(d):
    """Two JSONL files (reposts across files and partitions, broken lines, blank lines, empty and
    non-text values), a CSV with a multi-line record and an empty text, a Parquet file of 3 row groups."""
    d.mkdir(exist_ok=True)
    for f in range(2):
        lines = []
        for k in range(60):
            n = 100 * f + k
            if k == 7:
                lines.append("{broken json")
            elif k == 11:
                lines.append("")
            elif k == 13:
                lines.append(json.dumps({"id": n, "text": ""}))
            elif k == 17:
                lines.append(json.dumps({"id": n, "text": {"not": "text"}}))
            elif k == 19:
                lines.append(json.dumps({"id": n, "text": AD.format(n=k % 30 + 10), "error": "input column"}))
            else:
                lines.append(json.dumps({"id": n, "text": AD.format(n=k % 30 + 10) if k % 2 else OTHER.format(n=n)},
                                        ensure_ascii=False))
        (d / f"posts-{f}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with open(d / "more.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "text", "group"])
        w.writerow(["c1", "Info kerja\n" + AD.format(n=12), "fb"])
        w.writerow(["c2", "", "fb"])
        w.writerow(["c3", OTHER.format(n=5), "wa"])
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    texts = [AD.format(n=k + 10) if k % 3 else OTHER.format(n=k) for k in range(12)]
    texts[4] = None
    pq.write_table(pa.table({"id": [f"p{k}" for k in range(12)], "text": texts}), d / "z.parquet", row_group_size=4)
    return [str(d / "posts-*.jsonl"), str(d / "more.csv"), str(d / "z.parquet")]


def read_parts(folder, fmt):
    files = sorted(glob.glob(str(folder / f"part-*.{fmt}")))
    if fmt == "csv":
        return [r for f in files for r in csv.DictReader(open(f, encoding="utf-8"))]
    if fmt == "jsonl":
        return [json.loads(x) for f in files for x in open(f, encoding="utf-8")]
    import pyarrow.parquet as pq

    return pq.read_table(folder).to_pylist()


def read_local(path, fmt):
    if fmt == "csv":
        return list(csv.DictReader(open(path, encoding="utf-8")))
    if fmt == "jsonl":
        return [json.loads(x) for x in open(path, encoding="utf-8")]
    import pyarrow.parquet as pq

    return pq.read_table(path).to_pylist()


def test_cli_dask_engine_matches_the_local_engine_row_by_row(cluster, run, tmp_path):
    lc, _ = cluster
    inputs = make_inputs(tmp_path / "in")
    local, out = tmp_path / "local.csv", tmp_path / "out.csv"
    watch = tmp_path / "watch.txt"
    watch.write_text("+62 812 3456 7815\nkak rina\n", encoding="utf-8")
    r1 = run("scan", *inputs, "-o", str(local), "--watchlist", str(watch))
    assert r1.exit_code == 0, r1.output
    r2 = run("scan", *inputs, "-o", str(out), "--watchlist", str(watch), "--engine", "dask",
             "--scheduler", lc.scheduler_address)
    assert r2.exit_code == 0, r2.output
    want, got = read_local(local, "csv"), read_parts(out, "csv")
    assert len(got) == len(want) == 2 * 59 + 3 + 12  # one row per input row (blank lines are not rows)
    for g, w in zip(got, want):
        assert {k: g.get(k) for k in COMPARED} == {k: w.get(k) for k in COMPARED}
    assert got == want  # every column, in the same order
    assert any("KNOWN_RECRUITER" in g["flags"].split(";") for g in got)
    assert r2.stderr.splitlines()[-3].startswith("scanned 133 rows:")
    assert r1.stderr.splitlines()[-3] == r2.stderr.splitlines()[-3]  # the same summary
    manifest = json.loads((out / "_jobscan.json").read_text(encoding="utf-8"))
    assert manifest["rows"] == len(want) and [p["file"] for p in manifest["parts"]][0] == "part-00000.csv"
    assert not list(tmp_path.glob(".out.csv.part*"))


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_small_partitions_keep_lines_errors_and_global_clusters(cluster, shipped_bundle, tmp_path, fmt):
    """JSONL files cut into many blocks and Parquet into row groups: line numbers, error messages
    and repost clusters still come out as in the local scan."""
    from jobscan import dask_engine
    from jobscan.readers import expand_inputs
    from jobscan.scanjob import run as local_run
    from jobscan.writers import ResultWriter

    _, client = cluster
    files = expand_inputs(make_inputs(tmp_path / "in"))
    local = tmp_path / f"local.{fmt}"
    writer = ResultWriter(str(local), fmt, flatten=batch.flatten)
    local_run(files, writer, batch.ScanOptions(), input_format=None, text_columns=["text"], encoding=None,
              resume=False, settings={}, report=None, summary=batch.Summary())
    writer.close()
    summary, manifest = dask_engine.scan(files, str(tmp_path / f"out.{fmt}"), batch.ScanOptions(), text_columns=["text"],
                                         blocksize=700, client=client)
    assert len(manifest["parts"]) > 10
    want, got = read_local(local, fmt), read_parts(tmp_path / f"out.{fmt}", fmt)
    assert got == want
    clusters = {r["cluster"] for r in got if r["cluster"] is not None}
    first_jsonl_rows = 59
    assert any(int(c) <= first_jsonl_rows for c in (r["cluster"] for r in got[first_jsonl_rows:] if r["cluster"]))
    assert len(clusters) < len([r for r in got if r["error"] is None])  # reposts share a cluster
    assert summary.rows == len(want)


def test_model_is_loaded_once_per_worker(cluster, shipped_bundle, tmp_path, monkeypatch):
    from jobscan import dask_engine
    from jobscan.api import load_scorer
    from jobscan.readers import expand_inputs
    from jobscan.scoring import Scorer

    _, client = cluster
    load_scorer(None)  # the client's own copy (cached), not counted
    dask_engine._CACHE.clear()
    real = Scorer.load.__func__
    loads = []

    def counting(cls, *a, **k):
        loads.append(a)
        return real(cls, *a, **k)

    monkeypatch.setattr(Scorer, "load", classmethod(counting))
    files = expand_inputs(make_inputs(tmp_path / "in"))
    _, manifest = dask_engine.scan(files, str(tmp_path / "o.jsonl"), batch.ScanOptions(), text_columns=["text"],
                                   blocksize=700, client=client)
    assert len(manifest["parts"]) > 10
    assert len(loads) == 1  # both workers live in this process here (processes=False): one load for all


def test_cli_local_cluster_of_two_processes(shipped_bundle, tmp_path):
    """The default path: no --scheduler, the CLI starts 2 worker processes and closes them."""
    pytest.importorskip("dask.distributed")
    inputs = make_inputs(tmp_path / "in")
    runner = CliRunner()
    local, out = tmp_path / "local.jsonl", tmp_path / "out.jsonl"
    assert runner.invoke(app, ["scan", *inputs, "-o", str(local), "-q"]).exit_code == 0
    r = runner.invoke(app, ["scan", *inputs, "-o", str(out), "--engine", "dask", "--workers", "2"])
    assert r.exit_code == 0, r.output
    assert "on 2 workers" in r.stderr
    assert read_parts(out, "jsonl") == read_local(local, "jsonl")
    # an existing output folder is kept unless --force
    r = runner.invoke(app, ["scan", *inputs, "-o", str(out), "--engine", "dask", "--workers", "1"])
    assert r.exit_code == 2 and "--force" in r.stderr


def test_python_api_on_a_dask_dataframe(cluster, shipped_bundle):
    pd = pytest.importorskip("pandas")
    dd = pytest.importorskip("dask.dataframe")
    from jobscan.dask_engine import score_dask_dataframe

    texts = [AD.format(n=k % 7 + 10) if k % 2 else OTHER.format(n=k) for k in range(40)]
    texts[5], texts[6], texts[9] = "", None, "   "
    pdf = pd.DataFrame({"post": [f"x{k}" for k in range(40)], "body": texts, "verdict": "input"})
    ddf = dd.from_pandas(pdf, npartitions=4)
    out = score_dask_dataframe(ddf, text_column="body")
    assert list(out.columns) == ["post", "body", "input_verdict", *batch.RESULT_COLUMNS]
    got = out.compute()
    assert list(got["post"]) == list(pdf["post"])  # every row, in order
    # the local engine on the same posts
    rows = [batch.Row("df", k + 1, {"text": t}, t if t and t.strip() else None, None if t and t.strip() else "empty text")
            for k, t in enumerate(texts)]
    want = [batch.flatten(o) for o in batch.scan_rows(rows, batch.ScanOptions())]
    for k, (g, w) in enumerate(zip(got.to_dict("records"), want)):
        if w["error"]:
            assert g["error"] == "empty text" and pd.isna(g["risk"]) and pd.isna(g["cluster"]), k
            continue
        assert g["risk"] == w["risk"] and g["verdict"] == w["verdict"], k
        assert g["flags"] == w["flags"] and g["contacts"] == w["contacts"], k
        assert g["top_evidence"] == w["top_evidence"] and g["language"] == w["language"], k
        assert g["cluster"] == w["cluster"] and pd.isna(g["error"]), k  # global clusters across partitions
    lazy = score_dask_dataframe(ddf, text_column="body", clusters=False).compute()
    assert lazy["cluster"].isna().all() and list(lazy["verdict"].fillna("")) == list(got["verdict"].fillna(""))


def test_api_keeps_rows_that_cannot_be_scored(cluster, shipped_bundle):
    pd = pytest.importorskip("pandas")
    dd = pytest.importorskip("dask.dataframe")
    from jobscan.dask_engine import score_dask_dataframe

    dask = pytest.importorskip("dask")
    pdf = pd.DataFrame({"text": pd.Series([AD.format(n=2), "", None, {"a": 1}, 12345, float("nan")], dtype=object)})
    with dask.config.set({"dataframe.convert-string": False}):  # else Dask turns every object into a string
        got = score_dask_dataframe(dd.from_pandas(pdf, npartitions=2)).compute()
    assert len(got) == 6
    assert got["verdict"].iloc[0] == "flagged" and pd.isna(got["error"].iloc[0])
    assert list(got["error"].iloc[1:3]) == ["empty text", "empty text"]
    assert got["error"].iloc[3] == "field 'text' is not text"
    assert pd.isna(got["error"].iloc[4]) and got["verdict"].iloc[4] == "ok"  # numbers are read as text, as locally
    assert got["error"].iloc[5] == "empty text"
    with pytest.raises(KeyError):
        score_dask_dataframe(dd.from_pandas(pdf, npartitions=2), text_column="body")


def test_dask_options_that_do_not_apply(run, tmp_path):
    src = tmp_path / "p.jsonl"
    src.write_text(json.dumps({"text": AD.format(n=2)}) + "\n", encoding="utf-8")
    r = run("scan", str(src), "--scheduler", "tcp://127.0.0.1:8786")
    assert r.exit_code == 2 and "--engine dask" in r.stderr
    assert run("scan", str(src), "--engine", "spark").exit_code == 2
    if _has_dask():
        for extra in (["--resume"], ["--report", str(tmp_path / "r.html")], []):
            args = ["scan", str(src), "--engine", "dask"] + extra + (["-o", str(tmp_path / "o.csv")] if extra else [])
            r = run(*args)
            assert r.exit_code == 2 and "Traceback" not in r.output, args
        r = run("scan", str(src), "--engine", "dask", "-o", str(tmp_path / "o.xlsx"))
        assert r.exit_code == 2 and "output format" in r.stderr


def _has_dask() -> bool:
    try:
        import distributed  # noqa: F401
    except ImportError:
        return False
    return True


def test_missing_dask_says_how_to_install_and_local_still_works(shipped_bundle, tmp_path):
    """Without Dask (simulated: `import dask` fails), --engine dask exits 2 with one line naming the
    extra, and the local engine still works. Run in a new process so this test's cluster is untouched."""
    src = tmp_path / "p.jsonl"
    src.write_text(json.dumps({"text": AD.format(n=2)}) + "\n", encoding="utf-8")
    script = (
        "import json, sys\n"
        "for name in ('dask', 'distributed', 'dask.distributed', 'dask.dataframe'):\n"
        "    sys.modules[name] = None  # import dask now raises ImportError\n"
        "from typer.testing import CliRunner\n"
        "from jobscan.cli import app\n"
        "src, out = sys.argv[1], sys.argv[2]\n"
        "r1 = CliRunner().invoke(app, ['scan', src, '--engine', 'dask', '-o', out + '/d.parquet'])\n"
        "r2 = CliRunner().invoke(app, ['scan', src, '-o', out + '/local.jsonl', '-q'])\n"
        "print(json.dumps([r1.exit_code, r1.stderr, r2.exit_code, 'dask' in sys.modules and sys.modules['dask'] is not None]))\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(src), str(tmp_path)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    dask_code, dask_err, local_code, imported = json.loads(done.stdout.strip().splitlines()[-1])
    assert dask_code == 2 and "pip install 'jobscan[dask]'" in dask_err and len(dask_err.strip().splitlines()) == 1
    assert local_code == 0 and not imported
    assert json.loads((tmp_path / "local.jsonl").read_text(encoding="utf-8"))["verdict"] == "flagged"
