"""Progress display of long commands: counts, rate, time left; nothing when disabled."""

from __future__ import annotations

import io

from rich.console import Console

from newsevents.progress import progress_bar, working


def _console() -> tuple[Console, io.StringIO]:
    buf = io.StringIO()
    return Console(file=buf, force_terminal=True, width=160), buf


def test_bar_shows_count_rate_and_time_left():
    console, buf = _console()
    with progress_bar("extracting", 4, console) as advance:
        for _ in range(3):
            advance()
    out = buf.getvalue()
    assert "extracting" in out and "3/4" in out and "articles/s" in out and "left" in out


def test_total_can_arrive_later():
    console, buf = _console()
    with progress_bar("scoring", None, console) as advance:
        advance(total=10)
        advance(total=10)
    assert "2/10" in buf.getvalue()


def test_disabled_displays_draw_nothing():
    console, buf = _console()
    with progress_bar("extracting", 4, console, disabled=True) as advance:
        advance()
    with working("linking", console, disabled=True):
        pass
    assert buf.getvalue() == ""


def test_spinner_names_the_step():
    console, buf = _console()
    with working("linking", console):
        pass
    assert "linking" in buf.getvalue()
