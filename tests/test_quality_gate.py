"""Quality gate: pinned floors on the blind halves of small fixed subsets of the dev benchmarks.

Each gate extracts a fixed subset (the first N items of the set's blind half, by the sha1 of their
ids, as ``../shared/tools/score.py`` splits them), scores it with that scorer, and fails when a
figure falls below its floor. The floors sit a little under what the build measured (recorded in
docs/benchmarks.md), so a real regression fails and run-to-run noise does not. Raise a floor when
a change lifts the blind figure; never lower one to make a change pass. Skipped where the
benchmarks or the scorer are not beside the checkout (a bare clone).
"""

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SCORER = SHARED / "tools" / "score.py"

# set, scorer kind, items, {figure path: floor}
GATES = {
    # measured: type macro 0.758, actor1 0.828, actor2 0.705, dyad 0.598, fatalities 0.977
    "acled-notes": ("acled", 300, {"type.macro_f1": 0.72, "actor1_type": 0.79, "actor2_type": 0.67,
                                   "actor_dyad_type": 0.56, "fatalities_exact": 0.95}),
    # measured: weighted 0.857, macro over all types 0.844
    "case2021-task2": ("case2021", 100, {"seen_types.weighted_f1": 0.82, "all_types.macro_f1": 0.80}),
}


def _blind(item_id: str) -> bool:
    return hashlib.sha1(str(item_id).encode("utf-8")).hexdigest()[0] not in "01234567"


def _subset(name: str, n: int, into: Path) -> Path:
    src = SHARED / "benchmarks" / name
    inputs = [json.loads(line) for line in (src / "inputs.jsonl").read_text("utf-8").splitlines() if line.strip()]
    kept = [r for r in inputs if _blind(r["id"])][:n]
    ids = {r["id"] for r in kept}
    gold = [line for line in (src / "gold.jsonl").read_text("utf-8").splitlines()
            if line.strip() and json.loads(line)["id"] in ids]
    into.mkdir(parents=True)
    (into / "inputs.jsonl").write_text("".join(json.dumps(r) + "\n" for r in kept), "utf-8")
    (into / "gold.jsonl").write_text("\n".join(gold) + "\n", "utf-8")
    return into


def _figure(result: dict, path: str) -> float:
    value = result
    for key in path.split("."):
        value = value[key]
    return value


@pytest.mark.parametrize("name", sorted(GATES))
def test_blind_subset_keeps_its_floors(name, tmp_path):
    if not SCORER.is_file() or not (SHARED / "benchmarks" / name).is_dir():
        pytest.skip("the benchmarks and their scorer are not beside this checkout")
    from newsevents.evaluate import evaluate

    kind, n, floors = GATES[name]
    bench = _subset(name, n, tmp_path / name)
    out = tmp_path / f"{name}.jsonl"
    evaluate(bench, output=out)
    scored = subprocess.run([sys.executable, str(SCORER), kind, str(bench), str(out), "blind"],
                            capture_output=True, text=True, check=True)
    result = json.loads(scored.stdout)
    below = {path: (_figure(result, path), floor) for path, floor in floors.items()
             if _figure(result, path) < floor}
    assert not below, f"{name} blind subset below its floors (figure, floor): {below}"
