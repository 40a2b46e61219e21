"""End-to-end tests of the web review UI in headless Chromium (Debian's ``chromium`` package,
driven by Playwright's Python package through ``executable_path``; no downloaded browser).

The server runs in a thread (uvicorn) over a copy of the test store (seed article + samples)
plus one hostile article whose title, text, link and a person's name carry XSS payloads.
Screenshots are saved under ``test-artifacts/``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from tests.serve.conftest import REVIEWER, SEED_ID, READER

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed "
                                     "(pip install -e '.[dev]')")
expect = playwright_api.expect

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
XSS_ID = "hostile-article"
XSS_TITLE = "Raid report <script>window.__xss='title'</script><img src=x onerror=\"window.__xss='title-img'\">"
XSS_URL = "javascript:window.__xss='url'"
XSS_NAME = "<img src=x onerror=\"window.__xss='name'\">Imran<script>window.__xss='name2'</script>"
XSS_TEXT = (
    "LAHORE - Police arrested the lawyer Saad Akram on Monday outside the district court "
    "<script>window.__xss='text'</script> after a protest by traders. "
    "<img src=x onerror=\"window.__xss='text-img'\"> "
    "Witnesses said officers took him away in a van. "
    "<a href=\"javascript:window.__xss='link'\">details</a> "
    "Later, about 40 traders marched to the press club to demand his release."
)


def chromium_path() -> str | None:
    for candidate in (os.environ.get("NEWSEVENTS_CHROMIUM"), "/usr/bin/chromium",
                      shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def ui_store(tmp_path_factory, serve_template, serve_results) -> str:
    """The test store plus the hostile article, with a person renamed to a payload."""
    from sqlalchemy import select, update

    from newsevents.api import extract_articles
    from newsevents.read import read_paths
    from newsevents.store import open_store
    from newsevents.store.ingest import store_result
    from newsevents.store.schema import EventActor, Person, StoredArticle, StoredEvent

    folder = tmp_path_factory.mktemp("ui")
    path = folder / "ui.db"
    shutil.copy(serve_template, path)
    source = folder / "hostile.jsonl"
    source.write_text(json.dumps({"id": XSS_ID, "date": "2024-03-04", "title": XSS_TITLE,
                                  "url": XSS_URL, "text": XSS_TEXT}) + "\n", encoding="utf-8")
    store = open_store(f"sqlite:///{path}")
    try:
        articles = [a for a in read_paths([str(source)]) if not hasattr(a, "code")]
        assert articles, "the hostile article could not be read"
        for result in extract_articles(articles):
            store_result(store, result)
        with store.session() as s:
            article_pk = s.execute(select(StoredArticle.pk).where(StoredArticle.id == XSS_ID)).scalar_one()
            actor = s.execute(select(EventActor).join(StoredEvent, StoredEvent.pk == EventActor.event_pk)
                              .where(StoredEvent.article_pk == article_pk,
                                     EventActor.person_pk.is_not(None))).scalars().first()
            assert actor is not None, "the hostile article names no person"
            s.execute(update(Person).where(Person.pk == actor.person_pk).values(name=XSS_NAME))
            s.execute(update(EventActor).where(EventActor.person_pk == actor.person_pk)
                      .values(name=XSS_NAME))
    finally:
        store.close()
    return f"sqlite:///{path}"


@pytest.fixture(scope="module")
def base_url(ui_store):
    """The application served by uvicorn in a thread on a free port."""
    import uvicorn

    from tests.serve.conftest import make_app

    app = make_app(ui_store)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)
    app.state.store.close()


@pytest.fixture(scope="module")
def browser():
    executable = chromium_path()
    if executable is None:
        pytest.skip("Chromium not found: install Debian's package (apt-get install -y chromium; "
                    "`make test` does it) or set NEWSEVENTS_CHROMIUM to its path")
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=executable, headless=True,
                                     args=["--no-sandbox", "--disable-gpu"])
        yield chromium
        chromium.close()


class Watch:
    """What a page did that it must not: dialogs, script errors, CSP violations."""

    def __init__(self, page) -> None:
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.csp: list[str] = []
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("console", self._console)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.csp.append(message.text)


@pytest.fixture
def page(browser, base_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(20_000)  # the machine may be busy
    pg = context.new_page()
    pg.watch = Watch(pg)
    yield pg
    context.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"browser-{name}.png"), full_page=True)


def log_in(page, base_url: str, who=REVIEWER, next_path: str = "/") -> None:
    page.goto(f"{base_url}/login?next={next_path}")
    page.fill("#username", who[0])
    page.fill("#password", who[1])
    page.click("#login-submit")
    page.wait_for_url(f"{base_url}{next_path}")
    assert page.text_content("#whoami").startswith(who[0])


def loaded(page) -> None:
    page.wait_for_selector("main[data-loaded=yes]")


def seed_event_pk(base_url: str, page, trigger: str) -> int:
    data = page.evaluate("async (url) => (await fetch(url)).json()",
                         f"{base_url}/api/v1/articles/{SEED_ID}")
    for ev in data["event_items"]:
        if ev["trigger"]["text"] == trigger:
            return ev["pk"]
    raise AssertionError(f"no seed event with trigger {trigger!r}")


def test_login_article_spans_edit_and_export(page, base_url):
    page.goto(base_url + "/login")
    page.fill("#username", REVIEWER[0])
    page.fill("#password", "wrong password")
    page.click("#login-submit")
    assert "Wrong user name or password" in page.text_content("#login-error")
    log_in(page, base_url)

    # The seed article with its spans highlighted; clicking one shows the field it feeds.
    page.goto(f"{base_url}/articles/{SEED_ID}")
    loaded(page)
    marks = page.locator("#article-text mark.hl")
    assert marks.count() > 20
    for kind in ("trigger", "actor", "place", "time", "count", "claim_cue"):
        assert page.locator(f"#article-text mark.k-{kind}").count() > 0, kind
    text = page.text_content("#article-text")
    assert text.startswith("KARACHI - Security agencies") and "whereabouts are not known" in text
    page.locator("#article-text mark.k-time", has_text="Wednesday").first.click()
    assert page.locator("#span-details .span-field").first.text_content() == "date"
    assert "Wednesday" in page.text_content("#span-details")
    page.locator("#article-text mark", has_text="took him away").first.click()
    assert page.locator("#span-details .span-field").first.text_content() == "type"
    shot(page, "article")

    # Correct the date of the event "took him away" in its edit form.
    pk = seed_event_pk(base_url, page, "took him away")
    page.locator("#span-details a.event-link").first.click()
    page.wait_for_url(f"{base_url}/events/{pk}")
    loaded(page)
    assert page.input_value("#e-date") == "2017-01-18"
    page.fill("#e-date", "2017-01-19")
    page.fill("#e-reason", "the raid was on Thursday")
    page.click("#save")
    page.wait_for_selector("#edit-message.ok")
    assert "date.value" in page.text_content("#edit-message")
    assert "2017-01-19" in page.text_content("#event-fields tr.f-date")
    page.wait_for_selector("#reviews ins")
    assert "2017-01-19" in page.text_content("#reviews")
    assert page.text_content("#event-status") == "edited"
    shot(page, "event-edited")

    # A target links to the person page: status timeline and every source sentence.
    page.click("#event-fields a[href^='/people/']")
    loaded(page)
    assert page.text_content("#person-name") == "Farhan Hashmi"
    assert page.locator("#person-timeline li").count() >= 1
    assert page.locator("svg.strip circle").count() >= 1
    sentences = page.locator("#person-sentences li")
    assert sentences.count() >= 2
    assert "Farhan Hashmi" in page.text_content("#person-sentences mark.hl")
    shot(page, "person")
    # A timeline entry leads back to its event in the article, spans highlighted.
    page.locator("#person-timeline a", has_text="event").first.click()
    loaded(page)
    page.wait_for_selector("#article-events li.active")
    assert page.locator("#article-text mark.active").count() > 0

    # The export links of the events page carry the filter; the corrected date is in the export.
    page.goto(f"{base_url}/?q=Karachi")
    loaded(page)
    href = page.get_attribute("a.export[data-format=jsonl]", "href")
    assert href.startswith("/api/v1/export?") and "q=Karachi" in href and "format=jsonl" in href
    with page.expect_download() as info:
        page.click("a.export[data-format=jsonl]")
    lines = Path(info.value.path()).read_text(encoding="utf-8").splitlines()
    ours = [json.loads(line) for line in lines if line.strip()]
    edited = [e for e in ours if e.get("trigger", {}).get("text") == "took him away"]
    assert edited and edited[0]["date"]["value"] == "2017-01-19", edited
    with page.expect_download() as info:
        page.click("a.export[data-format=acled-csv]")
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8"))))
    taken = [r for r in rows if "took him away" in (r.get("source_sentence") or "")]
    assert taken and "2017" in taken[0]["event_date"] and "19" in taken[0]["event_date"], taken
    assert not page.watch.errors and not page.watch.csp, (page.watch.errors, page.watch.csp)


def test_events_table_keyboard_shortcuts(page, base_url):
    log_in(page, base_url)
    page.goto(f"{base_url}/?sort=date&order=asc&limit=25")
    loaded(page)
    rows = page.locator("#rows tr")
    assert rows.count() == 25
    summary = page.text_content("#summary")
    assert summary.startswith("1–25 of ")
    assert page.locator("#rows tr.selected").get_attribute("data-index") == "0"
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    selected = page.locator("#rows tr.selected")
    assert selected.get_attribute("data-index") == "1"
    pk = selected.get_attribute("data-pk")
    page.keyboard.press("a")  # accept, then the next row is selected
    page.wait_for_selector(f"#rows tr[data-pk='{pk}'] .s-accepted")
    assert page.locator("#rows tr.selected").get_attribute("data-index") == "2"
    next_pk = page.locator("#rows tr.selected").get_attribute("data-pk")
    page.keyboard.press("r")
    page.wait_for_selector(f"#rows tr[data-pk='{next_pk}'] .s-rejected")
    status = page.evaluate("async (url) => (await fetch(url)).json()",
                           f"{base_url}/api/v1/events/{pk}")["review_status"]
    assert status == "accepted"
    page.keyboard.press("?")
    assert page.locator("#help").is_visible()
    shot(page, "events-help")
    page.keyboard.press("Escape")
    # j at the last row of a page goes on to the next page.
    for _ in range(25):
        page.keyboard.press("j")
    expect(page.locator("#summary")).to_have_text(re.compile(r"^26–"))
    # Filters and sorting: the URL keeps them; the review filter finds the accepted event.
    page.select_option("#f-review", "accepted")
    page.click("#filters button[type=submit]")
    expect(page.locator("#summary")).to_have_text(re.compile(r"^1–1 of 1 "))
    assert "review_status=accepted" in page.url
    page.click("th[data-sort=type]")
    page.wait_for_url(re.compile(r"sort=type"))
    page.keyboard.press("e")
    page.wait_for_url(f"{base_url}/events/{pk}")
    assert not page.watch.errors and not page.watch.csp


def test_stale_edit_is_refused_and_explained(page, base_url):
    log_in(page, base_url)
    pk = seed_event_pk(base_url, page, "picked up")
    page.goto(f"{base_url}/events/{pk}")
    loaded(page)
    # Someone else saves a change first (same account, another tab: the API bumps the version).
    status = page.evaluate("""async ([url, token]) => (await fetch(url, {method: 'PATCH',
        headers: {'Content-Type': 'application/json', 'X-CSRF-Token': token},
        body: JSON.stringify({version: Number(document.querySelector('#event-fields').textContent.match(/version(\\d+)/)[1]),
                              changes: {'claim.status': 'alleged'}})})).status""",
                           [f"{base_url}/api/v1/events/{pk}",
                            page.get_attribute('meta[name="csrf-token"]', "content")])
    assert status == 200
    page.fill("#e-date", "2016-12-18")
    page.click("#save")
    page.wait_for_selector("#edit-message.error")
    assert "Someone else changed this event" in page.text_content("#edit-message")
    page.reload()
    loaded(page)
    assert page.input_value("#e-claim") == "alleged"
    assert page.input_value("#e-date") != "2016-12-18"


def test_reader_sees_no_review_actions(page, base_url):
    log_in(page, base_url, READER)
    loaded(page)
    assert page.locator("#rows button.accept").count() == 0
    page.keyboard.press("a")
    page.wait_for_selector("#toast:not([hidden])")
    assert "can read but not review" in page.text_content("#toast")


def _assert_inert(page) -> None:
    injected = page.evaluate("""() => ({
        xss: window.__xss || null,
        imgs: document.querySelectorAll('img').length,
        scripts: [...document.scripts].map(s => s.getAttribute('src')).filter(s => !s || !s.startsWith('/static/')),
        jsLinks: [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href')).filter(h => /^\\s*javascript:/i.test(h)),
        handlers: [...document.querySelectorAll('*')].filter(el => [...el.attributes].some(a => a.name.startsWith('on'))).length,
    })""")
    assert injected == {"xss": None, "imgs": 0, "scripts": [], "jsLinks": [], "handlers": 0}, injected
    assert page.watch.dialogs == []


def test_xss_payloads_render_as_text(page, base_url):
    log_in(page, base_url)
    page.goto(f"{base_url}/articles/{XSS_ID}")
    loaded(page)
    assert page.text_content("#article-title") == XSS_TITLE
    text = page.text_content("#article-text")
    assert "<script>window.__xss='text'</script>" in text
    assert "<img src=x onerror=" in text
    assert page.locator("#article-text mark.hl").count() > 0
    assert page.text_content("#article-meta").endswith(XSS_URL)  # shown, not linked
    for mark in page.locator("#article-text mark.hl").all()[:6]:
        mark.click()
    _assert_inert(page)
    shot(page, "xss-article")

    pk = page.evaluate("async (url) => (await fetch(url)).json()",
                       f"{base_url}/api/v1/articles/{XSS_ID}")["event_items"][0]["pk"]
    page.goto(f"{base_url}/events/{pk}")
    loaded(page)
    _assert_inert(page)

    page.goto(f"{base_url}/?q=lawyer")
    loaded(page)
    assert XSS_NAME in page.text_content("#rows")
    _assert_inert(page)
    shot(page, "xss-events")

    people = page.evaluate("async (url) => (await fetch(url)).json()",
                           f"{base_url}/api/v1/people?q=Imran")
    person = [p for p in people["items"] if p["name"] == XSS_NAME]
    assert person, people
    page.goto(f"{base_url}/people/{person[0]['pk']}")
    loaded(page)
    assert page.text_content("#person-name") == XSS_NAME
    assert page.locator("#person-sentences li").count() >= 1
    _assert_inert(page)

    # The lists: the title and the name are text there too, and lead to their pages.
    page.goto(f"{base_url}/articles?q=Akram")
    loaded(page)
    assert page.locator("#list-rows a", has_text="Raid report").first.text_content() == XSS_TITLE
    _assert_inert(page)
    page.goto(f"{base_url}/people?q=Imran")
    loaded(page)
    page.locator("#list-rows a", has_text="Imran").first.click()
    loaded(page)
    assert page.text_content("#person-name") == XSS_NAME
    _assert_inert(page)

    # A payload in the login page's redirect target stays inside its attribute.
    page.goto(f"{base_url}/login?next=/%22%3E%3Cscript%3Ewindow.__xss%3D1%3C/script%3E")
    _assert_inert(page)
    assert page.watch.errors == []


def test_map_and_timeline_draw(page, base_url):
    log_in(page, base_url)
    page.goto(f"{base_url}/map")
    loaded(page)
    expect(page.locator("svg.world .land")).to_have_attribute("d", re.compile(r"^M.{10000}"))
    dots = page.locator("svg.world circle.dot")
    assert dots.count() > 0
    before = page.get_attribute("svg.world", "viewBox")
    page.click("#zoom-in")
    assert page.get_attribute("svg.world", "viewBox") != before
    dots.first.click(force=True)
    assert page.locator("#map-events li a").count() > 0
    shot(page, "map")
    page.goto(f"{base_url}/timeline?bucket=month")
    loaded(page)
    assert page.locator("svg.bars rect.bar").count() > 0
    assert page.locator("#timeline-legend .legend-item").count() > 0
    shot(page, "timeline")
    page.locator("svg.bars a.bar-link").first.click()
    page.wait_for_url(re.compile(r"/\?.*since=\d{4}-\d{2}&until=\d{4}-\d{2}"))
    loaded(page)
    assert page.locator("#rows tr").count() >= 1
    assert not page.watch.errors and not page.watch.csp
