"""The command line: a thin layer over the library.

Each command parses options, calls one library function, and turns library errors into a
message with its code and an exit code (docs/errors.md). No traceback unless ``--debug``.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, List, Optional

import click
import typer
from rich.console import Console
from rich.markup import escape

from . import __version__
from .errors import (EXIT_FAILURE, EXIT_SKIPPED, EXIT_USAGE, BadDate, BadOption, InternalError,
                     NewsEventsError)
from .schema import Article, ReadProblem

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Turn news articles into source-linked political and human-rights events.")
gazetteer_app = typer.Typer(no_args_is_help=True, help="Build or extend the offline gazetteer.")
app.add_typer(gazetteer_app, name="gazetteer")
err = Console(stderr=True, highlight=False)
STATE = {"debug": False}


@contextmanager
def handled() -> Iterator[None]:
    """Library errors → a one-line message with its code, and a truthful exit code."""
    try:
        yield
    except NewsEventsError as exc:
        if STATE["debug"]:
            raise
        err.print(f"[bold red]error[/] {escape(str(exc))}")
        raise typer.Exit(EXIT_USAGE if isinstance(exc, (BadOption, BadDate)) else EXIT_FAILURE)
    except KeyboardInterrupt:
        err.print("interrupted")
        raise typer.Exit(130)
    except (typer.Exit, typer.Abort, click.exceptions.Exit, click.exceptions.ClickException,
            click.exceptions.Abort):
        raise  # typer.Exit and usage errors carry their own exit code
    except Exception as exc:  # a bug: one line with a code, the traceback only with --debug
        if STATE["debug"]:
            raise
        logging.getLogger("newsevents").debug("unexpected error", exc_info=True)
        err.print(f"[bold red]error[/] {escape(str(InternalError(f'{type(exc).__name__}: {exc}')))}")
        raise typer.Exit(EXIT_FAILURE)


def _settings(config: Optional[Path], model: Optional[str]):
    from .settings import load_settings
    return load_settings(config, model=model)


@app.callback()
def main_options(
    debug: bool = typer.Option(False, "--debug", help="Show full tracebacks on errors."),
) -> None:
    STATE["debug"] = debug


def report_problem(p: ReadProblem) -> None:
    err.print(f"[yellow]skipped[/] {escape(p.origin)}: {escape(p.message)}")


ENGINE_HELP = ("Where extraction runs: local (processes on this machine) or dask (the workers of "
               "a Dask cluster; inputs may also be .parquet tables of articles).")
SCHEDULER_HELP = ("The Dask scheduler, tcp://HOST:PORT, for --engine dask; without it a local Dask "
                  "cluster of --workers processes is started.")
WORKERS_HELP = ("Worker processes, each loading the model once; output order is kept (default: the "
                "number of cores; one process for fewer than 24 articles or input typed at a terminal). "
                "With --engine dask and no --scheduler: the size of the local Dask cluster.")


@app.command()
def extract(
    paths: List[str] = typer.Argument(..., help="Files or directories (recursive) of articles: "
                                      ".txt, .jsonl, .csv, .html; '-' reads standard input."),
    fmt: str = typer.Option("table", "--format", "-f", help="Output format: table, json, jsonl or csv."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file instead of standard output."),
    date: Optional[str] = typer.Option(None, "--date", help="Publication date (YYYY-MM-DD or YYYY-MM) for articles that have none."),
    include_text: bool = typer.Option(False, "--include-text", help="Include each article's text in JSON output."),
    config: Optional[Path] = typer.Option(None, "--config", help="A TOML settings file overlaying the defaults."),
    model: Optional[str] = typer.Option(None, "--model", help="An installed spaCy model to use instead of the default."),
    workers: Optional[int] = typer.Option(None, "--workers", "-w", min=1, help=WORKERS_HELP),
    engine: str = typer.Option("local", "--engine", help=ENGINE_HELP),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help=SCHEDULER_HELP),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar or summary."),
) -> None:
    """Extract events from articles and print them (output contract v1 for json/jsonl)."""
    from .output import get_writer
    from .read import parse_date

    with handled():
        if date is not None and parse_date(date) is None:
            raise BadDate(date)
        writer = get_writer(fmt)
        settings = _settings(config, model)
        skipped: list[ReadProblem] = []
        read = _reader(engine, scheduler)
        n_workers = _workers(workers, paths)
        no_bar = quiet or not err.is_terminal
        total = None if no_bar else _estimate(paths)

        def articles() -> Iterator[Article]:
            for item in read(paths, max_bytes=settings.max_article_bytes,
                             max_chars=settings.max_article_chars):
                if isinstance(item, ReadProblem):
                    skipped.append(item)
                    report_problem(item)
                    bar_advance[0]()
                elif date and not item.date:
                    yield item.model_copy(update={"date": parse_date(date)})
                else:
                    yield item

        bar_advance = [lambda n=1, detail="": None]
        out = output.open("w", encoding="utf-8") if output else sys.stdout
        try:
            with _extractor(engine, scheduler, n_workers, settings) as run, \
                    _progress(no_bar, total) as (advance, bar_advance[0]):
                n = writer(advance(run(articles())), out, include_text=include_text)
        finally:
            if output:
                out.close()
        if not quiet:
            err.print(f"{n} article(s) extracted, {len(skipped)} skipped")
        if skipped:
            raise typer.Exit(EXIT_SKIPPED)


@contextmanager
def _extractor(engine: str, scheduler: Optional[str], workers: int, settings) -> Iterator:
    """The function articles → results (input order) for ``--engine``, open while in use."""
    if engine == "local":
        from .api import extract_articles
        yield lambda articles: extract_articles(articles, settings, workers=workers)
        return
    from .distributed import dask_extractor
    with dask_extractor(scheduler, workers, settings) as run:
        yield run


def _reader(engine: str, scheduler: Optional[str]):
    """How inputs are read for ``--engine``: as ``newsevents.read`` does, plus Parquet tables
    of articles for the dask engine. Raises BadOption for a wrong engine/scheduler pair."""
    if engine not in ("local", "dask"):
        raise BadOption(f"Unknown --engine '{engine}': use local or dask.")
    if engine == "local" and scheduler:
        raise BadOption("--scheduler needs --engine dask.")
    if engine == "dask":
        from .distributed import read_inputs
        return read_inputs
    from .read import read_paths
    return read_paths


def _workers(workers: Optional[int], paths: List[str]) -> int:
    """--workers, by default the number of cores; one process for input typed at a terminal
    (articles arrive one by one: nothing to spread)."""
    if "-" in paths and sys.stdin.isatty():
        return 1
    if workers:
        return workers
    from .api import default_workers
    return default_workers()


def _working(label: str, quiet: bool):
    """A spinner with the elapsed time on standard error for a step with no count to show."""
    from .progress import working
    return working(label, err, quiet or not err.is_terminal)


def _estimate(paths: List[str]) -> Optional[int]:
    from .progress import estimate_articles
    return estimate_articles(paths)


@contextmanager
def _progress(disabled: bool, total: Optional[int] = None):
    """Wraps an iterator of results with a progress bar (count, rate, elapsed, time left) on
    standard error; also yields the bar's ``advance`` for inputs skipped before extraction."""
    from .progress import progress_bar
    with progress_bar("extracting", total, err, disabled) as advance:
        def counted(it):
            for item in it:
                advance()
                yield item
        yield counted, advance


@app.command()
def info(
    config: Optional[Path] = typer.Option(None, "--config", help="A TOML settings file overlaying the defaults."),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """Show the version, the spaCy model and the gazetteer in use."""
    import spacy
    with handled():
        settings = _settings(config, None)
        gaz_path = settings.gazetteer_path()
        facts = {"newsevents": __version__, "spacy": spacy.__version__, "model": settings.model,
                 "model_version": _model_version(settings.model), "gazetteer": str(gaz_path),
                 "gazetteer_places": _gazetteer_size(gaz_path)}
        if as_json:
            typer.echo(json.dumps(facts, indent=2))
        else:
            for k, v in facts.items():
                typer.echo(f"{k:18} {v}")


def _model_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version(name.replace("_", "-"))
    except PackageNotFoundError:
        return "not installed"


def _gazetteer_size(path: Path) -> str:
    if not path.exists():
        return "not built yet (built on first use, or run `newsevents gazetteer build`)"
    from .gazetteer import Gazetteer
    return str(Gazetteer.open(path).count())


@gazetteer_app.command("build")
def gazetteer_build(
    config: Optional[Path] = typer.Option(None, "--config", help="A TOML settings file overlaying the defaults."),
    min_population: Optional[int] = typer.Option(None, "--min-population", help="Leave out places smaller than this."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress display."),
) -> None:
    """(Re)build the bundled gazetteer from the installed GeoNames data and curated additions."""
    from .gazetteer import build
    with handled():
        settings = _settings(config, None)
        with _working("building the gazetteer", quiet):
            stats = build(settings.gazetteer_path(), min_population or settings.gazetteer_min_population)
        typer.echo(json.dumps(stats, indent=2))


@gazetteer_app.command("import")
def gazetteer_import(
    file: Path = typer.Argument(..., help="A GeoNames dump (allCountries.txt, XX.txt) or a CSV of local places."),
    config: Optional[Path] = typer.Option(None, "--config", help="A TOML settings file overlaying the defaults."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress display."),
) -> None:
    """Add places to the gazetteer: a GeoNames dump or a CSV (name, alternate_names, kind, parent, lat, lon)."""
    from .gazetteer import get_gazetteer, import_geonames, import_places_csv
    with handled():
        path = _settings(config, None).gazetteer_path()
        with _working("preparing the gazetteer", quiet):
            get_gazetteer(path)  # make sure the base exists first
        if file.suffix.lower() == ".csv":
            with _working(f"importing {file.name}", quiet):
                added = import_places_csv(path, file)
        else:
            from .progress import progress_bar
            with progress_bar(f"importing {file.name}", None, err, quiet or not err.is_terminal,
                              unit="lines") as advance:
                added = import_geonames(path, file, progress=advance)
        typer.echo(f"{added} place(s) added to {path}")


@app.command()
def evaluate(
    bench_dir: Path = typer.Argument(..., help="A benchmark directory (inputs.jsonl + gold.jsonl) or a seed expected.json."),
    kind: Optional[str] = typer.Option(None, "--kind", help="case2021, acled, timex, geo, giveme or seed (default: detected)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Also write the extracted JSONL here."),
    scored: Optional[Path] = typer.Option(None, "--scored", help="Score this existing output JSONL instead of extracting."),
    limit: Optional[int] = typer.Option(None, "--limit", help="Only the first N inputs."),
    config: Optional[Path] = typer.Option(None, "--config", help="A TOML settings file overlaying the defaults."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress display."),
) -> None:
    """Score extraction against gold data and print the figures as JSON."""
    from . import evaluate as ev
    with handled():
        if scored is not None:
            figures = ev.evaluate_output(bench_dir, scored, kind)
        else:
            from .progress import progress_bar
            with progress_bar("extracting", None, err, quiet or not err.is_terminal) as bar:
                figures = ev.evaluate(bench_dir, kind, settings=_settings(config, None), output=output,
                                      limit=limit, callback=lambda done, total: bar(total=total))
        typer.echo(json.dumps(figures, indent=2))


# -- the store ------------------------------------------------------------------------------
db_app = typer.Typer(no_args_is_help=True, help="Manage the store's database schema.")
app.add_typer(db_app, name="db")
DB_HELP = "Store URL: a SQLite file path or URL, or postgresql://user@host/db (default ./newsevents.db, or $NEWSEVENTS_DB)."
FORMAT_HELP = "Output format: table, json, jsonl or csv."


def _open_db(db: Optional[str]):
    from .store import open_store
    return open_store(db)


@contextmanager
def _output(path: Optional[Path]):
    out = path.open("w", encoding="utf-8") if path else sys.stdout
    try:
        yield out
    finally:
        if path:
            out.close()


@app.command()
def ingest(
    paths: List[str] = typer.Argument(..., help="Files or directories (recursive) of articles, as for extract; '-' reads standard input."),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    reextract: bool = typer.Option(False, "--reextract", help="Extract and store again articles already stored (after an upgrade)."),
    no_link: bool = typer.Option(False, "--no-link", help="Store without linking across articles (run `newsevents link` later)."),
    config: Optional[Path] = typer.Option(None, "--config", help="A TOML settings file overlaying the defaults."),
    model: Optional[str] = typer.Option(None, "--model", help="An installed spaCy model to use instead of the default."),
    engine: str = typer.Option("local", "--engine", help=ENGINE_HELP),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help=SCHEDULER_HELP),
    workers: Optional[int] = typer.Option(None, "--workers", "-w", min=1, help=WORKERS_HELP),
    to_parquet: Optional[Path] = typer.Option(None, "--to-parquet", help="Write contract-v1 results as Parquet files in this (empty) directory instead of a store; import them with `newsevents load`."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar or summary."),
) -> None:
    """Extract articles and store them: idempotent, resumable, one transaction per article."""
    from .store.ingest import ingest
    with handled():
        settings = _settings(config, model)
        read = _reader(engine, scheduler)
        if to_parquet and db:
            raise BadOption("Give either --db or --to-parquet, not both.")
        items = read(paths, max_bytes=settings.max_article_bytes,
                     max_chars=settings.max_article_chars)
        n_workers = _workers(workers, paths)
        no_bar = quiet or not err.is_terminal
        total = None if no_bar else _estimate(paths)
        if to_parquet:
            from .distributed import extract_to_parquet
            with _extractor(engine, scheduler, n_workers, settings) as run, \
                    _ingest_progress(no_bar, total) as progress:
                report = extract_to_parquet(items, run, to_parquet, progress=progress)
            _ingest_summary(report, quiet, f"{report.stored} written to {to_parquet}")
            return
        with _open_db(db) as store:
            with _ingest_progress(no_bar, total) as progress, \
                    _extractor(engine, scheduler, n_workers, settings) as run:
                report = ingest(store, items, settings, reextract=reextract, link=not no_link,
                                progress=progress, extract=run)
        _ingest_summary(report, quiet, f"{report.stored} stored, {report.reextracted} re-extracted, "
                        f"{report.already_stored} already stored")


def _ingest_summary(report, quiet: bool, outcome: str) -> None:
    """Name each skipped input, print the counts, exit 3 if anything was skipped."""
    from .store.ingest import SKIPPED
    for problem in report.skipped:
        report_problem(problem)
    if not quiet:
        err.print(f"{report.read} read, {outcome}, {len(report.skipped)} skipped")
        reasons: dict[str, int] = {}
        for problem in report.skipped:
            reasons[problem.code] = reasons.get(problem.code, 0) + 1
        for code, n in sorted(reasons.items()):
            err.print(f"  {SKIPPED} {n} [{code}]")
    if report.skipped:
        raise typer.Exit(EXIT_SKIPPED)


@app.command()
def load(
    directory: Path = typer.Argument(..., help="A directory of results-*.parquet files written by `newsevents ingest --to-parquet`."),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    replace: bool = typer.Option(False, "--replace", help="Store again articles already stored, replacing them with the results in the files."),
    no_link: bool = typer.Option(False, "--no-link", help="Store without linking across articles (run `newsevents link` later)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar or summary."),
) -> None:
    """Import Parquet results (from `ingest --to-parquet`) into a store, one transaction per article."""
    from .distributed import load_results
    with handled():
        with _open_db(db) as store:
            no_bar = quiet or not err.is_terminal
            with _ingest_progress(no_bar, None if no_bar else _result_rows(directory), "loading") as progress:
                report = load_results(store, directory, replace=replace, link=not no_link,
                                      progress=progress)
        _ingest_summary(report, quiet, f"{report.stored} stored, {report.reextracted} replaced, "
                        f"{report.already_stored} already stored")


def _result_rows(directory: Path) -> Optional[int]:
    """Rows of the results-*.parquet files in ``directory``, from their metadata."""
    from .progress import estimate_articles
    return estimate_articles([str(p) for p in sorted(directory.glob("results-*.parquet"))])


@contextmanager
def _ingest_progress(disabled: bool, total: Optional[int] = None, label: str = "ingesting"):
    """A progress callback for ingest and load: a bar with counts by outcome, the rate and
    the time left."""
    if disabled:
        yield None
        return
    from .progress import progress_bar
    counts: dict[str, int] = {}
    with progress_bar(label, total, err) as bar:
        def advance(outcome: str, origin: str) -> None:
            counts[outcome] = counts.get(outcome, 0) + 1
            bar(detail=", ".join(f"{n} {k}" for k, n in sorted(counts.items())))
        yield advance


def _event_filter(type_: Optional[List[str]], since, until, place, actor, person, claim,
                  background, text, article, limit):
    from .store.query import EventFilter
    return EventFilter(type=type_ or None, since=since, until=until, place=place, actor=actor,
                       person=person, claim=claim or None, background=background, text=text,
                       article=article, limit=limit)


@app.command()
def events(
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    type_: Optional[List[str]] = typer.Option(None, "--type", "-t", help="Event type (CASE code, e.g. ARREST); repeat for several."),
    since: Optional[str] = typer.Option(None, "--since", help="Events that may have happened on or after this date (YYYY-MM-DD or YYYY-MM)."),
    until: Optional[str] = typer.Option(None, "--until", help="Events that may have happened on or before this date."),
    place: Optional[str] = typer.Option(None, "--place", help="A place at any level: place name, admin2, admin1, country or country code."),
    actor: Optional[str] = typer.Option(None, "--actor", help="Words in an agent's or target's text, name or affiliation."),
    person: Optional[str] = typer.Option(None, "--person", help="A person's id or any spelling of their name."),
    claim: Optional[List[str]] = typer.Option(None, "--claim", help="Claim status (asserted, alleged, claimed, denied, ...); repeat for several."),
    background: Optional[bool] = typer.Option(None, "--background/--no-background", help="Only earlier events recalled in a story, or only new ones."),
    text: Optional[str] = typer.Option(None, "--text", help="Full-text search: events of articles containing these words."),
    article: Optional[str] = typer.Option(None, "--article", help="Only the events of this article id."),
    limit: Optional[int] = typer.Option(None, "--limit", help="At most N events."),
    fmt: str = typer.Option("table", "--format", "-f", help=FORMAT_HELP),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file instead of standard output."),
) -> None:
    """Query stored events (store output contract v1 for json/jsonl)."""
    from .store.formats import write_records
    from .store.query import query_events
    with handled():
        f = _event_filter(type_, since, until, place, actor, person, claim, background, text,
                          article, limit)
        with _open_db(db) as store:
            with _output(output) as out:
                write_records(query_events(store, f), fmt, out, "events")


@app.command()
def articles(
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    since: Optional[str] = typer.Option(None, "--since", help="Articles published on or after this date."),
    until: Optional[str] = typer.Option(None, "--until", help="Articles published on or before this date."),
    text: Optional[str] = typer.Option(None, "--text", help="Full-text search over title and text."),
    source: Optional[str] = typer.Option(None, "--source", help="Only articles from this source."),
    limit: Optional[int] = typer.Option(None, "--limit", help="At most N articles."),
    fmt: str = typer.Option("table", "--format", "-f", help=FORMAT_HELP),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file instead of standard output."),
) -> None:
    """List stored articles with their metadata and event counts."""
    from .store.formats import write_records
    from .store.query import ArticleFilter, query_articles
    with handled():
        f = ArticleFilter(since=since, until=until, text=text, source=source, limit=limit)
        with _open_db(db) as store:
            with _output(output) as out:
                write_records(query_articles(store, f), fmt, out, "articles")


@app.command()
def people(
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    name: Optional[str] = typer.Option(None, "--name", help="Only this person: an id or any spelling of the name."),
    limit: Optional[int] = typer.Option(None, "--limit", help="At most N people."),
    fmt: str = typer.Option("table", "--format", "-f", help=FORMAT_HELP),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file instead of standard output."),
) -> None:
    """People resolved across articles: aliases, roles, affiliations, timeline, contradictions."""
    from .store.formats import write_records
    from .store.query import PersonFilter, query_people
    with handled():
        with _open_db(db) as store:
            with _output(output) as out:
                write_records(query_people(store, PersonFilter(name=name, limit=limit)), fmt, out, "people")


@app.command("export")
def export_cmd(
    fmt: str = typer.Option(..., "--format", "-f", help="acled-csv, jsonl, parquet or geojson."),
    output: Path = typer.Option(..., "--output", "-o", help="The file to write."),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    redact_people: bool = typer.Option(False, "--redact-people", help="Replace people's names by stable pseudonyms (for publishing)."),
    type_: Optional[List[str]] = typer.Option(None, "--type", "-t", help="Only these event types; repeat for several."),
    since: Optional[str] = typer.Option(None, "--since", help="Only events that may have happened on or after this date."),
    until: Optional[str] = typer.Option(None, "--until", help="Only events that may have happened on or before this date."),
    place: Optional[str] = typer.Option(None, "--place", help="Only events at this place (any admin level)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress display or summary."),
) -> None:
    """Export stored events: ACLED CSV, JSONL, Parquet or GeoJSON."""
    from .store.export import export
    with handled():
        f = _event_filter(type_, since, until, place, None, None, None, None, None, None, None)
        with _open_db(db) as store:
            from .progress import progress_bar
            with progress_bar("exporting", None, err, quiet or not err.is_terminal,
                              unit="records") as advance:
                n = export(store, fmt, output, f, redact_people=redact_people, progress=advance)
        if not quiet:
            err.print(f"{n} record(s) written to {output}")


@app.command()
def link(
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    rebuild: bool = typer.Option(False, "--rebuild", help="Drop every cluster and person link and link all articles again; reviewers' merges and splits are applied again."),
    ignore_reviews: bool = typer.Option(False, "--ignore-reviews", help="With --rebuild: do not apply reviewers' merges and splits again."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress display."),
) -> None:
    """Link stored articles: cluster duplicate events, resolve people, record contradictions."""
    from .store import link as linking
    with handled():
        if ignore_reviews and not rebuild:
            raise BadOption("--ignore-reviews goes with --rebuild.")
        with _open_db(db) as store:
            from .progress import progress_bar
            with progress_bar("linking", None, err, quiet or not err.is_terminal) as advance:
                if rebuild:
                    counts = linking.rebuild(store, progress=advance,
                                             keep_reviews=not ignore_reviews)
                else:
                    linked = linking.link_pending(store, progress=advance)
                    counts = linking.link_counts(store) | {"articles": linked}
        typer.echo(json.dumps(counts, indent=2))


@db_app.command("upgrade")
def db_upgrade(
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Create the store or bring its schema to the newest migration (also done on every open)."""
    from .store.db import current_revision
    with handled():
        with _open_db(db) as store:
            typer.echo(f"schema revision {current_revision(store)}")


# -- the server --------------------------------------------------------------------------------
users_app = typer.Typer(no_args_is_help=True, help="Manage the server's user accounts (stored in the store).")
app.add_typer(users_app, name="users")


@app.command()
def serve(
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (default 127.0.0.1: this machine only; put a TLS reverse proxy in front to serve others)."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
    auth_reads: bool = typer.Option(False, "--auth-reads/--no-auth-reads", help="Require a login for reading too (reviewing always requires one)."),
    secure_cookies: bool = typer.Option(False, "--secure-cookies", help="Mark the session cookie Secure (when users reach the server over HTTPS)."),
    workers: int = typer.Option(1, "--workers", min=1, help="Server processes (login rate limits are counted per process)."),
    proxy_headers: bool = typer.Option(False, "--proxy-headers", help="Trust X-Forwarded-For/-Proto from the reverse proxy at 127.0.0.1 (for client addresses in rate limits and logs)."),
) -> None:
    """Run the web review UI and the JSON API (docs/serve.md); Ctrl-C stops it."""
    import uvicorn

    from .serve.app import SECRET_ENV
    with handled():
        store = _open_db(db)  # fails early, with E501, when the store cannot be opened
        store.close()
        if workers > 1 and not os.environ.get(SECRET_ENV):
            raise BadOption(f"--workers {workers} needs ${SECRET_ENV} set, so that every process "
                            "accepts the same session cookies.")
        os.environ["NEWSEVENTS_SERVE_DB"] = db or ""
        os.environ["NEWSEVENTS_SERVE_AUTH_READS"] = "1" if auth_reads else ""
        os.environ["NEWSEVENTS_SERVE_SECURE_COOKIES"] = "1" if secure_cookies else ""
        if host not in ("127.0.0.1", "localhost", "::1"):
            err.print(f"[yellow]warning[/] listening on {host}: anyone who can reach it may read the "
                      "store" + ("" if auth_reads else " (no --auth-reads)") + "; serve it through a "
                      "TLS reverse proxy.")
        err.print(f"serving on http://{host}:{port}  (Ctrl-C to stop)")
        uvicorn.run("newsevents.serve.app:app_from_env", factory=True, host=host, port=port,
                    workers=workers, proxy_headers=proxy_headers, forwarded_allow_ips="127.0.0.1",
                    server_header=False, log_level="info")


def _password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


@users_app.command("add")
def users_add(
    name: str = typer.Argument(..., help="The username (letters, digits, . _ @ -)."),
    role: str = typer.Option("reviewer", "--role", help="reader (may read), reviewer (may review) or admin."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from the first line of standard input instead of prompting."),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Create a user account (the password is prompted for, or read with --password-stdin)."""
    from .serve.auth import add_user, check_role, check_username
    with handled():
        check_username(name)
        check_role(role)
        password = _password(password_stdin)
        with _open_db(db) as store:
            add_user(store, name, password, role)
        err.print(f"user {name} added ({role})")


@users_app.command("list")
def users_list(
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """List the user accounts: name, role, whether disabled, when created."""
    from .serve.auth import list_users
    with handled():
        with _open_db(db) as store:
            users = list_users(store)
        if as_json:
            typer.echo(json.dumps(users, indent=2))
        else:
            for u in users:
                typer.echo(f"{u['username']:24} {u['role']:9} {'disabled' if u['disabled'] else 'active':9} {u['created_at']}")


@users_app.command("passwd")
def users_passwd(
    name: str = typer.Argument(..., help="The username."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the new password from the first line of standard input instead of prompting."),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Set a user's password (their open sessions are logged out)."""
    from .serve.auth import set_password
    with handled():
        password = _password(password_stdin)
        with _open_db(db) as store:
            set_password(store, name, password)
        err.print(f"password of {name} changed")


@users_app.command("role")
def users_role(
    name: str = typer.Argument(..., help="The username."),
    role: str = typer.Argument(..., help="reader, reviewer or admin."),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Change a user's role."""
    from .serve.auth import set_role
    with handled():
        with _open_db(db) as store:
            set_role(store, name, role)
        err.print(f"{name} is now a {role}")


@users_app.command("disable")
def users_disable(
    name: str = typer.Argument(..., help="The username."),
    enable: bool = typer.Option(False, "--enable", help="Enable the account again instead."),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Disable a user (logins, sessions and API tokens stop working), or --enable them again."""
    from .serve.auth import set_disabled
    with handled():
        with _open_db(db) as store:
            set_disabled(store, name, not enable)
        err.print(f"{name} {'enabled' if enable else 'disabled'}")


@users_app.command("token")
def users_token(
    name: str = typer.Argument(..., help="The username the token acts as."),
    label: str = typer.Option("script", "--label", help="What the token is for (shown nowhere else)."),
    revoke: bool = typer.Option(False, "--revoke", help="Delete every API token of the user instead."),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Print a new API token for scripts (Authorization: Bearer TOKEN); shown only once."""
    from .serve.auth import new_token, revoke_tokens
    with handled():
        with _open_db(db) as store:
            if revoke:
                n = revoke_tokens(store, name)
                err.print(f"{n} token(s) of {name} revoked")
            else:
                typer.echo(new_token(store, name, label))


def main() -> None:
    # the library only logs; the command line shows warnings and errors on standard error
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app()


if __name__ == "__main__":
    main()
