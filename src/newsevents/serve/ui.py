"""The web review UI: server-rendered page shells; the data comes from the JSON API.

Every page is a Jinja2 template (autoescaped) that carries the signed-in user, the CSRF token
(``<meta name="csrf-token">``) and the page's parameters in ``data-*`` attributes. The scripts in
``static/`` read the API under ``/api/v1`` and build the DOM with ``textContent`` only, so
article text, titles and names can never become markup; the Content-Security-Policy allows
scripts and styles from this origin only.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from newsevents.errors import NewsEventsError
from newsevents.schema import ClaimStatus, Precision
from newsevents.serve import auth

router = APIRouter(include_in_schema=False)

HERE = Path(__file__).resolve().parent
TEMPLATES = Environment(
    loader=FileSystemLoader(str(HERE / "templates")),
    autoescape=select_autoescape(enabled_extensions=("html",), default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)

PRECISIONS = list(Precision.__args__)
CLAIM_STATUSES = list(ClaimStatus.__args__)
REVIEW_STATUSES = ["unreviewed", "accepted", "edited", "rejected"]
EXPORT_FORMATS = [("acled-csv", "ACLED CSV"), ("csv", "CSV"), ("jsonl", "JSONL"),
                  ("geojson", "GeoJSON"), ("parquet", "Parquet")]
PAGE_SIZES = [25, 50, 100, 200]


@lru_cache(maxsize=1)
def _event_types() -> list[tuple[str, str]]:
    from newsevents.knowledge import taxonomy

    types = []
    for code, row in sorted(taxonomy().items()):
        name = row.get("acled_sub_event_type") or row.get("name") or ""
        types.append((code, name))
    return types


def _safe_next(target: Optional[str]) -> str:
    """A redirect target on this site only (no scheme, no host, no protocol-relative path)."""
    if (not target or not target.startswith("/") or target.startswith("//") or "\\" in target
            or any(ord(c) < 32 or ord(c) == 127 for c in target)):
        return "/"  # browsers drop tabs and newlines: "/\t/host" would become "//host"
    return target


def _user(request: Request) -> Any:
    return auth.current_user(request)


def _reads_need_login(request: Request) -> bool:
    return bool(getattr(request.app.state, "auth_reads", False))


def _render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    user = _user(request)
    token = auth.csrf_token(request) if user is not None else ""
    role = getattr(user, "role", None)
    html = TEMPLATES.get_template(template).render(
        user=user,
        role=role,
        can_review=role in ("reviewer", "admin"),
        csrf_token=token or "",
        path=request.url.path,
        **context,
    )
    return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})


def _page(request: Request, template: str, **context: Any) -> Response:
    """A page, or a redirect to the login form when reads need an account."""
    if _reads_need_login(request) and _user(request) is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
    return _render(request, template, **context)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> Response:
    return _render(request, "login.html", next=_safe_next(next), error=None)


@router.post("/login", response_class=HTMLResponse)
async def login_submit(request: Request) -> Response:
    form = await request.form()
    username = str(form.get("username") or "").strip()
    password = str(form.get("password") or "")
    target = _safe_next(str(form.get("next") or "/"))
    response = RedirectResponse(target, status_code=303)
    error, status = None, 401
    if not auth.same_origin(request):
        error, status = "The sign-in form was sent from another site; open this page and sign in here.", 403
    elif not username or not password:
        error = "Enter your user name and password."
    else:
        try:
            user = auth.login_user(request, response, username, password)
        except NewsEventsError as exc:  # too many failed logins: wait
            user, error = None, str(exc).split("] ", 1)[-1]
            status = getattr(exc, "status", 429)
        if user is None and error is None:
            error = "Wrong user name or password."
    if error:
        return _render(request, "login.html", status=status, next=target, error=error,
                       username=username)
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    form = await request.form()
    if auth.current_user(request) is not None and not auth.verify_csrf(
            request, str(form.get("csrf_token") or "")):
        return _render(request, "error.html", status=403, title="Forbidden",
                       message="The form was stale. Reload the page and sign out again.")
    response = RedirectResponse("/login", status_code=303)
    auth.logout_user(request, response)
    return response


@router.get("/", response_class=HTMLResponse)
def events_page(request: Request) -> Response:
    return _page(request, "events.html", title="Events", event_types=_event_types(),
                 claim_statuses=CLAIM_STATUSES, review_statuses=REVIEW_STATUSES,
                 export_formats=EXPORT_FORMATS, page_sizes=PAGE_SIZES)


@router.get("/articles", response_class=HTMLResponse)
def articles_page(request: Request) -> Response:
    return _page(request, "list.html", title="Articles", kind="articles",
                 search_label="Words in the title or text",
                 columns=["Article", "Date", "Dateline", "Source", "Events"])


@router.get("/people", response_class=HTMLResponse)
def people_page(request: Request) -> Response:
    return _page(request, "list.html", title="People", kind="people",
                 search_label="Name (any spelling)",
                 columns=["Name", "Roles", "Affiliations", "Spellings"])


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article_page(request: Request, article_id: str) -> Response:
    return _page(request, "article.html", title="Article", article_id=article_id)


@router.get("/events/{pk}", response_class=HTMLResponse)
def event_page(request: Request, pk: str) -> Response:
    return _page(request, "event.html", title="Event", event_pk=pk, event_types=_event_types(),
                 claim_statuses=CLAIM_STATUSES, precisions=PRECISIONS)


@router.get("/people/{pk}", response_class=HTMLResponse)
def person_page(request: Request, pk: str) -> Response:
    """A person by store pk, or by person id (``p-…``, as event actors carry it)."""
    if not pk.isdigit():
        from sqlalchemy import select

        from newsevents.store.schema import Person

        with request.app.state.store.session() as s:
            found = s.execute(select(Person.pk).where(Person.id == pk[:40])).scalar()
        if found is not None:
            pk = str(found)
    return _page(request, "person.html", title="Person", person_pk=pk)


@router.get("/map", response_class=HTMLResponse)
def map_page(request: Request) -> Response:
    return _page(request, "map.html", title="Map", event_types=_event_types(),
                 claim_statuses=CLAIM_STATUSES, review_statuses=REVIEW_STATUSES)


@router.get("/timeline", response_class=HTMLResponse)
def timeline_page(request: Request) -> Response:
    return _page(request, "timeline.html", title="Timeline", event_types=_event_types(),
                 claim_statuses=CLAIM_STATUSES, review_statuses=REVIEW_STATUSES)


@router.get("/basemap.json")
def basemap(request: Request) -> Response:
    from newsevents.serve.basemap import basemap_gzip, basemap_json

    headers = {"Cache-Control": "public, max-age=86400", "Vary": "Accept-Encoding"}
    try:
        if "gzip" in request.headers.get("accept-encoding", ""):
            headers["Content-Encoding"] = "gzip"
            body = basemap_gzip()
        else:
            body = basemap_json()
    except NewsEventsError as exc:
        return Response(content=_error_json(exc.code, str(exc).split("] ", 1)[-1]),
                        status_code=503, media_type="application/json")
    return Response(content=body, media_type="application/json", headers=headers)


def _error_json(code: str, message: str) -> bytes:
    return json.dumps({"error": {"code": code, "message": message}}).encode()
