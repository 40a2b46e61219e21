"""Shared fixtures: the full pipeline is built once per test session."""

import importlib.util
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture(scope="session")
def nlp():
    """The full newsevents pipeline (model, entity rules and every stage)."""
    from newsevents.nlp import get_pipeline
    return get_pipeline()


@pytest.fixture(scope="session")
def gazetteer_path() -> Path:
    """The default gazetteer file, built once (in the per-user cache) if it is missing."""
    from newsevents.gazetteer import get_gazetteer
    from newsevents.settings import default_settings
    path = default_settings().gazetteer_path()
    get_gazetteer(path)
    return path


@pytest.fixture(scope="session")
def benchmark_script():
    """A loader of a script of benchmarks/ as a module: ``benchmark_script("trigger_weights")``."""
    folder = Path(__file__).resolve().parents[1] / "benchmarks"

    def load(name: str):
        spec = importlib.util.spec_from_file_location(name, folder / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    return load
