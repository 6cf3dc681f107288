"""The jobscan command line: a thin layer over the library. Results go to stdout; progress,
notes and errors to stderr. Exit codes: 0 success, 1 --fail-on met, 2 usage/input/model error,
130 interrupted."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import List, Optional

import typer

from . import __version__
from .messages import t

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Flag job posts that follow the scam-compound (trafficking) recruitment pattern, and say why.")
data_app = typer.Typer(no_args_is_help=True, help="Check labelled data before training.")
flags_app = typer.Typer(no_args_is_help=True, help="The indicator catalogue.")
app.add_typer(data_app, name="data")
app.add_typer(flags_app, name="flags")

FAIL_ON = ("never", "review", "flagged")
_LANG = {"lang": "en"}


def _fail(message: str) -> typer.Exit:
    """Print a one-line error on stderr; the caller raises the returned Exit (code 2)."""
    typer.echo(t("error.prefix", _LANG["lang"]) + message, err=True)
    return typer.Exit(2)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"jobscan {__version__}")
        raise typer.Exit(0)


@app.callback()
def main_callback(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    pass


def _model_errors():
    from .bundle import BundleError

    return (BundleError,)


def _load_scorer(model: Optional[str]):
    from .api import load_scorer

    try:
        return load_scorer(model)
    except _model_errors() as exc:
        raise _fail(str(exc)) from None


# ---------------------------------------------------------------- check
def _read_ad(text: Optional[str], file: Optional[Path], lang_hint: str) -> str:
    given = [x for x in (text, file) if x is not None]
    if len(given) > 1:
        raise _fail(t("error.both_inputs", lang_hint))
    if not given:
        raise _fail(t("error.no_input", lang_hint))
    if file is not None or text == "-":
        try:
            if file is not None and str(file) != "-":
                if file.is_dir():
                    raise _fail(f"{file} is a folder, not a file")
                raw = file.read_bytes()
            else:
                raw = sys.stdin.buffer.read()
        except OSError as exc:
            raise _fail(f"cannot read {file}: {exc.strerror}") from None
        if b"\x00" in raw[:10000]:
            raise _fail(t("error.binary", lang_hint))
        for enc in ("utf-8-sig", "utf-16") if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig",):
            try:
                return raw.decode("utf-16" if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else enc)
            except UnicodeDecodeError:
                pass
        raise _fail(t("error.encoding", lang_hint))
    return text


@app.command()
def check(
    text: Optional[str] = typer.Argument(None, help="The ad's text, or - to read it from stdin."),
    file: Optional[Path] = typer.Option(None, "--file", "-f", help="Read the ad from this file (UTF-8)."),
    title: Optional[str] = typer.Option(None, "--title", help="The ad's title, if it has one."),
    lang: Optional[str] = typer.Option(None, "--lang", help="Language of the explanation: id or en (default: the ad's, else the locale)."),
    country: Optional[str] = typer.Option(None, "--country", help="Your country (ID, PH, MY, TH, SG) for the advice; default from the ad's language."),
    fmt: str = typer.Option("text", "--format", help="text or json."),
    fail_on: str = typer.Option("never", "--fail-on", help="Exit 1 when the verdict is at least: review, flagged (default never)."),
    model: Optional[str] = typer.Option(None, "--model", envvar="JOBSCAN_MODEL", help="Model bundle directory."),
) -> None:
    """Check one job ad: verdict, red flags quoted from the ad, and where to verify it."""
    if lang is not None and lang not in ("id", "en"):
        raise _fail("--lang must be id or en")
    _LANG["lang"] = lang or "en"
    if fmt not in ("text", "json"):
        raise _fail("--format must be text or json")
    if fail_on not in FAIL_ON:
        raise _fail(f"--fail-on must be one of {', '.join(FAIL_ON)}")
    ad = _read_ad(text, file, _LANG["lang"])
    from .api import InputTextError, check as check_ad

    _load_scorer(model)
    try:
        result = check_ad(ad, lang=lang, model=model, title=title, country=country.upper() if country else None)
    except InputTextError as exc:
        raise _fail(t(str(exc), _LANG["lang"])) from None
    if result.get("truncated"):
        from .readers import MAX_TEXT_CHARS

        typer.echo(t("note.truncated", result["output_language"], limit=MAX_TEXT_CHARS), err=True)
    if fmt == "json":
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        from .render import render_check

        render_check(result, ad if not title else f"{title}\n{ad}")
    rank = {"ok": 0, "review": 1, "flagged": 2}
    if fail_on != "never" and rank[result["verdict"]] >= rank[fail_on]:
        raise typer.Exit(1)


# ---------------------------------------------------------------- scan
@app.command()
def scan(
    inputs: List[str] = typer.Argument(..., help="CSV, TSV, JSONL, JSON, TXT or Parquet files, folders or globs; - for stdin."),
    output: Optional[str] = typer.Option(None, "--output", "-o", help="Output file (.csv, .jsonl, .json, .parquet); JSONL on stdout if omitted."),
    input_format: Optional[str] = typer.Option(None, "--input-format", help="csv, tsv, jsonl, json, txt or parquet (needed for stdin)."),
    text_column: List[str] = typer.Option(["text"], "--text-column", "-c", help="Column(s) holding the text; several are joined."),
    encoding: Optional[str] = typer.Option(None, "--encoding", help="Input encoding (default: detected)."),
    force: bool = typer.Option(False, "--force", help="Replace an existing output file (or an interrupted scan)."),
    resume: bool = typer.Option(False, "--resume", help="Continue an interrupted scan to the same output."),
    workers: int = typer.Option(1, "--workers", "-w", min=1, max=64, help="Processes scoring in parallel."),
    chunk_size: int = typer.Option(1000, "--chunk-size", min=1, max=100000, help="Posts per chunk (memory vs. checkpoint granularity)."),
    watchlist: Optional[Path] = typer.Option(None, "--watchlist", help="File of known recruiter contacts or phrases, one per line."),
    report: Optional[Path] = typer.Option(None, "--report", help="Also write a self-contained HTML report."),
    redact: bool = typer.Option(False, "--redact", help="Mask contacts and personal data in the outputs and the report."),
    lang: Optional[str] = typer.Option(None, "--lang", help="Language of descriptions and the report: id or en."),
    fail_on: str = typer.Option("never", "--fail-on", help="Exit 1 when any post is at least: review, flagged."),
    model: Optional[str] = typer.Option(None, "--model", envvar="JOBSCAN_MODEL", help="Model bundle directory."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar and no summary on stderr."),
    engine: str = typer.Option("local", "--engine", help="local (this machine) or dask (a Dask cluster, with the dask extra installed; -o names an output folder)."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Dask scheduler address (tcp://HOST:8786) for --engine dask; default: a local cluster of --workers processes."),
) -> None:
    """Scan many posts: every input row comes back with risk, verdict, flags, contacts and repost cluster, in input order."""
    from .batch import ScanOptions, Summary, flatten
    from .messages import locale_language
    from .readers import InputError, expand_inputs
    from .report import ReportBuilder
    from .scanjob import ResumeError, estimate_rows, run, settings_of
    from .watchlist import Watchlist, WatchlistError
    from .writers import OutputError, ResultWriter, output_format

    if fail_on not in FAIL_ON:
        raise _fail(f"--fail-on must be one of {', '.join(FAIL_ON)}")
    if lang is not None and lang not in ("id", "en"):
        raise _fail("--lang must be id or en")
    if resume and force:
        raise _fail("use either --resume or --force, not both")
    human_lang = lang or locale_language() or "en"
    _LANG["lang"] = human_lang
    if engine not in ("local", "dask"):
        raise _fail("--engine must be local or dask")
    if scheduler and engine != "dask":
        raise _fail("--scheduler needs --engine dask")
    if engine == "dask":
        _scan_dask(inputs, output, input_format=input_format, text_column=list(text_column), encoding=encoding,
                   force=force, resume=resume, workers=workers, chunk_size=chunk_size, watchlist=watchlist,
                   report=report, redact=redact, lang=lang, fail_on=fail_on, model=model, quiet=quiet,
                   scheduler=scheduler, human_lang=human_lang)
        return
    try:
        files = expand_inputs(inputs)
        fmt = output_format(output)
        if watchlist is not None:
            Watchlist.load(watchlist)  # fail early on a bad watchlist
    except (InputError, OutputError, WatchlistError) as exc:
        raise _fail(str(exc)) from None
    if report is not None and report.exists() and not force and not resume:
        raise _fail(f"{report} exists; use --force to replace it")
    _load_scorer(model)
    opts = ScanOptions(model=model, lang=lang, workers=workers, chunk_size=chunk_size,
                       watchlist=str(watchlist) if watchlist else None, redact=redact)
    settings = settings_of(opts, text_columns=list(text_column), input_format=input_format, encoding=encoding)
    try:
        writer = ResultWriter(output, fmt, force=force, resume=resume, flatten=flatten)
    except OutputError as exc:
        raise _fail(str(exc)) from None
    summary = Summary()
    builder = ReportBuilder(lang=human_lang, redact=redact) if report is not None else None
    show_progress = not quiet and sys.stderr.isatty()

    def notice(key: str, fields: dict) -> None:
        if not quiet:
            typer.echo(t(key, human_lang, **fields), err=True)

    progress_ctx = None
    update = None
    if show_progress:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        progress_ctx = Progress(TextColumn("scanning"), BarColumn(), MofNCompleteColumn(),
                                TextColumn("{task.fields[rate]} posts/s"), TimeRemainingColumn(),
                                console=Console(stderr=True), transient=True)
        task = progress_ctx.add_task("scan", total=estimate_rows(files), rate="-")
        import time as _time

        started = _time.perf_counter()

        def update(n: int) -> None:
            elapsed = max(1e-6, _time.perf_counter() - started)
            progress_ctx.update(task, completed=n, rate=f"{n / elapsed:,.0f}")

        progress_ctx.start()
    try:
        run(files, writer, opts, input_format=input_format, text_columns=list(text_column), encoding=encoding,
            resume=resume, settings=settings, report=builder, summary=summary, progress=update, notice=notice)
        writer.close()
    except (InputError, OutputError, ResumeError, WatchlistError) as exc:
        if progress_ctx:
            progress_ctx.stop()
        writer.keep() if resume else writer.abort()
        raise _fail(str(exc)) from None
    except KeyboardInterrupt:
        if progress_ctx:
            progress_ctx.stop()
        writer.keep()
        if writer.path is not None:
            typer.echo(t("scan.interrupted", human_lang, rows=summary.rows), err=True)
        raise typer.Exit(130)
    except BaseException:
        if progress_ctx:
            progress_ctx.stop()
        writer.keep()
        raise
    if progress_ctx:
        progress_ctx.stop()
    if builder is not None:
        scorer = _load_scorer(model)
        tmp = report.with_name(f".{report.name}.part")
        tmp.write_text(builder.render({"name": scorer.name, "version": scorer.version}), encoding="utf-8")
        os.replace(tmp, report)
        notice("scan.report_written", {"path": str(report)})
    if not quiet:
        _echo_summary(summary, human_lang)
    _exit_if_fail_on(summary, fail_on)


def _scan_dask(inputs: List[str], output: Optional[str], *, input_format, text_column, encoding, force, resume, workers,
               chunk_size, watchlist, report, redact, lang, fail_on, model, quiet, scheduler, human_lang) -> None:
    """`scan --engine dask`: hands the scan to jobscan.dask_engine."""
    try:
        from . import dask_engine

        dask_engine.require()
    except ImportError:
        raise _fail("--engine dask needs Dask: pip install 'jobscan[dask]'") from None
    from .batch import ScanOptions
    from .readers import InputError, expand_inputs
    from .watchlist import Watchlist, WatchlistError

    if output is None:
        raise _fail("--engine dask needs -o OUTPUT_DIR (a folder: NAME.parquet, NAME.csv or NAME.jsonl)")
    if resume:
        raise _fail("--resume is not available with --engine dask: run the scan again (with --force)")
    if report is not None:
        raise _fail("--report is not available with --engine dask")
    try:
        files = expand_inputs(inputs)
        if watchlist is not None:
            Watchlist.load(watchlist)
    except (InputError, WatchlistError) as exc:
        raise _fail(str(exc)) from None
    _load_scorer(model)
    opts = ScanOptions(model=model, lang=lang, workers=workers, chunk_size=chunk_size,
                       watchlist=str(watchlist) if watchlist else None, redact=redact)
    try:
        summary, _ = dask_engine.scan(files, output, opts, text_columns=text_column, input_format=input_format,
                                      encoding=encoding, scheduler=scheduler, force=force,
                                      notice=(lambda m: None) if quiet else (lambda m: typer.echo(m, err=True)))
    except (InputError, dask_engine.DaskScanError) as exc:
        raise _fail(str(exc)) from None
    except KeyboardInterrupt:
        typer.echo("interrupted: nothing was written (a Dask scan cannot be resumed; run it again)", err=True)
        raise typer.Exit(130)
    if not quiet:
        _echo_summary(summary, human_lang)
    _exit_if_fail_on(summary, fail_on)


def _exit_if_fail_on(summary, fail_on: str) -> None:
    """Exit 1 when any post met --fail-on (review counts flagged posts too)."""
    if fail_on == "never":
        return
    hit = summary.verdicts["flagged"] + (summary.verdicts["review"] if fail_on == "review" else 0)
    if hit:
        raise typer.Exit(1)


def _echo_summary(summary, human_lang: str) -> None:
    s = summary.to_dict()
    typer.echo(t("scan.summary", human_lang, rows=s["rows"], errors=s["errors"], **s["verdicts"]), err=True)
    if s["top_flags"]:
        typer.echo(t("scan.top_flags", human_lang) + ": " + ", ".join(f"{k} ({n})" for k, n in s["top_flags"][:5]), err=True)
    if s["top_contacts"]:
        typer.echo(t("scan.top_contacts", human_lang) + ": " + ", ".join(f"{k} ({n})" for k, n in s["top_contacts"][:5]), err=True)


# ---------------------------------------------------------------- train / evaluate
@app.command()
def train(
    config: Path = typer.Argument(Path("training/configs/default.toml"), help="Training config (TOML)."),
    output: Path = typer.Option(..., "--output", "-o", help="Directory for the new bundle."),
    seed: Optional[int] = typer.Option(None, "--seed", help="Override the config's seed."),
    force: bool = typer.Option(False, "--force", help="Replace an existing bundle directory."),
) -> None:
    """Train a model bundle from a config file and print its test metrics."""
    from .bundle import BundleError
    from .dataset import DataError
    from .evaluate import to_markdown
    from .train import ConfigError, train as train_model

    try:
        meta = train_model(config, output, seed=seed, force=force, progress=lambda m: typer.echo(m, err=True))
    except (ConfigError, DataError, BundleError) as exc:
        raise _fail(str(exc)) from None
    typer.echo(f"wrote {output} (thresholds: review {meta['thresholds']['review']}, flagged {meta['thresholds']['flagged']}; "
               f"{meta['training_seconds']} s)", err=True)
    if meta.get("metrics"):
        typer.echo(to_markdown(meta["metrics"], "Test split"))


@app.command()
def evaluate(
    model: str = typer.Argument(..., help="Model bundle directory."),
    data: List[Path] = typer.Argument(..., help="Labelled JSONL/CSV files (text, label; optional language, category)."),
    fmt: str = typer.Option("markdown", "--format", help="markdown or json."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Also write the report to this file."),
    robustness: bool = typer.Option(False, "--robustness", help="Also score the data rewritten by each evasion transform (l33t, spacing, zero-width, look-alikes, emoji, caps, line breaks, abbreviations, all combined)."),
) -> None:
    """Precision, recall and F1 at both thresholds, PR-AUC, calibration, slices by language and category."""
    from .dataset import DataError, read_many
    from .evaluate import evaluate_scorer, to_markdown

    if fmt not in ("markdown", "json"):
        raise _fail("--format must be markdown or json")
    scorer = _load_scorer(model)
    try:
        df = read_many(data)
    except DataError as exc:
        raise _fail(str(exc)) from None
    m = evaluate_scorer(scorer, df)
    m["model"] = {"name": scorer.name, "version": scorer.version}
    m["data"] = [str(p) for p in data]
    text = json.dumps(m, indent=2, ensure_ascii=False) if fmt == "json" else to_markdown(m, f"{scorer.name} on {', '.join(p.name for p in data)}")
    if robustness:
        from .robustness import robustness as run_robustness, to_markdown as robustness_markdown

        m["robustness"] = run_robustness(scorer, df)
        text = json.dumps(m, indent=2, ensure_ascii=False) if fmt == "json" else text + "\n" + robustness_markdown(m["robustness"])
    typer.echo(text)
    if output:
        output.write_text(text + ("\n" if not text.endswith("\n") else ""), encoding="utf-8")


# ---------------------------------------------------------------- data / flags
@data_app.command("check")
def data_check(
    data: List[Path] = typer.Argument(..., help="Labelled JSONL/CSV files."),
    against: List[Path] = typer.Option([], "--against", help="Test files to check for overlap with DATA."),
    fmt: str = typer.Option("text", "--format", help="text or json."),
) -> None:
    """Schema, labels, exact and near duplicates, train/test overlap. Exit 1 when a problem is found."""
    from .datacheck import check as run_check
    from .dataset import DataError, read_many

    try:
        df = read_many(data)
        test_df = read_many(against) if against else None
    except DataError as exc:
        raise _fail(str(exc)) from None
    report = run_check(df, test_df)
    if fmt == "json":
        typer.echo(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        typer.echo(f"rows {report['rows']}, labels {report['labels']}, languages {report['languages']}")
        for p in report["problems"]:
            typer.echo(f"problem: {p}")
        for w in report["warnings"]:
            typer.echo(f"warning: {w}")
        if not report["problems"]:
            typer.echo("ok: no problems found")
    if report["problems"]:
        raise typer.Exit(1)


@flags_app.command("list")
def flags_list(lang: str = typer.Option("en", "--lang", help="id or en.")) -> None:
    """Every flag: id, group, kind and description."""
    from .flags import catalogue

    for f in catalogue():
        typer.echo(f"{f.id:32} {f.group:13} {f.kind:8} {f.description(lang)}")


@flags_app.command("lint")
def flags_lint() -> None:
    """Check the catalogue: ids, bilingual descriptions, patterns that compile."""
    from .flags import lint

    problems = lint()
    for p in problems:
        typer.echo(p)
    if problems:
        raise typer.Exit(1)
    typer.echo("ok: catalogue is clean")


def _aborts() -> tuple[type[BaseException], ...]:
    """Ctrl-C as click reports it: typer.Abort (typer's own copy of click, in typer >= 0.25) and click's."""
    import click

    return (KeyboardInterrupt, typer.Abort, click.exceptions.Abort)


def _is_usage_error(exc: BaseException) -> bool:
    """A click usage error (unknown option, missing argument, bad value), from click or from
    typer's own copy of it: both have `show()` and an `exit_code`."""
    return callable(getattr(exc, "show", None)) and isinstance(getattr(exc, "exit_code", None), int)


def main() -> None:
    try:
        rv = app(standalone_mode=False)
    except _aborts():
        typer.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:
        if _is_usage_error(exc):
            exc.show()  # the usage line and one "Error: ..." line
            sys.exit(exc.exit_code)
        _fail(f"internal error: {type(exc).__name__}: {exc}")  # a bug: still one line, never a traceback
        sys.exit(2)
    sys.exit(rv if isinstance(rv, int) else 0)


from . import cli_trainers  # noqa: E402,F401  registers trainer commands
