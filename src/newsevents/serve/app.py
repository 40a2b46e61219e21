"""The ASGI application: the JSON API (serve/api.py), the web pages (serve/ui.py), static files,
security headers on every response, a request body limit, and errors as JSON.

    >>> from newsevents.serve.app import create_app
    >>> app = create_app("sqlite:///cases.db")          # run with: uvicorn, or `newsevents serve`
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path
from typing import Optional

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..errors import (BadDate, BadOption, BodyTooLarge, InvalidChange, NewsEventsError,
                      RecordNotFound, ReviewConflict, ServeError, UserError)
from ..store.db import Store, open_store
from .auth import LoginLimiter

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
SECRET_ENV = "NEWSEVENTS_SECRET_KEY"
MAX_BODY = 1_048_576
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
       "form-action 'self'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


def error_body(code: str, message: str) -> dict:
    return {"error": {"code": code, "message": message}}


def error_response(status: int, code: str, message: str, headers: Optional[dict] = None) -> JSONResponse:
    return JSONResponse(error_body(code, message), status_code=status, headers=headers)


def status_of(exc: NewsEventsError) -> int:
    """The HTTP status of a library error."""
    if isinstance(exc, ServeError):
        return exc.status
    if isinstance(exc, RecordNotFound):
        return 404
    if isinstance(exc, ReviewConflict):
        return 409
    if isinstance(exc, (InvalidChange, UserError)):
        return 422
    if isinstance(exc, (BadOption, BadDate)):
        return 400
    return 500


class SecurityHeaders:
    """Adds the security headers to every HTTP response; API answers are not to be cached, and
    with ``hsts`` (served over HTTPS) browsers are told to keep to HTTPS."""

    def __init__(self, app, hsts: bool = False) -> None:
        self.app = app
        self.headers = SECURITY_HEADERS + (
            [(b"strict-transport-security", b"max-age=31536000")] if hsts else [])

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = [(b"cache-control", b"no-store")] if scope.get("path", "").startswith("/api/") else []

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + [
                    (k, v) for k, v in self.headers + extra if k not in present]
            await send(message)
        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """Answers 413 (E705) to request bodies over ``limit`` bytes, declared or streamed."""

    def __init__(self, app, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > self.limit
            except ValueError:
                too_big = False
            if too_big:
                await self._reject(scope, receive, send)
                return
        if scope.get("method") not in ("POST", "PUT", "PATCH", "DELETE"):
            await self.app(scope, receive, send)
            return
        # read the (bounded) body first, so that an oversized stream is refused before any
        # handler sees it, then hand it on
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body = message.get("body", b"")
            size += len(body)
            if size > self.limit:
                await self._reject(scope, receive, send)
                return
            chunks.append(body)
            if not message.get("more_body"):
                break
        whole, handed = b"".join(chunks), False

        async def replay():
            nonlocal handed
            if not handed:
                handed = True
                return {"type": "http.request", "body": whole, "more_body": False}
            return await receive()
        await self.app(scope, replay, send)

    async def _reject(self, scope, receive, send) -> None:
        exc = BodyTooLarge(str(self.limit))
        await error_response(413, exc.code, str(exc).split("] ", 1)[-1],
                             {"Connection": "close"})(scope, receive, send)


def create_app(db: Optional[str] = None, *, auth_reads: bool = False,
               secret_key: Optional[str] = None, secure_cookies: bool = False,
               max_body: int = MAX_BODY, store: Optional[Store] = None,
               session_hours: float = 12) -> FastAPI:
    """The server application for the store at ``db`` (or an open ``store``).

    ``auth_reads``: reading needs a login too (reviews always do). ``secret_key`` signs the
    session cookies (default $NEWSEVENTS_SECRET_KEY, else a random key: logins then end when
    the server restarts). ``secure_cookies``: mark the cookie Secure (serve behind HTTPS).
    """
    app = FastAPI(title="newsevents", version=__version__, docs_url=None, redoc_url=None,
                  description="Source-linked political and human-rights events: query, review "
                              "and export. Errors are JSON {\"error\": {\"code\", \"message\"}}.")
    app.state.store = store or open_store(db)
    app.state.auth_reads = auth_reads
    app.state.secret_key = secret_key or os.environ.get(SECRET_ENV) or secrets.token_urlsafe(32)
    app.state.secure_cookies = secure_cookies
    app.state.session_hours = session_hours
    app.state.max_body = max_body
    app.state.login_limiter = LoginLimiter(app.state.store)

    from . import api, ui
    app.include_router(api.router)
    app.include_router(ui.router)
    app.mount("/static", StaticFiles(directory=STATIC, check_dir=False), name="static")
    _error_handlers(app)
    app.add_middleware(BodyLimit, limit=max_body)
    app.add_middleware(SecurityHeaders, hsts=secure_cookies)
    return app


def _error_handlers(app: FastAPI) -> None:
    @app.exception_handler(NewsEventsError)
    async def library_error(request: Request, exc: NewsEventsError):
        status = status_of(exc)
        headers = {}
        if status == 429:
            headers["Retry-After"] = str(exc.kwargs.get("seconds", 60))
        if status == 401:
            headers["WWW-Authenticate"] = "Bearer"
        if status >= 500:
            log.error("%s %s failed: %s", request.method, request.url.path, exc)
        return error_response(status, exc.code, str(exc).split("] ", 1)[-1], headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        errors = exc.errors()
        first = errors[0] if errors else {}
        if first.get("type") == "json_invalid":
            return error_response(400, "E706", "The request body is not valid JSON.")
        if first.get("loc", ("",))[0] == "path":
            exc404 = RecordNotFound(request.url.path)
            return error_response(404, exc404.code, str(exc404).split("] ", 1)[-1])
        where = ".".join(str(x) for x in first.get("loc", ()) if x != "body") or "request"
        message = f"{where}: {first.get('msg', 'invalid value')}"
        return error_response(422, "E706", f"Invalid request: {message}"[:500])

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        code = {404: "E707", 405: "E707", 401: "E701", 403: "E702", 413: "E705"}.get(
            exc.status_code, "E706")
        message = exc.detail if isinstance(exc.detail, str) else "Request failed."
        if exc.status_code == 404 and message == "Not Found":
            message = f"No such page or endpoint: {request.url.path}. The API is under /api/v1 " \
                      "(see /openapi.json)."
        if exc.status_code == 405:
            message = f"{request.method} is not allowed on {request.url.path}."
        return error_response(exc.status_code, code, message, getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        log.exception("%s %s failed", request.method, request.url.path)
        return error_response(500, "E700", "Internal error; the server log has the details.")


def app_from_env() -> FastAPI:
    """The application as `newsevents serve` configures it (through the environment, so that
    every server process builds the same one)."""
    return create_app(os.environ.get("NEWSEVENTS_SERVE_DB") or None,
                      auth_reads=bool(os.environ.get("NEWSEVENTS_SERVE_AUTH_READS")),
                      secure_cookies=bool(os.environ.get("NEWSEVENTS_SERVE_SECURE_COOKIES")))
