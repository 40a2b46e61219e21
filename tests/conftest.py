"""Shared fixtures: the full pipeline is built once per test session."""

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
