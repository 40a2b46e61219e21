"""Shared fixtures: the full pipeline is built once per test session."""

from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture(scope="session")
def nlp():
    """The full newsevents pipeline (model, entity rules and every stage)."""
    from newsevents.nlp import get_pipeline
    return get_pipeline()
