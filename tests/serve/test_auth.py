"""Accounts and the server's guards: logins, sessions, roles, CSRF, API tokens, rate limiting,
reads behind a login, and no secrets in logs."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from newsevents.cli import app as cli
from newsevents.serve import auth
from newsevents.store import open_store
from newsevents.store.schema import LoginSession, StoredEvent, User

from .conftest import ADMIN, READER, REVIEWER, client_for, log_in, make_app


def _event(client) -> dict:
    return client.get("/api/v1/events?limit=1").json()["items"][0]


def test_passwords_are_argon2_hashes(serve_db):
    store = open_store(serve_db)
    with store.session() as s:
        hashes = s.scalars(select(User.password_hash)).all()
    store.close()
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)
    assert not any(REVIEWER[1] in h for h in hashes)


def test_login_sets_a_strict_httponly_cookie(client):
    r = client.post("/api/v1/session", json={"username": REVIEWER[0], "password": REVIEWER[1]})
    assert r.status_code == 200
    body = r.json()
    assert body["username"] == "rita" and body["role"] == "reviewer" and len(body["csrf_token"]) > 20
    cookie = r.headers["set-cookie"].lower()
    assert "newsevents_session=" in cookie and "httponly" in cookie and "samesite=strict" in cookie
    assert client.get("/api/v1/me").json()["username"] == "rita"


def test_wrong_password_and_unknown_user_are_401(client):
    for name, password in (("rita", "wrong-password"), ("nobody", "whatever-it-is")):
        r = client.post("/api/v1/session", json={"username": name, "password": password})
        assert r.status_code == 401 and r.json()["error"]["code"] == "E701"
    assert client.get("/api/v1/me").status_code == 401


def test_login_is_rate_limited_per_user_and_address(client):
    for _ in range(5):
        assert client.post("/api/v1/session", json={"username": "rita", "password": "bad-guess!"}).status_code == 401
    r = client.post("/api/v1/session", json={"username": "rita", "password": REVIEWER[1]})
    assert r.status_code == 429 and r.json()["error"]["code"] == "E704"
    assert 1 <= int(r.headers["retry-after"]) <= 60
    # another user from the same address is not blocked by rita's failures
    assert client.post("/api/v1/session", json={"username": "reed", "password": READER[1]}).status_code == 200


def test_limiter_window_expires(any_serve_db):
    from newsevents.store import open_store
    with open_store(any_serve_db) as store:
        limiter = auth.LoginLimiter(store, per_user=2, window=0.2)
        limiter.failed("u", "1.2.3.4")
        limiter.failed("U", "1.2.3.4")  # names are counted case-blind
        assert limiter.retry_after("u", "1.2.3.4") >= 1
        assert limiter.retry_after("v", "1.2.3.4") == 0
        import time
        time.sleep(0.25)
        assert limiter.retry_after("u", "1.2.3.4") == 0


def test_limit_is_shared_by_server_processes(serve_db):
    """Two applications on one store (as two server processes are) count the same failures."""
    first, second = client_for(make_app(serve_db)), client_for(make_app(serve_db))
    for client in (first, second, first, second, first):
        r = client.post("/api/v1/session", json={"username": "rita", "password": "bad-guess!"})
        assert r.status_code == 401
    r = second.post("/api/v1/session", json={"username": "rita", "password": REVIEWER[1]})
    assert r.status_code == 429 and r.json()["error"]["code"] == "E704"


def test_writes_need_a_login(client):
    e = _event(client)
    for method, path, body in (("post", f"/api/v1/events/{e['pk']}/accept", {"version": 1}),
                               ("post", f"/api/v1/events/{e['pk']}/reject", {"version": 1}),
                               ("patch", f"/api/v1/events/{e['pk']}", {"version": 1, "changes": {"background": True}}),
                               ("post", "/api/v1/people/merge", {"into": 1, "others": [2]}),
                               ("post", "/api/v1/clusters/merge", {"into": 1, "others": [2]}),
                               ("post", "/api/v1/clusters/1/split", {"events": [1]})):
        r = getattr(client, method)(path, json=body)
        assert r.status_code == 401, (path, r.text)
        assert r.json()["error"]["code"] == "E701"
    assert _event(client)["version"] == 1


def test_readers_cannot_review(reader_client):
    e = _event(reader_client)
    r = reader_client.post(f"/api/v1/events/{e['pk']}/accept", json={"version": 1})
    assert r.status_code == 403 and r.json()["error"]["code"] == "E702"


def test_cookie_writes_need_the_csrf_token(reviewer_client):
    e = _event(reviewer_client)
    token = reviewer_client.headers.pop("X-CSRF-Token")
    r = reviewer_client.post(f"/api/v1/events/{e['pk']}/accept", json={"version": 1})
    assert r.status_code == 403 and r.json()["error"]["code"] == "E703"
    r = reviewer_client.post(f"/api/v1/events/{e['pk']}/accept", json={"version": 1},
                             headers={"X-CSRF-Token": "not-" + token})
    assert r.status_code == 403
    r = reviewer_client.post(f"/api/v1/events/{e['pk']}/accept", json={"version": 1},
                             headers={"X-CSRF-Token": token})
    assert r.status_code == 200 and r.json()["review_status"] == "accepted"


def test_login_from_another_site_is_refused(client):
    r = client.post("/api/v1/session", json={"username": REVIEWER[0], "password": REVIEWER[1]},
                    headers={"Origin": "https://evil.example"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "E703"


def test_api_tokens_need_no_csrf(app, serve_db):
    token = auth.new_token(app.state.store, "rita", "test")
    with client_for(app) as c:
        e = _event(c)
        r = c.post(f"/api/v1/events/{e['pk']}/accept", json={"version": 1},
                   headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200
        r = c.post(f"/api/v1/events/{e['pk']}/reject", json={"version": 2},
                   headers={"Authorization": "Bearer ne_forged"})
        assert r.status_code == 401
    assert auth.revoke_tokens(app.state.store, "rita") == 1


def test_logout_ends_the_session(reviewer_client, app):
    assert reviewer_client.delete("/api/v1/session").json() == {"ok": True}
    assert reviewer_client.get("/api/v1/me").status_code == 401
    with app.state.store.session() as s:
        assert s.scalars(select(LoginSession)).all() == []


def test_stolen_cookie_of_a_disabled_user_stops_working(reviewer_client, app):
    auth.set_disabled(app.state.store, "rita", True)
    assert reviewer_client.get("/api/v1/me").status_code == 401
    r = reviewer_client.post("/api/v1/session", json={"username": REVIEWER[0], "password": REVIEWER[1]})
    assert r.status_code == 401


def test_tampered_cookie_is_ignored(client):
    client.cookies.set("newsevents_session", "forged.value")
    assert client.get("/api/v1/me").status_code == 401


def test_auth_reads_guards_every_read(serve_db):
    application = make_app(serve_db, auth_reads=True)
    with client_for(application) as c:
        spec = c.get("/openapi.json").json()["paths"]
        paths = [p for p, ops in spec.items() if "get" in ops
                 and p.startswith("/api/v1/") and p not in ("/api/v1/me", "/api/v1/health")]
        assert len(paths) >= 12
        for path in paths:
            concrete = path.replace("{pk}", "1").replace("{article_id}", "x")
            r = c.get(concrete, params={"q": "protest"})
            assert r.status_code == 401, (path, r.status_code)
        log_in(c, READER)
        assert c.get("/api/v1/events").status_code == 200
        assert c.get("/api/v1/export", params={"format": "jsonl"}).status_code == 200
    application.state.store.close()


def test_admin_may_review(app):
    with client_for(app) as c:
        log_in(c, ADMIN)
        e = _event(c)
        assert c.post(f"/api/v1/events/{e['pk']}/accept", json={"version": 1}).status_code == 200


def test_no_passwords_or_tokens_in_logs(client, caplog):
    caplog.set_level(logging.DEBUG)
    client.post("/api/v1/session", json={"username": "rita", "password": "wrong-secret-xyz"})
    r = client.post("/api/v1/session", json={"username": REVIEWER[0], "password": REVIEWER[1]})
    cookie = client.cookies.get("newsevents_session")
    text = caplog.text
    assert "wrong-secret-xyz" not in text and REVIEWER[1] not in text
    assert r.json()["csrf_token"] not in text and cookie not in text


def test_users_command(serve_db):
    runner = CliRunner()
    r = runner.invoke(cli, ["users", "add", "nina", "--role", "reader", "--password-stdin", "--db", serve_db],
                      input="nina-password-1\n")
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["users", "add", "nina", "--password-stdin", "--db", serve_db], input="x" * 12 + "\n")
    assert r.exit_code == 1 and "E508" in r.output
    r = runner.invoke(cli, ["users", "add", "bad name", "--password-stdin", "--db", serve_db], input="x" * 12 + "\n")
    assert r.exit_code == 1 and "E508" in r.output
    r = runner.invoke(cli, ["users", "add", "shorty", "--password-stdin", "--db", serve_db], input="short\n")
    assert r.exit_code == 1 and "E508" in r.output
    r = runner.invoke(cli, ["users", "role", "nina", "reviewer", "--db", serve_db])
    assert r.exit_code == 0
    r = runner.invoke(cli, ["users", "passwd", "nina", "--password-stdin", "--db", serve_db], input="nina-password-2\n")
    assert r.exit_code == 0
    r = runner.invoke(cli, ["users", "list", "--json", "--db", serve_db])
    assert {"username": "nina", "role": "reviewer"}.items() <= \
        [u for u in __import__("json").loads(r.stdout) if u["username"] == "nina"][0].items()
    assert "password" not in r.stdout
    r = runner.invoke(cli, ["users", "token", "nina", "--db", serve_db])
    assert r.exit_code == 0 and r.stdout.strip().startswith("ne_")
    r = runner.invoke(cli, ["users", "disable", "nina", "--db", serve_db])
    assert r.exit_code == 0
    r = runner.invoke(cli, ["users", "passwd", "ghost", "--password-stdin", "--db", serve_db], input="ghost-password\n")
    assert r.exit_code == 1 and "E507" in r.output
    store = open_store(serve_db)
    assert auth.verify_password(store, "nina", "nina-password-2") is None  # disabled
    auth.set_disabled(store, "nina", False)
    assert auth.verify_password(store, "nina", "nina-password-2").role == "reviewer"
    store.close()


def test_serve_refuses_an_unreachable_store():
    r = CliRunner().invoke(cli, ["serve", "--db", "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2"])
    assert r.exit_code == 1 and "E501" in r.output


@pytest.mark.parametrize("role", ["reader", "reviewer", "admin"])
def test_role_order(role):
    user = auth.User(1, "x", role)
    assert user.can("reader") and user.can(role)
    assert user.can("admin") == (role == "admin")
