"""The JSON API: every endpoint, bad input answered with clear 4xx JSON errors, SQL injection
strings through every filter, security headers, and an OpenAPI-driven fuzz run with no 5xx."""

from __future__ import annotations

import csv
import io
import json
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, settings

from .conftest import REVIEWER, SEED_ID, client_for, log_in, make_app

FILTER_PARAMS = ["type", "since", "until", "place", "actor", "person", "claim", "q", "article",
                 "review_status", "background"]
INJECTIONS = ["' OR '1'='1", "1; DROP TABLE events; --", "\" OR 1=1 --", "%' UNION SELECT password_hash FROM users --",
              "x') OR ('a'='a", "*", "NEAR(a b)", "\x00", "🙂' --", "ARREST' --", "2017-01' OR '1'='1"]
EVENT_LISTS = ["/api/v1/events", "/api/v1/map", "/api/v1/timeline", "/api/v1/export"]


def _error(r, status, code=None):
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error"} and body["error"]["message"]
    if code:
        assert body["error"]["code"] == code
    return body["error"]


def _first_event(client) -> dict:
    return client.get("/api/v1/events", params={"limit": 1}).json()["items"][0]


# -- reads --------------------------------------------------------------------------------------

def test_health_and_openapi(client):
    assert client.get("/api/v1/health").json()["status"] == "ok"
    spec = client.get("/openapi.json").json()
    paths = set(spec["paths"])
    for path in ("/api/v1/session", "/api/v1/me", "/api/v1/articles", "/api/v1/articles/{article_id}",
                 "/api/v1/events", "/api/v1/events/{pk}", "/api/v1/events/{pk}/accept",
                 "/api/v1/events/{pk}/reject", "/api/v1/events/{pk}/reviews", "/api/v1/reviews",
                 "/api/v1/people", "/api/v1/people/{pk}", "/api/v1/people/merge",
                 "/api/v1/clusters", "/api/v1/clusters/{pk}", "/api/v1/clusters/merge",
                 "/api/v1/clusters/{pk}/split", "/api/v1/search", "/api/v1/export", "/api/v1/map",
                 "/api/v1/timeline"):
        assert path in paths
    assert "patch" in spec["paths"]["/api/v1/events/{pk}"]


def test_security_headers_on_every_response(client):
    for path in ("/api/v1/events", "/api/v1/nope", "/openapi.json"):
        h = client.get(path).headers
        assert "script-src 'self'" in h["content-security-policy"]
        assert "frame-ancestors 'none'" in h["content-security-policy"]
        assert h["x-content-type-options"] == "nosniff" and h["x-frame-options"] == "DENY"
        assert h["referrer-policy"] == "no-referrer"
    assert client.get("/api/v1/events").headers["cache-control"] == "no-store"
    assert "strict-transport-security" not in client.get("/api/v1/events").headers


def test_hsts_when_served_over_https(serve_db):
    application = make_app(serve_db, secure_cookies=True)
    with client_for(application) as c:
        assert c.get("/api/v1/health").headers["strict-transport-security"].startswith("max-age=")
        r = c.post("/api/v1/session", json={"username": REVIEWER[0], "password": REVIEWER[1]})
        assert "secure" in r.headers["set-cookie"].lower()
    application.state.store.close()


def test_articles_list_and_seed_article_with_spans(client):
    r = client.get("/api/v1/articles").json()
    assert r["total"] >= 5 and len(r["items"]) == r["total"]
    ids = {a["id"] for a in r["items"]}
    article_id = SEED_ID if SEED_ID in ids else sorted(ids)[0]
    a = client.get(f"/api/v1/articles/{article_id}").json()
    assert a["text"] and a["event_items"] and a["spans"]
    kinds = {s["kind"] for s in a["spans"]}
    assert {"trigger", "time"} <= kinds
    for s in a["spans"]:
        assert 0 <= s["start"] < s["end"] <= len(a["text"])
        assert s["field"] and s["label"] and s["event_id"]
    triggers = [s for s in a["spans"] if s["kind"] == "trigger"]
    item = {e["id"]: e for e in a["event_items"]}[triggers[0]["event_id"]]
    assert a["text"][triggers[0]["start"]:triggers[0]["end"]] == item["trigger"]["text"]
    page = client.get("/api/v1/articles", params={"limit": 2, "offset": 1}).json()
    assert len(page["items"]) == 2 and page["total"] == r["total"]


def test_events_list_filters_sort_and_paginate(client):
    everything = client.get("/api/v1/events", params={"limit": 500}).json()
    assert everything["total"] == len(everything["items"]) > 5
    item = everything["items"][0]
    for key in ("pk", "id", "article_id", "type", "type_names", "date", "location", "actors",
                "count", "fatalities", "claim", "confidence", "review_status", "version",
                "trigger", "sentence"):
        assert key in item
    page = client.get("/api/v1/events", params={"limit": 3, "offset": 2}).json()
    assert [e["pk"] for e in page["items"]] == [e["pk"] for e in everything["items"][2:5]]
    types = {e["type"] for e in everything["items"]}
    some = sorted(types)[0]
    only = client.get("/api/v1/events", params={"type": some, "limit": 500}).json()
    assert only["total"] == sum(e["type"] == some for e in everything["items"])
    for sort in ("date", "type", "place", "confidence", "salience", "review_status", "claim", "article", "pk"):
        for order in ("asc", "desc"):
            r = client.get("/api/v1/events", params={"sort": sort, "order": order, "limit": 500})
            assert r.status_code == 200 and r.json()["total"] == everything["total"]
    conf = [e["confidence"] for e in client.get("/api/v1/events", params={
        "sort": "confidence", "order": "desc", "limit": 500}).json()["items"]]
    assert conf == sorted(conf, reverse=True)
    dated = client.get("/api/v1/events", params={"since": "2017-01", "until": "2017-01-31"}).json()
    assert dated["total"] <= everything["total"]
    assert client.get("/api/v1/events", params={"review_status": "accepted"}).json()["total"] == 0
    assert client.get("/api/v1/events", params={"q": "protest"}).status_code == 200


def test_event_detail_people_clusters_search_map_timeline(client):
    e = _first_event(client)
    assert client.get(f"/api/v1/events/{e['pk']}").json()["id"] == e["id"]
    assert client.get(f"/api/v1/events/{e['pk']}/reviews").json() == {"items": []}
    people = client.get("/api/v1/people").json()
    assert people["total"] == len(people["items"]) > 0
    p = client.get(f"/api/v1/people/{people['items'][0]['pk']}").json()
    assert p["name"] and "timeline" in p and p["sentences"]
    for s in p["sentences"]:
        assert s["article_id"] and s["text"]
    named = client.get("/api/v1/people", params={"q": people["items"][0]["name"]}).json()
    assert named["total"] >= 1
    clusters = client.get("/api/v1/clusters").json()
    assert clusters["total"] > 0
    c = client.get(f"/api/v1/clusters/{clusters['items'][0]['pk']}").json()
    assert c["events"] and all(ev["cluster_pk"] == c["pk"] for ev in c["events"])
    assert client.get("/api/v1/clusters", params={"min_sources": 2, "type": "arrest"}).status_code == 200
    found = client.get("/api/v1/search", params={"q": "police"}).json()
    assert found["total"] >= 1 and all("snippet" in i for i in found["items"])
    geo = client.get("/api/v1/map").json()
    assert geo["type"] == "FeatureCollection" and geo["features"]
    lon, lat = geo["features"][0]["geometry"]["coordinates"]
    assert -180 <= lon <= 180 and -90 <= lat <= 90
    for bucket in ("day", "week", "month"):
        t = client.get("/api/v1/timeline", params={"bucket": bucket}).json()
        assert t["items"] and all(i["n"] >= 1 for i in t["items"])
    assert client.get("/api/v1/reviews").json() == {"items": []}


def test_exports_in_every_format(client):
    for fmt in ("acled-csv", "csv", "jsonl", "geojson", "parquet"):
        r = client.get("/api/v1/export", params={"format": fmt})
        assert r.status_code == 200, (fmt, r.text)
        assert "attachment" in r.headers["content-disposition"]
        assert r.content
    rows = list(csv.DictReader(io.StringIO(client.get("/api/v1/export", params={"format": "acled-csv"}).text)))
    assert rows and "event_date" in rows[0]


# -- reviews through the API ----------------------------------------------------------------------

def test_correct_a_date_and_find_it_in_the_export(reviewer_client):
    e = _first_event(reviewer_client)
    r = reviewer_client.patch(f"/api/v1/events/{e['pk']}", json={
        "version": e["version"], "changes": {"date.value": "2016-11-30"}, "reason": "dateline"})
    assert r.status_code == 200, r.text
    after = r.json()
    assert after["date"]["value"] == "2016-11-30" and after["version"] == e["version"] + 1
    assert after["review_status"] == "edited"
    lines = reviewer_client.get("/api/v1/export", params={"format": "jsonl"}).text.splitlines()
    exported = [json.loads(x) for x in lines]
    assert [x["date"]["value"] for x in exported
            if x["id"] == e["id"] and x["article_id"] == e["article_id"]] == ["2016-11-30"]
    trail = reviewer_client.get(f"/api/v1/events/{e['pk']}/reviews").json()["items"]
    change = [t for t in trail if t["field"] == "date.value"][0]
    assert change["reviewer"] == "rita" and change["new_value"] == "2016-11-30"
    assert change["old_value"] == (e["date"] or {}).get("value") and change["reason"] == "dateline"
    assert reviewer_client.get("/api/v1/reviews", params={"reviewer": "rita"}).json()["items"]


def test_stale_version_is_409_and_bad_change_is_422(reviewer_client):
    e = _first_event(reviewer_client)
    assert reviewer_client.post(f"/api/v1/events/{e['pk']}/accept", json={"version": 1}).status_code == 200
    _error(reviewer_client.post(f"/api/v1/events/{e['pk']}/reject", json={"version": 1}), 409, "E505")
    _error(reviewer_client.patch(f"/api/v1/events/{e['pk']}", json={
        "version": 2, "changes": {"date.value": "2017-13-45"}}), 422, "E506")
    _error(reviewer_client.patch(f"/api/v1/events/{e['pk']}", json={
        "version": 2, "changes": {"no.such.field": 1}}), 422, "E506")
    r = reviewer_client.post(f"/api/v1/events/{e['pk']}/reject", json={"version": 2, "reason": "dup"})
    assert r.status_code == 200 and r.json()["review_status"] == "rejected"
    exported = [json.loads(x) for x in reviewer_client.get(
        "/api/v1/export", params={"format": "jsonl"}).text.splitlines()]
    assert not [x for x in exported if x["id"] == e["id"] and x["article_id"] == e["article_id"]]
    assert reviewer_client.get("/api/v1/events", params={"review_status": "rejected"}).json()["total"] == 1


def test_merge_split_and_people_merge_through_the_api(reviewer_client):
    clusters = reviewer_client.get("/api/v1/clusters", params={"limit": 2}).json()["items"]
    a, b = clusters[0]["pk"], clusters[1]["pk"]
    merged = reviewer_client.post("/api/v1/clusters/merge", json={"into": a, "others": [b]})
    assert merged.status_code == 200, merged.text
    moved = [ev["pk"] for ev in merged.json()["events"]][-1:]
    split = reviewer_client.post(f"/api/v1/clusters/{a}/split", json={"events": moved})
    assert split.status_code == 200 and [ev["pk"] for ev in split.json()["events"]] == moved
    _error(reviewer_client.get(f"/api/v1/clusters/{b}"), 404, "E507")
    people = reviewer_client.get("/api/v1/people", params={"limit": 2}).json()["items"]
    if len(people) == 2:
        r = reviewer_client.post("/api/v1/people/merge", json={"into": people[0]["pk"], "others": [people[1]["pk"]]})
        assert r.status_code == 200 and r.json()["pk"] == people[0]["pk"]
        _error(reviewer_client.get(f"/api/v1/people/{people[1]['pk']}"), 404, "E507")


# -- bad input --------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/api/v1/events/999999", "/api/v1/events/abc", "/api/v1/events/0",
                                  "/api/v1/events/-1", "/api/v1/events/99999999999999999999999",
                                  "/api/v1/people/999999", "/api/v1/people/x", "/api/v1/clusters/999999",
                                  "/api/v1/clusters/1.5", "/api/v1/articles/no-such-article",
                                  "/api/v1/events/999999/reviews", "/api/v1/nothing-here"])
def test_invalid_ids_are_404(client, path):
    _error(client.get(path), 404)


def test_malformed_and_wrong_bodies(reviewer_client):
    e = _first_event(reviewer_client)
    url = f"/api/v1/events/{e['pk']}/accept"
    hdr = {"Content-Type": "application/json"}
    _error(reviewer_client.post(url, content=b"{not json", headers=hdr), 400, "E706")
    _error(reviewer_client.post(url, content=b"\xff\xfe\x00", headers=hdr), 400)
    for body in ([], {}, {"version": "one"}, {"version": 0}, {"version": 1, "extra": 1},
                 {"version": 10**40}, None):
        r = reviewer_client.post(url, json=body)
        assert r.status_code in (400, 422) and "error" in r.json(), (body, r.text)
    for body in ({"version": 1}, {"version": 1, "changes": []}, {"version": 1, "changes": {}},
                 {"version": 1, "changes": {"x" * 100: 1}}):
        r = reviewer_client.patch(f"/api/v1/events/{e['pk']}", json=body)
        assert r.status_code == 422 and "error" in r.json(), (body, r.text)
    _error(reviewer_client.post("/api/v1/clusters/merge", json={"into": 1, "others": []}), 422)
    _error(reviewer_client.post("/api/v1/clusters/merge", json={"into": 1, "others": [1]}), 422, "E506")
    _error(reviewer_client.post("/api/v1/session", json={"username": 5}), 422)
    _error(reviewer_client.put("/api/v1/events", json={}), 405, "E707")
    assert _first_event(reviewer_client)["version"] == 1


def test_oversized_bodies_are_413(serve_db):
    application = make_app(serve_db, max_body=10_000)
    with client_for(application) as c:
        log_in(c, REVIEWER)
        e = _first_event(c)
        big = json.dumps({"version": 1, "reason": "x" * 20_000}).encode()
        _error(c.post(f"/api/v1/events/{e['pk']}/accept", content=big,
                      headers={"Content-Type": "application/json"}), 413, "E705")

        def chunks():
            for _ in range(20):
                yield b" " * 1000
        _error(c.post(f"/api/v1/events/{e['pk']}/accept", content=chunks(),
                      headers={"Content-Type": "application/json"}), 413, "E705")
        _error(c.post("/api/v1/session", content=b'{"username": "' + b"a" * 20_000 + b'"}',
                      headers={"Content-Type": "application/json"}), 413)
    application.state.store.close()


@pytest.mark.parametrize("params, status", [
    ({"since": "2017-13-45"}, 400), ({"until": "yesterday"}, 400), ({"claim": "rumoured"}, 400),
    ({"review_status": "maybe"}, 400), ({"limit": 0}, 422), ({"limit": 501}, 422),
    ({"offset": -1}, 422), ({"sort": "password"}, 422), ({"order": "sideways"}, 422),
    ({"q": "!!!"}, 400), ({"place": "x" * 201}, 422), ({"background": "perhaps"}, 422),
])
def test_bad_filters_are_4xx(client, params, status):
    for path in ("/api/v1/events", "/api/v1/map"):
        if path == "/api/v1/map" and set(params) & {"limit", "sort", "order", "offset"}:
            continue
        _error(client.get(path, params=params), status)
    _error(client.get("/api/v1/export", params={"format": "xlsx"}), 422)
    _error(client.get("/api/v1/timeline", params={"bucket": "hour"}), 422)
    _error(client.get("/api/v1/search"), 422)


@pytest.mark.parametrize("value", INJECTIONS)
def test_sql_injection_through_every_filter(client, value):
    total = client.get("/api/v1/events", params={"limit": 1}).json()["total"]
    for path in EVENT_LISTS:
        for param in FILTER_PARAMS:
            r = client.get(path, params={param: value, "format": "jsonl"} if path.endswith("export") else {param: value})
            assert r.status_code < 500, (path, param, r.status_code)
            assert "argon2" not in r.text and "password_hash" not in r.text.replace(value, "")
            if r.status_code == 200 and path == "/api/v1/events":
                assert r.json()["total"] <= total
    for path, param in (("/api/v1/articles", "q"), ("/api/v1/search", "q"), ("/api/v1/people", "q"),
                        ("/api/v1/clusters", "type"), ("/api/v1/reviews", "reviewer")):
        r = client.get(path, params={param: value})
        assert r.status_code < 500, (path, r.status_code)
        assert "argon2" not in r.text
    r = client.get("/api/v1/articles/" + quote(value, safe=""))
    assert r.status_code == 404
    # the store is intact
    assert client.get("/api/v1/events", params={"limit": 1}).json()["total"] == total
    r = client.post("/api/v1/session", json={"username": value, "password": value + "-x" * 4})
    assert r.status_code in (401, 429)


# -- fuzzing from the OpenAPI description -------------------------------------------------------------

def test_fuzz_openapi_no_server_errors(app):
    """Requests generated from /openapi.json for every operation (a bounded number each), sent
    as a reviewer with an API token: no 5xx, and every error is a JSON error."""
    import schemathesis
    from hypothesis import given

    from newsevents.serve import auth
    token = auth.new_token(app.state.store, "rita", "fuzz")
    app.state.login_limiter.per_user = app.state.login_limiter.per_address = 10**9
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures, calls = [], 0
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=15, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case):
            nonlocal calls
            calls += 1
            response = case.call(headers={"Authorization": f"Bearer {token}"})
            if response.status_code >= 500 or (response.status_code >= 400 and "error" not in response.json()):
                failures.append((case.method, case.path, case.path_parameters, case.query,
                                 response.status_code, response.text[:200]))
        run()
    assert calls >= 100
    assert failures == []


def test_two_reviewers_through_the_api_on_each_engine(any_serve_db):
    """Two logged-in reviewers load the same event; the first correction wins, the second gets
    409 and, after reloading, its correction is applied on top; the trail has both."""
    application = make_app(any_serve_db)
    with client_for(application) as one, client_for(application) as two:
        log_in(one, REVIEWER)
        log_in(two, ("ada", "ada-password-1"))
        e = _first_event(one)
        seen = two.get(f"/api/v1/events/{e['pk']}").json()
        r1 = one.patch(f"/api/v1/events/{e['pk']}", json={"version": e["version"],
                                                          "changes": {"date.value": "2016-10-01"}})
        assert r1.status_code == 200
        r2 = two.patch(f"/api/v1/events/{e['pk']}", json={"version": seen["version"],
                                                          "changes": {"date.value": "2016-10-02"}})
        _error(r2, 409, "E505")
        fresh = two.get(f"/api/v1/events/{e['pk']}").json()
        assert fresh["date"]["value"] == "2016-10-01"
        r3 = two.patch(f"/api/v1/events/{e['pk']}", json={"version": fresh["version"],
                                                          "changes": {"date.value": "2016-10-02"}})
        assert r3.status_code == 200 and r3.json()["version"] == e["version"] + 2
        trail = [t for t in one.get(f"/api/v1/events/{e['pk']}/reviews").json()["items"]
                 if t["field"] == "date.value"]
        assert [(t["reviewer"], t["old_value"], t["new_value"]) for t in trail] == [
            ("ada", "2016-10-01", "2016-10-02"), ("rita", (e["date"] or {}).get("value"), "2016-10-01")]
        exported = [json.loads(x) for x in one.get("/api/v1/export", params={"format": "jsonl"}).text.splitlines()]
        assert [x["date"]["value"] for x in exported
                if x["id"] == e["id"] and x["article_id"] == e["article_id"]] == ["2016-10-02"]
    application.state.store.close()


def test_every_error_code_is_documented():
    import inspect
    from pathlib import Path

    from newsevents import errors
    docs = (Path(__file__).resolve().parents[2] / "docs" / "errors.md").read_text("utf-8")
    codes = {cls.code for _, cls in inspect.getmembers(errors, inspect.isclass)
             if issubclass(cls, errors.NewsEventsError) and cls is not errors.NewsEventsError}
    assert {"E505", "E506", "E507", "E508", "E700", "E707"} <= codes
    assert [c for c in sorted(codes) if f"| {c} |" not in docs] == []
