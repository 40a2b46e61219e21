"""The command line: a thin layer over the library.

Each command parses options, calls one library function, and turns library errors into a
message with its code and an exit code (docs/errors.md). No traceback unless ``--debug``.
"""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, List, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from . import __version__
from .errors import EXIT_FAILURE, EXIT_SKIPPED, EXIT_USAGE, BadDate, BadOption, NewsEventsError
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
        err.print(f"[bold red]error[/] {exc}")
        raise typer.Exit(EXIT_USAGE if isinstance(exc, (BadOption, BadDate)) else EXIT_FAILURE)
    except KeyboardInterrupt:
        err.print("interrupted")
        raise typer.Exit(130)


def _settings(config: Optional[Path], model: Optional[str]):
    from .settings import load_settings
    return load_settings(config, model=model)


@app.callback()
def main_options(
    debug: bool = typer.Option(False, "--debug", help="Show full tracebacks on errors."),
) -> None:
    STATE["debug"] = debug


def report_problem(p: ReadProblem) -> None:
    err.print(f"[yellow]skipped[/] {p.origin}: {p.message}")


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
    workers: int = typer.Option(1, "--workers", "-w", min=1, help="Worker processes (each loads the model once); output order is kept."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar or summary."),
) -> None:
    """Extract events from articles and print them (output contract v1 for json/jsonl)."""
    from .api import extract_articles
    from .output import get_writer
    from .read import parse_date, read_paths

    with handled():
        if date is not None and parse_date(date) is None:
            raise BadDate(date)
        writer = get_writer(fmt)
        settings = _settings(config, model)
        skipped: list[ReadProblem] = []

        def articles() -> Iterator[Article]:
            for item in read_paths(paths, max_bytes=settings.max_article_bytes):
                if isinstance(item, ReadProblem):
                    skipped.append(item)
                    report_problem(item)
                elif date and not item.date:
                    yield item.model_copy(update={"date": parse_date(date)})
                else:
                    yield item

        out = output.open("w", encoding="utf-8") if output else sys.stdout
        try:
            with _progress(quiet or not err.is_terminal) as advance:
                n = writer(advance(extract_articles(articles(), settings, workers=workers)), out,
                           include_text=include_text)
        finally:
            if output:
                out.close()
        if not quiet:
            err.print(f"{n} article(s) extracted, {len(skipped)} skipped")
        if skipped:
            raise typer.Exit(EXIT_SKIPPED)


@contextmanager
def _progress(disabled: bool):
    """Wraps an iterator with a progress bar (rate, elapsed) on standard error."""
    if disabled:
        yield lambda it: it
        return
    with Progress(TextColumn("extracting"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), console=err,
                  transient=True) as progress:
        task = progress.add_task("extract", total=None, rate="")

        def advance(it):
            for n, item in enumerate(it, 1):
                elapsed = progress.tasks[0].elapsed or 1e-9
                progress.update(task, advance=1, rate=f"{n / elapsed:.1f} articles/s")
                yield item
        yield advance


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
) -> None:
    """(Re)build the bundled gazetteer from the installed GeoNames data and curated additions."""
    from .gazetteer import build
    with handled():
        settings = _settings(config, None)
        stats = build(settings.gazetteer_path(), min_population or settings.gazetteer_min_population,
                      progress=err.is_terminal)
        typer.echo(json.dumps(stats, indent=2))


@gazetteer_app.command("import")
def gazetteer_import(
    file: Path = typer.Argument(..., help="A GeoNames dump (allCountries.txt, XX.txt) or a CSV of local places."),
    config: Optional[Path] = typer.Option(None, "--config", help="A TOML settings file overlaying the defaults."),
) -> None:
    """Add places to the gazetteer: a GeoNames dump or a CSV (name, alternate_names, kind, parent, lat, lon)."""
    from .gazetteer import get_gazetteer, import_geonames, import_places_csv
    with handled():
        path = _settings(config, None).gazetteer_path()
        get_gazetteer(path)  # make sure the base exists first
        added = import_places_csv(path, file) if file.suffix.lower() == ".csv" else import_geonames(path, file)
        typer.echo(f"{added} place(s) added to {path}")


@app.command()
def evaluate(
    bench_dir: Path = typer.Argument(..., help="A benchmark directory (inputs.jsonl + gold.jsonl) or a seed expected.json."),
    kind: Optional[str] = typer.Option(None, "--kind", help="case2021, acled, timex, geo, giveme or seed (default: detected)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Also write the extracted JSONL here."),
    scored: Optional[Path] = typer.Option(None, "--scored", help="Score this existing output JSONL instead of extracting."),
    limit: Optional[int] = typer.Option(None, "--limit", help="Only the first N inputs."),
    config: Optional[Path] = typer.Option(None, "--config", help="A TOML settings file overlaying the defaults."),
) -> None:
    """Score extraction against gold data and print the figures as JSON."""
    from . import evaluate as ev
    with handled():
        if scored is not None:
            figures = ev.evaluate_output(bench_dir, scored, kind)
        else:
            figures = ev.evaluate(bench_dir, kind, settings=_settings(config, None), output=output,
                                  limit=limit, progress=err.is_terminal)
        typer.echo(json.dumps(figures, indent=2))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
