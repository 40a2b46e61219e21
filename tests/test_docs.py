"""Docs are tested: every command and option of the CLI is documented, with help text."""

from pathlib import Path

import click
import pytest
import typer

from newsevents.cli import app

ROOT = Path(__file__).resolve().parents[1]
DOCS = (ROOT / "README.md").read_text("utf-8") + "".join(
    p.read_text("utf-8") for p in sorted((ROOT / "docs").glob("*.md")))


def _commands(group: click.Group, prefix: str = ""):
    for name, cmd in group.commands.items():
        full = f"{prefix} {name}".strip()
        if hasattr(cmd, "commands"):
            yield from _commands(cmd, full)
        else:
            yield full, cmd


COMMANDS = list(_commands(typer.main.get_command(app)))


def test_there_are_commands():
    assert {"extract", "info", "evaluate", "gazetteer build", "gazetteer import"} <= {c for c, _ in COMMANDS}


@pytest.mark.parametrize("name, cmd", COMMANDS, ids=[c for c, _ in COMMANDS])
def test_command_documented_with_help(name, cmd):
    assert f"newsevents {name}" in DOCS, f"`newsevents {name}` is not in README.md or docs/"
    assert (cmd.help or "").strip(), f"{name} has no help text"
    for param in cmd.params:
        if isinstance(param, click.Option):
            assert any(opt in DOCS for opt in param.opts), f"{name}: {param.opts} undocumented"
            assert (param.help or "").strip(), f"{name}: {param.opts} has no help text"


def test_global_debug_option_documented():
    assert "--debug" in DOCS
