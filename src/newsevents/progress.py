"""Progress bars for long commands: counts, rate and time left, on standard error.

The command line shows them only on a terminal and never with ``--quiet``. A bar needs a total
for its time left: ``estimate_articles`` counts the articles of the inputs cheaply (records
of JSONL/CSV files and rows of Parquet tables are counted, nothing is parsed), so the estimate
can be a little off for CSV fields spanning lines; the bar then simply ends early or late.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn,
                           TimeElapsedColumn, TimeRemainingColumn)

_LINES = {".jsonl", ".ndjson"}
_TABLES = {".csv", ".tsv"}
_DOCUMENTATION = (".md", ".rst")


def estimate_articles(paths: Iterable[str]) -> Optional[int]:
    """About how many articles ``paths`` hold, as ``newsevents.read`` would read them
    (directories recursively, hidden and documentation files left out); None when it cannot
    be told without reading them (standard input, JSON documents)."""
    total = 0
    for given in paths:
        if given == "-":
            return None
        top = Path(given)
        if top.is_dir():
            for folder, subfolders, names in os.walk(top):
                subfolders[:] = [d for d in subfolders if not d.startswith(".")]
                for name in names:
                    if not name.startswith(".") and not name.lower().endswith(_DOCUMENTATION):
                        n = _file_articles(Path(folder, name))
                        if n is None:
                            return None
                        total += n
        else:
            n = _file_articles(top)
            if n is None:
                return None
            total += n
    return total


def _file_articles(path: Path) -> Optional[int]:
    suffix = path.suffix.lower()
    try:
        if suffix in _LINES:
            return count_lines(path)
        if suffix in _TABLES:
            return max(0, count_lines(path) - 1)
        if suffix == ".parquet":
            import pyarrow.parquet as pq
            return pq.ParquetFile(path).metadata.num_rows
        if suffix == ".json":
            return None
    except (OSError, ValueError):
        return 1  # reading it will report the problem; it still counts as one input
    return 1


def count_lines(path: Path) -> int:
    """Lines of ``path`` holding something."""
    with path.open("rb") as f:
        return sum(1 for line in f if line.strip())


@contextmanager
def progress_bar(label: str, total: Optional[int], console: Console, disabled: bool = False,
                 unit: str = "articles") -> Iterator[Callable[..., None]]:
    """A bar with counts, rate (``unit``/s), elapsed time and time left (once the total is
    known); yields ``advance(n=1, detail="", total=None)``. Disabled, ``advance`` does nothing."""
    if disabled:
        yield lambda n=1, detail="", total=None: None
        return
    columns = [SpinnerColumn(), TextColumn(label), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TextColumn("left"),
               TimeRemainingColumn(), TextColumn("{task.fields[detail]}")]
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(label, total=total, rate="", detail="")
        state = {"done": 0}

        def advance(n: int = 1, detail: str = "", total: Optional[int] = None) -> None:
            state["done"] += n
            elapsed = progress.tasks[0].elapsed or 1e-9
            fields = {"total": total} if total is not None else {}
            progress.update(task, advance=n, detail=detail,
                            rate=f"{state['done'] / elapsed:.1f} {unit}/s", **fields)
        yield advance


@contextmanager
def working(label: str, console: Console, disabled: bool = False) -> Iterator[None]:
    """A spinner with the elapsed time, for long steps that report no progress of their own."""
    if disabled:
        yield
        return
    with Progress(SpinnerColumn(), TextColumn(label), TimeElapsedColumn(), console=console,
                  transient=True) as progress:
        progress.add_task(label, total=None)
        yield
