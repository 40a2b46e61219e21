"""Server fixtures: a small store (the seed article and the bundled samples, extracted once per
session) with a reviewer, a reader and an admin, on SQLite and, for the tests that ask for it,
PostgreSQL; the application and logged-in test clients.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from newsevents.serve import auth
from newsevents.store import open_store
from newsevents.store.ingest import store_result
from tests.store.conftest import postgres_url, temporary_url  # noqa: F401 - shared PG helpers

REPO = Path(__file__).resolve().parents[2]
SEED_DIR = REPO / "tests" / "golden"  # the seed article, kept with its hand annotation
SAMPLES = REPO / "src" / "newsevents" / "data" / "samples"
SEED_ID = "000_d442ccff8fdceaa2"
REVIEWER = ("rita", "rita-password-1")
READER = ("reed", "reed-password-1")
ADMIN = ("ada", "ada-password-1")


def seed_inputs() -> list[str]:
    """The seed article and the bundled samples."""
    return [str(p) for p in sorted(SEED_DIR.glob("*.txt"))] + [str(SAMPLES)]


@pytest.fixture(scope="session")
def serve_results():
    """Extraction results of the seed article and the samples, computed once."""
    from newsevents.api import extract_articles
    from newsevents.read import read_paths
    articles = [a for a in read_paths(seed_inputs()) if not hasattr(a, "code")]
    return list(extract_articles(articles))


def fill_store(url: str, results) -> None:
    """Store the results (linked) and add the three users."""
    store = open_store(url)
    try:
        for r in results:
            store_result(store, r)
        for (name, password), role in ((REVIEWER, "reviewer"), (READER, "reader"),
                                       (ADMIN, "admin")):
            auth.add_user(store, name, password, role)
    finally:
        store.close()


@pytest.fixture(scope="session")
def serve_template(tmp_path_factory, serve_results) -> Path:
    """A filled SQLite store file, built once and copied for each test."""
    path = tmp_path_factory.mktemp("serve") / "template.db"
    fill_store(f"sqlite:///{path}", serve_results)
    return path


@pytest.fixture
def serve_db(serve_template, tmp_path) -> str:
    """A fresh copy of the filled store (SQLite URL) for one test."""
    target = tmp_path / "serve.db"
    shutil.copy(serve_template, target)
    return f"sqlite:///{target}"


@pytest.fixture(params=["sqlite", "postgresql"])
def any_serve_db(request, serve_template, serve_results, tmp_path):
    """The filled store on each engine (PostgreSQL skipped with the reason when unreachable)."""
    if request.param == "sqlite":
        target = tmp_path / "serve.db"
        shutil.copy(serve_template, target)
        yield f"sqlite:///{target}"
        return
    with temporary_url("postgresql", tmp_path) as url:
        fill_store(url, serve_results)
        yield url


def make_app(url: str, **options):
    from newsevents.serve.app import create_app
    return create_app(url, secret_key="test-secret", **options)


@pytest.fixture
def app(serve_db):
    """The application over a fresh filled SQLite store (reads need no login)."""
    application = make_app(serve_db)
    yield application
    application.state.store.close()


def client_for(application):
    from fastapi.testclient import TestClient
    return TestClient(application, base_url="http://testserver")


def log_in(client, who: tuple[str, str]):
    """Log ``client`` in; later requests send the CSRF token header. Returns the client."""
    r = client.post("/api/v1/session", json={"username": who[0], "password": who[1]})
    assert r.status_code == 200, r.text
    client.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    return client


@pytest.fixture
def client(app):
    """An anonymous test client."""
    with client_for(app) as c:
        yield c


@pytest.fixture
def reviewer_client(app):
    """A test client logged in as the reviewer (cookie + X-CSRF-Token header)."""
    with client_for(app) as c:
        yield log_in(c, REVIEWER)


@pytest.fixture
def reader_client(app):
    """A test client logged in as the reader."""
    with client_for(app) as c:
        yield log_in(c, READER)
