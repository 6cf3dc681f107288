"""Trainer commands: `review`, `retrain` and `models list|show|compare|validate|use`.

Registered on the main app by the import at the end of `jobscan.cli`. Results go to stdout;
progress, notes and errors to stderr; every sentence in English and Indonesian (`--lang`).
Exit codes: 0 success; 1 `models validate` found a problem; 2 usage, input, data or model error;
130 interrupted.
"""

from __future__ import annotations

import getpass
import json
import os
import sys
from pathlib import Path
from typing import List, Optional

import typer

from . import cli
from .cli import _fail, app
from .messages import locale_language, t

models_app = typer.Typer(no_args_is_help=True, help="Model bundles: list, show, compare, validate, use.")
app.add_typer(models_app, name="models")

LANG_HELP = "Language of messages: en or id (default: the locale, else English)."


def _lang(lang: Optional[str]) -> str:
    if lang is not None and lang not in ("en", "id"):
        cli._LANG["lang"] = "en"
        raise _fail("--lang must be id or en")
    chosen = lang or locale_language() or "en"
    cli._LANG["lang"] = chosen
    return chosen


def _err(lang: str, key: str, **fields) -> typer.Exit:
    return _fail(t(key, lang, **fields))


def _localized(exc: Exception, lang: str) -> str:
    return exc.message(lang) if hasattr(exc, "message") else str(exc)


def _resolve(name: str, lang: str) -> Path:
    from .registry import RegistryError, resolve

    try:
        return resolve(name)
    except RegistryError as exc:
        raise _fail(exc.message(lang)) from None


def _console():
    from rich.console import Console

    return Console(file=sys.stdout, highlight=False, soft_wrap=True, no_color=bool(os.environ.get("NO_COLOR")))


def _note(message: str) -> None:
    typer.echo(message, err=True)


def _reviewer(given: Optional[str]) -> str:
    if given:
        return given
    env = os.environ.get("JOBSCAN_REVIEWER")
    if env:
        return env
    try:
        return getpass.getuser()
    except Exception:  # no user name on this system
        return "unknown"


# ---------------------------------------------------------------- review
@app.command()
def review(
    scan_output: Optional[Path] = typer.Argument(None, help="Output of `jobscan scan` (CSV, JSONL or JSON)."),
    feedback_path: Path = typer.Option(Path("feedback.jsonl"), "--feedback", help="Feedback file to append labels to (JSONL)."),
    reviewer: Optional[str] = typer.Option(None, "--reviewer", help="Your name or initials (default: JOBSCAN_REVIEWER, else the login name)."),
    text_column: List[str] = typer.Option(["text"], "--text-column", "-c", help="Column(s) holding the text, as given to scan."),
    export: Optional[Path] = typer.Option(None, "--export", help="Write the review queue to this CSV for a spreadsheet instead."),
    import_csv: Optional[Path] = typer.Option(None, "--import", help="Append the labels filled in a spreadsheet (CSV) to the feedback file."),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, help="Review (or export) at most this many posts."),
    force: bool = typer.Option(False, "--force", help="Replace an existing --export file."),
    model: Optional[str] = typer.Option(None, "--model", envvar="JOBSCAN_MODEL", help="Model whose thresholds and flags to use (default: the current default)."),
    lang: Optional[str] = typer.Option(None, "--lang", help=LANG_HELP),
) -> None:
    """Label scanned posts, most uncertain first: y scam recruitment, n not, s skip, u undo, q quit."""
    from . import feedback as fb
    from .review import KeyReader, ReviewError, build_queue, queue_rows, read_scan_output, run

    lang = _lang(lang)
    who = _reviewer(reviewer)
    if import_csv is not None:
        if scan_output is not None or export is not None:
            raise _err(lang, "review.error.import_alone")
        try:
            records, blank = fb.import_csv(import_csv, who)
            n = fb.FeedbackFile(feedback_path).extend(records)
        except fb.FeedbackError as exc:
            raise _fail(exc.message(lang)) from None
        scam = sum(r["label"] for r in records)
        typer.echo(t("review.imported", lang, n=n, scam=scam, not_=n - scam, blank=blank, path=str(feedback_path)))
        return
    if scan_output is None:
        raise _err(lang, "review.error.no_input")
    scorer = cli._load_scorer(model)
    try:
        items = read_scan_output(scan_output, text_column)
        done = fb.labelled_hashes([feedback_path]) if feedback_path.exists() else set()
        fb_file = fb.FeedbackFile(feedback_path) if export is None else None
    except (ReviewError, fb.FeedbackError) as exc:
        raise _fail(exc.message(lang)) from None
    queue = build_queue(items, scorer.thresholds, skip=done, scorer=scorer)
    if limit:
        queue = queue[:limit]
    if export is not None:
        try:
            n = fb.export_csv(queue_rows(queue), export, force=force)
        except fb.FeedbackError as exc:
            raise _fail(exc.message(lang)) from None
        typer.echo(t("review.exported", lang, n=n, path=str(export), feedback=str(feedback_path)))
        return
    if not queue:
        typer.echo(t("review.nothing", lang, path=str(scan_output)))
        return
    _note(t("review.start", lang, n=len(queue), path=str(feedback_path), reviewer=who))
    console = _console()
    try:
        out = run(queue, scorer, fb_file, who, lang, console, KeyReader())
    except fb.FeedbackError as exc:
        raise _fail(exc.message(lang)) from None
    typer.echo(t("review.summary", lang, scam=out.scam, not_=out.not_scam, skipped=out.skipped, left=out.left,
                 path=str(feedback_path)))


# ---------------------------------------------------------------- retrain
@app.command()
def retrain(
    base: str = typer.Option(..., "--base", help="Base model: `default`, a local model's name, or a bundle directory."),
    feedback_files: List[Path] = typer.Option(..., "--feedback", help="Feedback file(s) from `jobscan review`; later files override earlier ones."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Directory for the new bundle."),
    name: Optional[str] = typer.Option(None, "--name", help="Name of the new model; without -o it is stored with your local models."),
    min_per_class: int = typer.Option(20, "--min-per-class", min=1, help="Refuse with fewer feedback labels than this of either class."),
    holdout: int = typer.Option(20, "--holdout", min=0, max=99, help="Percent of the feedback held out for evaluation (by content hash)."),
    base_train: List[Path] = typer.Option([], "--base-train", help="The base model's training files, if not at their recorded paths."),
    base_test: List[Path] = typer.Option([], "--base-test", help="The base model's test files, if not at their recorded paths."),
    allow_data_change: bool = typer.Option(False, "--allow-data-change", help="Train even if the base data differ from what the base model recorded."),
    force: bool = typer.Option(False, "--force", help="Replace an existing bundle directory."),
    fmt: str = typer.Option("markdown", "--format", help="markdown or json."),
    lang: Optional[str] = typer.Option(None, "--lang", help=LANG_HELP),
) -> None:
    """Retrain a model with trainer feedback; prints the changes against the parent."""
    from .compare import rows_markdown
    from .registry import RegistryError, path_for_name
    from .retrain import RetrainError, retrain as run_retrain

    lang = _lang(lang)
    if fmt not in ("markdown", "json"):
        raise _fail("--format must be markdown or json")
    if output is None and name is None:
        raise _err(lang, "retrain.error.no_output")
    base_path = _resolve(base, lang)
    if output is None:
        try:
            output = path_for_name(name)
        except RegistryError as exc:
            raise _fail(exc.message(lang)) from None

    def progress(key: str, fields: dict) -> None:
        _note(t(key, lang, **fields))

    try:
        report = run_retrain(base_path, list(feedback_files), output, name=name, min_per_class=min_per_class,
                             holdout_percent=holdout, base_train=base_train or None, base_test=base_test or None,
                             allow_data_change=allow_data_change, force=force, progress=progress)
    except RetrainError as exc:
        raise _fail(exc.message(lang)) from None
    for w in report["warnings"]:
        _note(t("note.warning", lang) + w)
    meta = report["meta"]
    s = report["stats"]
    if fmt == "json":
        typer.echo(json.dumps({k: report[k] for k in ("path", "stats", "warnings", "deltas")} |
                              {"name": meta["name"], "version": meta["version"], "parent": meta["parent"],
                               "thresholds": meta["thresholds"], "model_sha256": meta["model_sha256"]},
                              indent=2, ensure_ascii=False))
    else:
        headers = (t("table.metric", lang), t("table.parent", lang), t("table.new", lang), t("table.change", lang))
        typer.echo(t("retrain.done", lang, name=meta["name"], version=meta["version"], path=report["path"],
                     parent=f"{meta['parent']['name']} {meta['parent']['version']}"))
        typer.echo(t("retrain.counts", lang, labels=s["feedback_labels"], trained=s["feedback_train"],
                     held=s["feedback_held_out"], replaced=s["base_rows_replaced_by_feedback"],
                     relabelled=s["feedback_relabels_base"], rows=s["training_rows"]))
        langs = report["data_report"].get("languages", {})
        typer.echo(t("retrain.languages", lang, languages=", ".join(f"{k} {n}" for k, n in langs.items())))
        for key, title in (("test", "retrain.table.test"), ("feedback_held_out", "retrain.table.feedback")):
            rows = report["deltas"].get(key)
            typer.echo("")
            typer.echo("## " + t(title, lang))
            typer.echo("")
            typer.echo(rows_markdown(rows, headers) if rows else t("retrain.table.none", lang))
        stored = name is not None and Path(report["path"]) == path_for_name(name)
        typer.echo(t("retrain.next", lang, parent=base, model=name if stored else report["path"]))


# ---------------------------------------------------------------- models
def _short(sha: Optional[str]) -> str:
    return (sha or "-")[:12]


@models_app.command("list")
def models_list(
    as_json: bool = typer.Option(False, "--json", help="JSON instead of a table."),
    lang: Optional[str] = typer.Option(None, "--lang", help=LANG_HELP),
) -> None:
    """The shipped model and your local models; * marks the one used by default."""
    from .bundle import ENV_MODEL
    from .registry import chosen_default, entries, models_dir

    lang = _lang(lang)
    try:
        found = entries()
    except Exception as exc:  # a broken registry file: say so in one line
        raise _fail(_localized(exc, lang)) from None
    if as_json:
        typer.echo(json.dumps([{"name": e.name, "path": str(e.path), "default": e.is_default, "shipped": e.shipped,
                                "version": (e.meta or {}).get("version"), "created_at": (e.meta or {}).get("created_at"),
                                "parent": (e.meta or {}).get("parent"), "error": e.error} for e in found],
                              indent=2, ensure_ascii=False))
        return
    head = (t("table.name", lang), t("table.version", lang), t("table.created", lang), t("table.parent", lang).upper(),
            t("table.path", lang))
    typer.echo(f"  {head[0]:<24} {head[1]:<14} {head[2]:<21} {head[3]:<28} {head[4]}")
    for e in found:
        m = e.meta or {}
        parent = m.get("parent") or {}
        parent_s = f"{parent.get('name')} {parent.get('version')}" if parent else "-"
        mark = "*" if e.is_default else " "
        if e.error:
            typer.echo(f"{mark} {e.name:<24} {t('models.broken', lang)}: {e.error}")
        else:
            typer.echo(f"{mark} {e.name:<24} {str(m.get('version', '?')):<14} {str(m.get('created_at', '?')):<21} "
                       f"{parent_s:<28} {e.path}")
    _note(t("models.where", lang, path=str(models_dir())))
    if os.environ.get(ENV_MODEL):
        _note(t("models.env_overrides", lang, var=ENV_MODEL, path=os.environ[ENV_MODEL]))
    elif chosen_default() and not any(e.is_default for e in found):
        _note(t("registry.error.default_gone", lang, path=chosen_default()))


@models_app.command("show")
def models_show(
    model: str = typer.Argument("default", help="`default`, a local model's name, or a bundle directory."),
    as_json: bool = typer.Option(False, "--json", help="Print meta.json as it is."),
    lang: Optional[str] = typer.Option(None, "--lang", help=LANG_HELP),
) -> None:
    """What a model is: versions, data, thresholds, parent, feedback and test metrics."""
    from .bundle import BundleError, read_meta
    from .compare import rows_markdown
    from .evaluate import to_markdown

    lang = _lang(lang)
    path = _resolve(model, lang)
    try:
        meta = read_meta(path)
    except BundleError as exc:
        raise _fail(str(exc)) from None
    if as_json:
        typer.echo(json.dumps(meta, indent=2, ensure_ascii=False))
        return
    th = meta.get("thresholds", {})
    data = meta.get("data", {})
    parent = meta.get("parent")
    lines = [
        f"{meta.get('name')} {meta.get('version')}  ({path})",
        f"{t('show.created', lang)}: {meta.get('created_at')} · jobscan {meta.get('jobscan_version')} · "
        f"scikit-learn {meta.get('sklearn_version')} · skops {meta.get('skops_version')} · numpy {meta.get('numpy_version')} · "
        f"python {meta.get('python_version')}",
        f"{t('show.seed', lang)}: {meta.get('seed')} · model sha256 {meta.get('model_sha256')}",
        f"{t('show.thresholds', lang)}: review {th.get('review')}, flagged {th.get('flagged')}",
        f"{t('show.parent', lang)}: " + (f"{parent.get('name')} {parent.get('version')} (sha256 {_short(parent.get('model_sha256'))})"
                                         if parent else t("show.none", lang)),
        f"{t('show.train_data', lang)}: " + ", ".join(f"{f['file']} ({_short(f['sha256'])})" for f in data.get("train", []))
        + f" · {t('show.labels', lang)} {data.get('train_counts')}",
        f"{t('show.test_data', lang)}: " + (", ".join(f"{f['file']} ({_short(f['sha256'])})" for f in data.get("test", []))
                                           or t("show.none", lang)),
    ]
    if data.get("feedback"):
        lines.append(f"{t('show.feedback', lang)}: " + ", ".join(f"{f['file']} ({_short(f['sha256'])})" for f in data["feedback"]))
    typer.echo("\n".join(lines))
    if meta.get("metrics"):
        typer.echo("")
        typer.echo(to_markdown(meta["metrics"], t("show.metrics", lang)))
    if meta.get("parent_metrics", {}).get("test") and meta.get("metrics"):
        from .compare import metric_rows

        headers = (t("table.metric", lang), t("table.parent", lang), t("table.new", lang), t("table.change", lang))
        typer.echo("## " + t("retrain.table.test", lang) + "\n")
        typer.echo(rows_markdown(metric_rows(meta["parent_metrics"]["test"], meta["metrics"]), headers))


@models_app.command("compare")
def models_compare(
    model_a: str = typer.Argument(..., help="First model (e.g. the parent)."),
    model_b: str = typer.Argument(..., help="Second model (e.g. the retrained one)."),
    data: List[Path] = typer.Option([], "--data", help="Labelled data, feedback or posts (default: A's recorded test split)."),
    as_json: bool = typer.Option(False, "--json", help="JSON instead of tables."),
    lang: Optional[str] = typer.Option(None, "--lang", help=LANG_HELP),
) -> None:
    """Score two models on the same data: metrics side by side, and how verdicts move."""
    from .bundle import BundleError, read_meta
    from .compare import CompareError, compare, rows_markdown
    from .retrain import _locate

    lang = _lang(lang)
    path_a, path_b = _resolve(model_a, lang), _resolve(model_b, lang)
    if not data:
        try:
            recorded = (read_meta(path_a).get("training_config") or {}).get("data", {}).get("test") or []
        except BundleError as exc:
            raise _fail(str(exc)) from None
        located = [_locate(p) for p in recorded]
        if not recorded or any(p is None for p in located):
            raise _err(lang, "compare.error.no_data", model=model_a)
        data = located
    try:
        out = compare(path_a, path_b, data)
    except CompareError as exc:
        raise _fail(exc.message(lang)) from None
    except BundleError as exc:
        raise _fail(str(exc)) from None
    if as_json:
        typer.echo(json.dumps(out, indent=2, ensure_ascii=False))
        return
    a, b = out["a"], out["b"]
    typer.echo(t("compare.head", lang, a=f"{a['name']} {a['version']}", b=f"{b['name']} {b['version']}", n=out["n"],
                 data=", ".join(Path(p).name for p in out["data"])))
    typer.echo(t("compare.thresholds", lang, a_review=a["thresholds"]["review"], a_flagged=a["thresholds"]["flagged"],
                 b_review=b["thresholds"]["review"], b_flagged=b["thresholds"]["flagged"]))
    if out["metrics"]:
        typer.echo("")
        typer.echo(rows_markdown(out["metrics"]["rows"], (t("table.metric", lang), "A", "B", "B - A")))
    va, vb = out["verdicts"]["a"], out["verdicts"]["b"]
    typer.echo(t("compare.verdicts", lang, a=", ".join(f"{t('verdict.' + k, lang)} {n}" for k, n in va.items()),
                 b=", ".join(f"{t('verdict.' + k, lang)} {n}" for k, n in vb.items())))
    typer.echo(t("compare.agreement", lang, agreement=out["agreement"], change=out["mean_abs_risk_change"]))
    if out["moves"]:
        typer.echo(t("compare.moves", lang) + ", ".join(
            f"{t('verdict.' + k.split('->')[0], lang)} → {t('verdict.' + k.split('->')[1], lang)}: {n}"
            for k, n in out["moves"].items()))


@models_app.command("validate")
def models_validate(
    models: List[str] = typer.Argument(None, help="Models to check (default: the one used by default)."),
    as_json: bool = typer.Option(False, "--json", help="JSON instead of text."),
    lang: Optional[str] = typer.Option(None, "--lang", help=LANG_HELP),
) -> None:
    """Format version, library versions, file hashes, allowlist, fast scorer: exit 1 on a problem."""
    from .bundle import BundleError
    from .modelcheck import validate
    from .registry import current_default

    lang = _lang(lang)
    if models:
        paths = [_resolve(m, lang) for m in models]
    else:
        try:
            paths = [current_default()]
        except BundleError as exc:
            raise _fail(str(exc)) from None
    reports = [validate(p) for p in paths]
    if as_json:
        typer.echo(json.dumps([{**r, "problems": [t(k, "en", **f) for k, f in r["problems"]],
                                "warnings": [t(k, "en", **f) for k, f in r["warnings"]]} for r in reports],
                              indent=2, ensure_ascii=False))
    else:
        for r in reports:
            label = f"{r['name'] or Path(r['path']).name} {r['version'] or ''}".strip()
            for key, fields in r["problems"]:
                typer.echo(f"{t('validate.problem', lang)}: {label}: {t(key, lang, **fields)}")
            for key, fields in r["warnings"]:
                typer.echo(f"{t('note.warning', lang)}{label}: {t(key, lang, **fields)}")
            if not r["problems"]:
                typer.echo(t("validate.ok", lang, model=label, path=r["path"]))
    if any(r["problems"] for r in reports):
        raise typer.Exit(1)


@models_app.command("use")
def models_use(
    model: str = typer.Argument(..., help="`default` (the shipped model), a local model's name, or a bundle directory."),
    lang: Optional[str] = typer.Option(None, "--lang", help=LANG_HELP),
) -> None:
    """Make a model the default for check, scan and review; `use default` restores the shipped one."""
    from . import api
    from .bundle import ENV_MODEL
    from .modelcheck import validate
    from .registry import SHIPPED, RegistryError, config_path, shipped_path, use

    lang = _lang(lang)
    if model == SHIPPED:
        path = None
    else:
        path = _resolve(model, lang)
        r = validate(path)
        if r["problems"]:
            key, fields = r["problems"][0]
            raise _err(lang, "use.refused", model=model, reason=t(key, lang, **fields))
    try:
        chosen = use(SHIPPED if path is None else str(path))
    except (RegistryError, OSError) as exc:
        raise _fail(_localized(exc, lang)) from None
    api._scorer.cache_clear()
    if chosen is None:
        typer.echo(t("use.shipped", lang, path=str(shipped_path())))
    else:
        typer.echo(t("use.done", lang, path=str(chosen), config=str(config_path())))
    if os.environ.get(ENV_MODEL):
        _note(t("models.env_overrides", lang, var=ENV_MODEL, path=os.environ[ENV_MODEL]))
