"""No benchmark text in what the team writes: rules, lexicons, training examples, tests, docs.

Benchmark articles are for measuring only. A run of NINE or more words shared with any input of
``../shared/benchmarks`` in a tracked text file of the project fails this test (shorter runs are
common news phrasing: "no group has claimed responsibility for the attack"). Skipped where the
benchmarks are not beside the checkout (a bare clone).
"""

import json
import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BENCHMARKS = REPO.parent / "shared" / "benchmarks"
RUN = 9
TEXT_SUFFIXES = {".py", ".md", ".toml", ".tsv", ".csv", ".jsonl", ".json", ".txt", ".html", ".js"}


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _runs(words: list[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i:i + RUN]) for i in range(len(words) - RUN + 1)}


@pytest.fixture(scope="module")
def benchmark_runs() -> set[tuple[str, ...]]:
    inputs = sorted(BENCHMARKS.glob("*/inputs.jsonl"))
    if not inputs:
        pytest.skip(f"no benchmark inputs in {BENCHMARKS}")
    runs: set[tuple[str, ...]] = set()
    for path in inputs:
        for line in path.read_text("utf-8").split("\n"):  # (not splitlines: texts hold U+2028)
            if line.strip():
                runs |= _runs(_words(json.loads(line).get("text") or ""))
    return runs


def _team_files() -> list[Path]:
    listed = subprocess.run(["git", "ls-files", "src", "tests", "docs", "benchmarks", "README.md"],
                            cwd=REPO, capture_output=True, text=True, check=True).stdout.split()
    return [REPO / f for f in listed if Path(f).suffix in TEXT_SUFFIXES and not f.endswith("sqlite")]


def test_no_team_file_repeats_a_benchmark_article(benchmark_runs) -> None:
    shared = {}
    for path in _team_files():
        try:
            text = path.read_text("utf-8")
        except (UnicodeDecodeError, FileNotFoundError):
            continue
        found = _runs(_words(text)) & benchmark_runs
        if found:
            shared[str(path.relative_to(REPO))] = " ".join(sorted(found)[0])
    assert not shared, shared


def test_the_check_finds_a_copied_sentence(benchmark_runs) -> None:
    """The check itself works: a run taken from a benchmark input is found."""
    run = next(iter(benchmark_runs))
    assert _runs(_words("Reported: " + " ".join(run) + ".")) & benchmark_runs
