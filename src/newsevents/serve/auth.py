"""Accounts, logins, sessions, API tokens, CSRF and login rate limiting.

* Users have a role: ``reader`` (may read when reads need a login), ``reviewer`` (may review)
  or ``admin`` (may do everything a reviewer does; user management is the ``newsevents users``
  command). Passwords are stored as argon2id hashes only.
* A login creates a row in ``sessions``; the browser gets a random token in the cookie
  ``newsevents_session`` (signed, HttpOnly, SameSite=Strict), the store keeps only its sha256.
  Each session has its own CSRF token: requests that change something and are authenticated by
  the cookie must send it in the ``X-CSRF-Token`` header (or the ``csrf_token`` form field).
* Scripts use API tokens (``Authorization: Bearer TOKEN``, made by ``newsevents users token``);
  they need no CSRF token since browsers never send them on their own.
* Failed logins are limited per username and client address (and per address), counted in
  the store so that all server processes share the count.

Passwords and tokens are never logged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import math
import secrets
from dataclasses import dataclass
from typing import Optional

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from fastapi import Request, Response
from itsdangerous import BadSignature, Signer
from sqlalchemy import delete, select

from ..errors import (CsrfFailed, Forbidden, NotAuthenticated, RecordNotFound, TooManyLogins,
                      UserError)
from ..store.db import Store
from ..store.schema import ApiToken, LoginFailure, LoginSession, User as UserRow

log = logging.getLogger(__name__)

ROLES = ("reader", "reviewer", "admin")
COOKIE = "newsevents_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SESSION_HOURS = 12
MAX_PASSWORD = 1024
MIN_PASSWORD = 8
USERNAME_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._@-")
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))  # compared against for unknown users


@dataclass(frozen=True)
class User:
    """The user a request is made by, and how it was authenticated (cookie or token)."""

    pk: int
    username: str
    role: str
    via: str = "cookie"  # cookie | token
    csrf: Optional[str] = None  # the session's CSRF token (cookie logins)

    def can(self, role: str) -> bool:
        """Whether this user has ``role`` or a higher one."""
        return ROLES.index(self.role) >= ROLES.index(role)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# -- users (the `newsevents users` command) ------------------------------------------------------

def check_username(name: str) -> str:
    """A valid username or UserError: 1-80 letters, digits and . _ @ -."""
    if not name or len(name) > 80 or not set(name) <= USERNAME_CHARS:
        raise UserError(f"Username {name[:80]!r} is not valid: use 1-80 letters, digits, '.', '_', "
                        "'@' or '-'.")
    return name


def check_password(password: str) -> str:
    if not isinstance(password, str) or not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise UserError(f"A password needs {MIN_PASSWORD} to {MAX_PASSWORD} characters.")
    return password


def check_role(role: str) -> str:
    if role not in ROLES:
        raise UserError(f"Unknown role {role!r}: use one of {', '.join(ROLES)}.")
    return role


def add_user(store: Store, username: str, password: str, role: str = "reviewer") -> User:
    """Create a user; raises UserError when the name is taken or a value is invalid."""
    check_username(username)
    check_password(password)
    check_role(role)
    with store.session() as s:
        if s.scalar(select(UserRow.pk).where(UserRow.username == username)) is not None:
            raise UserError(f"User {username!r} exists already; use `newsevents users passwd` "
                            "or `newsevents users role` to change it.")
        row = UserRow(username=username, password_hash=_hasher.hash(password), role=role,
                      disabled=False)
        s.add(row)
        s.flush()
        return User(row.pk, row.username, row.role)


def _user_row(s, username: str) -> UserRow:
    row = s.scalar(select(UserRow).where(UserRow.username == username))
    if row is None:
        raise RecordNotFound(f"user {username!r}")
    return row


def set_password(store: Store, username: str, password: str) -> None:
    """Change a user's password; every session of theirs is logged out."""
    check_password(password)
    with store.session() as s:
        row = _user_row(s, username)
        row.password_hash = _hasher.hash(password)
        s.execute(delete(LoginSession).where(LoginSession.user_pk == row.pk))


def set_role(store: Store, username: str, role: str) -> None:
    """Change a user's role."""
    check_role(role)
    with store.session() as s:
        _user_row(s, username).role = role


def set_disabled(store: Store, username: str, disabled: bool) -> None:
    """Disable (or enable again) a user; a disabled user's sessions and tokens stop working."""
    with store.session() as s:
        row = _user_row(s, username)
        row.disabled = disabled
        if disabled:
            s.execute(delete(LoginSession).where(LoginSession.user_pk == row.pk))


def list_users(store: Store) -> list[dict]:
    """Every user: name, role, disabled, created (never the hash)."""
    with store.session() as s:
        return [{"username": u.username, "role": u.role, "disabled": u.disabled,
                 "created_at": u.created_at.isoformat(timespec="seconds")}
                for u in s.scalars(select(UserRow).order_by(UserRow.username))]


def new_token(store: Store, username: str, name: str = "script") -> str:
    """A new API token for a user (shown once; only its sha256 is stored)."""
    token = "ne_" + secrets.token_urlsafe(32)
    with store.session() as s:
        row = _user_row(s, username)
        s.add(ApiToken(token_hash=_digest(token), user_pk=row.pk, name=name[:80] or "script"))
    return token


def revoke_tokens(store: Store, username: str) -> int:
    """Delete every API token of a user; returns how many."""
    with store.session() as s:
        row = _user_row(s, username)
        return s.execute(delete(ApiToken).where(ApiToken.user_pk == row.pk)).rowcount or 0


def verify_password(store: Store, username: str, password: str) -> Optional[User]:
    """The user if ``password`` is theirs (and they are not disabled), else None.

    Takes about as long for an unknown user as for a wrong password."""
    with store.session() as s:
        row = s.scalar(select(UserRow).where(UserRow.username == username)) \
            if isinstance(username, str) and len(username) <= 80 else None
        stored = row.password_hash if row is not None else _DUMMY_HASH
        try:
            _hasher.verify(stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        if row is None or row.disabled:
            return None
        if _hasher.check_needs_rehash(stored):
            row.password_hash = _hasher.hash(password)
        return User(row.pk, row.username, row.role)


# -- login rate limiting -------------------------------------------------------------------------

class LoginLimiter:
    """Failed logins per (username, address) and per address within a sliding window,
    counted in the store (table ``login_failures``) so that every server process sharing it
    sees the same failures, and a restart does not reset them."""

    def __init__(self, store: Store, per_user: int = 5, per_address: int = 30,
                 window: float = 60.0) -> None:
        self.store = store
        self.per_user, self.per_address, self.window = per_user, per_address, window

    @staticmethod
    def _keys(username: str, address: str) -> tuple[str, str]:
        return username.lower()[:80], address[:64]

    def retry_after(self, username: str, address: str) -> int:
        """Seconds to wait before trying again (0: may try now)."""
        name, address = self._keys(username, address)
        now = _now()
        since = now - dt.timedelta(seconds=self.window)
        recent = select(LoginFailure.at).where(LoginFailure.address == address,
                                               LoginFailure.at > since)
        waits = []
        with self.store.session() as s:
            for query, limit in ((recent.where(LoginFailure.username == name), self.per_user),
                                 (recent, self.per_address)):
                times = s.scalars(query.order_by(LoginFailure.at.desc()).limit(limit)).all()
                if len(times) >= limit:  # the limit-th latest failure must leave the window
                    waits.append((times[-1] - since).total_seconds())
        return max(1, math.ceil(max(waits))) if waits else 0

    def failed(self, username: str, address: str) -> None:
        name, address = self._keys(username, address)
        now = _now()
        with self.store.session() as s:
            # failures older than the window count no more: the table stays as small as one
            # window's failures, even under a flood
            s.execute(delete(LoginFailure).where(
                LoginFailure.at <= now - dt.timedelta(seconds=self.window)))
            s.add(LoginFailure(username=name, address=address, at=now))

    def succeeded(self, username: str, address: str) -> None:
        name, address = self._keys(username, address)
        with self.store.session() as s:
            s.execute(delete(LoginFailure).where(LoginFailure.username == name,
                                                 LoginFailure.address == address))


# -- sessions ------------------------------------------------------------------------------------

def _store(request: Request) -> Store:
    return request.app.state.store


def _signer(request: Request) -> Signer:
    return Signer(request.app.state.secret_key, salt="newsevents-session")


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def login_user(request: Request, response: Response, username: str,
               password: str) -> Optional[User]:
    """Check a login; on success start a session (sets the cookie on ``response``).

    Returns None for a wrong name or password; raises TooManyLogins (HTTP 429) after too many
    failures for this name from this address."""
    limiter: LoginLimiter = request.app.state.login_limiter
    address = client_address(request)
    name = username if isinstance(username, str) else ""
    wait = limiter.retry_after(name, address)
    if wait:
        log.warning("login rate limit reached for %r from %s", name[:80], address)
        raise TooManyLogins(repr(name[:80]), seconds=wait)
    user = verify_password(_store(request), name, password if isinstance(password, str) else "") \
        if isinstance(password, str) and len(password) <= MAX_PASSWORD else None
    if user is None:
        limiter.failed(name, address)
        log.info("failed login for %r from %s", name[:80], address)
        return None
    limiter.succeeded(name, address)
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = _now()
    hours = request.app.state.session_hours
    with _store(request).session() as s:
        s.execute(delete(LoginSession).where(LoginSession.expires_at < now))
        s.add(LoginSession(token_hash=_digest(token), user_pk=user.pk, csrf_token=csrf,
                           created_at=now, expires_at=now + dt.timedelta(hours=hours)))
    response.set_cookie(COOKIE, _signer(request).sign(token).decode("ascii"),
                        max_age=int(hours * 3600), httponly=True, samesite="strict",
                        secure=request.app.state.secure_cookies, path="/")
    log.info("login %s (%s) from %s", user.username, user.role, address)
    user = User(user.pk, user.username, user.role, "cookie", csrf)
    request.state.user = user
    return user


def _cookie_token(request: Request) -> Optional[str]:
    raw = request.cookies.get(COOKIE)
    if not raw or len(raw) > 200:
        return None
    try:
        return _signer(request).unsign(raw).decode("ascii")
    except (BadSignature, UnicodeDecodeError):
        return None


def logout_user(request: Request, response: Response) -> None:
    """End the request's session (if any) and clear the cookie."""
    token = _cookie_token(request)
    if token:
        with _store(request).session() as s:
            s.execute(delete(LoginSession).where(LoginSession.token_hash == _digest(token)))
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict",
                           secure=request.app.state.secure_cookies)
    request.state.user = None


def current_user(request: Request) -> Optional[User]:
    """The logged-in user of a request (session cookie or bearer token), or None."""
    try:
        return request.state.user  # already worked out for this request
    except AttributeError:
        pass
    user = _from_token(request) or _from_cookie(request)
    request.state.user = user
    return user


def _from_token(request: Request) -> Optional[User]:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("bearer "):
        return None
    token = header[7:].strip()
    if not token or len(token) > 200:
        return None
    with _store(request).session() as s:
        row = s.execute(select(UserRow).join(ApiToken, ApiToken.user_pk == UserRow.pk)
                        .where(ApiToken.token_hash == _digest(token))).scalar()
        if row is None or row.disabled:
            return None
        return User(row.pk, row.username, row.role, "token")


def _from_cookie(request: Request) -> Optional[User]:
    token = _cookie_token(request)
    if token is None:
        return None
    with _store(request).session() as s:
        found = s.execute(select(UserRow, LoginSession)
                          .join(LoginSession, LoginSession.user_pk == UserRow.pk)
                          .where(LoginSession.token_hash == _digest(token))).first()
        if found is None:
            return None
        row, session = found
        if row.disabled or session.expires_at < _now():
            return None
        return User(row.pk, row.username, row.role, "cookie", session.csrf_token)


def csrf_token(request: Request) -> str:
    """The CSRF token of the request's session, to embed in pages ("" when not logged in)."""
    user = current_user(request)
    return (user.csrf or "") if user else ""


def verify_csrf(request: Request, token: Optional[str]) -> bool:
    """Whether ``token`` is the CSRF token of the request's session (for HTML form posts)."""
    expected = csrf_token(request)
    return bool(expected) and isinstance(token, str) and hmac.compare_digest(expected, token)


def same_origin(request: Request) -> bool:
    """False when the request says it comes from another site (Origin or Referer header)."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin or origin == "null":
        return origin != "null"
    host = request.headers.get("host", "")
    rest = origin.split("://", 1)[-1]
    return rest.split("/", 1)[0] == host


# -- what endpoints depend on ------------------------------------------------------------------

def require(request: Request, role: str, *, write: bool) -> User:
    """The request's user, who must have ``role``; cookie-authenticated writes must carry the
    session's CSRF token in the X-CSRF-Token header."""
    user = current_user(request)
    if user is None:
        raise NotAuthenticated("Log in first (POST /api/v1/session) or send an API token "
                               "(Authorization: Bearer TOKEN).")
    if not user.can(role):
        raise Forbidden(f"This needs the {role} role; {user.username} is a {user.role}.")
    if write and user.via == "cookie":
        sent = request.headers.get(CSRF_HEADER)
        if not (sent and user.csrf and hmac.compare_digest(sent, user.csrf)):
            raise CsrfFailed(f"{request.method} {request.url.path}")
    return user


def reader(request: Request) -> Optional[User]:
    """Dependency of read endpoints: a reader login is needed only when reads need a login."""
    if request.app.state.auth_reads:
        return require(request, "reader", write=False)
    return current_user(request)


def reviewer(request: Request) -> User:
    """Dependency of review endpoints: a reviewer (or admin), with CSRF for cookie logins."""
    return require(request, "reviewer", write=True)
