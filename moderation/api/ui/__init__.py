"""The moderators' web page: log in with a token, work the queue, read a comment's history.

Server side this is only a login form, a session cookie and two HTML shells; the page's script
(``static/review.js``, no build step, nothing from a CDN) talks to ``/v1/review``. Comment text
only ever reaches the DOM as text nodes, and the Content-Security-Policy forbids inline scripts,
so a comment holding ``<script>`` is shown, never run.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from fastapi import APIRouter, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from moderation import __version__
from moderation.review import accounts
from moderation.review.settings import ReviewSettings

HERE = Path(__file__).resolve().parent
LOGIN_CSRF_COOKIE = "mod_login_csrf"
SESSION_COOKIE = "mod_session"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
       "form-action 'self'")

templates = Jinja2Templates(directory=str(HERE / "templates"))
router = APIRouter(prefix="/review", include_in_schema=False)


def _harden(resp: Response) -> Response:
    resp.headers["Content-Security-Policy"] = CSP
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["X-Frame-Options"] = "DENY"
    resp.headers["Referrer-Policy"] = "same-origin"
    resp.headers["Cache-Control"] = "no-store"
    return resp


def _settings(request: Request) -> ReviewSettings:
    return request.app.state.review_settings


def _secure(request: Request) -> bool:
    mode = _settings(request).cookie_secure
    if mode != "auto":
        return mode == "true"
    proto = request.headers.get("x-forwarded-proto", request.url.scheme)
    return proto.split(",")[0].strip().lower() == "https"


def _session(request: Request) -> tuple[accounts.Principal, str] | None:
    key = request.cookies.get(SESSION_COOKIE)
    if not key:
        return None
    with request.app.state.runtime.db.reading() as s:  # a read: no write lock on SQLite
        return accounts.resolve_session(s, key)


def _login_page(request: Request, error: str | None = None, status: int = 200) -> Response:
    token = secrets.token_urlsafe(24)
    resp = templates.TemplateResponse(
        request, "login.html", {"csrf": token, "error": error, "version": __version__},
        status_code=status)
    resp.set_cookie(LOGIN_CSRF_COOKIE, token, max_age=3600, httponly=True, samesite="strict",
                    secure=_secure(request), path="/review")
    return _harden(resp)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> Response:
    if _session(request) is not None:
        return RedirectResponse("/review", status_code=303)
    return _login_page(request)


@router.post("/login")
def login(request: Request, token: str = Form(default=""), csrf: str = Form(default="")
          ) -> Response:
    # login CSRF: the form must carry the value of the cookie set with it (double submit)
    if not accounts.same_token(csrf, request.cookies.get(LOGIN_CSRF_COOKIE)):
        return _login_page(request, "The form expired; please try again.", 403)
    rt = request.app.state.runtime
    with rt.db.session() as s:
        user = accounts.authenticate_token(s, token.strip())
        if user is None:
            found = None
        else:
            found = accounts.open_session(s, user, _settings(request).session_s)
    if found is None:
        return _login_page(request, "Unknown or disabled token.", 401)
    resp = RedirectResponse("/review", status_code=303)
    resp.set_cookie(SESSION_COOKIE, found.key, max_age=int(_settings(request).session_s),
                    httponly=True, samesite="lax", secure=_secure(request), path="/")
    resp.delete_cookie(LOGIN_CSRF_COOKIE, path="/review")
    return _harden(resp)


@router.post("/logout")
def logout(request: Request, csrf: str = Form(default="")) -> Response:
    found = _session(request)
    if found is not None:
        if not accounts.same_token(csrf, found[1]):
            return _harden(Response("CSRF token missing or wrong", status_code=403,
                                    media_type="text/plain"))
        with request.app.state.runtime.db.session() as s:
            accounts.close_session(s, request.cookies.get(SESSION_COOKIE))
    resp = RedirectResponse("/review/login", status_code=303)
    resp.delete_cookie(SESSION_COOKIE, path="/")
    return _harden(resp)


def _page(request: Request, template: str, **extra: object) -> Response:
    found = _session(request)
    if found is None:
        return RedirectResponse("/review/login", status_code=303)
    user, csrf = found
    ctx = {"user": user, "csrf": csrf, "poll_ms": int(_settings(request).poll_s * 1000),
           "version": __version__, **extra}
    return _harden(templates.TemplateResponse(request, template, ctx))


@router.get("", response_class=HTMLResponse)
def queue_page(request: Request) -> Response:
    return _page(request, "queue.html")


@router.get("/items/{submission_id}", response_class=HTMLResponse)
def history_page(submission_id: int, request: Request) -> Response:
    return _page(request, "history.html", submission_id=submission_id)


def install(app: FastAPI) -> None:
    app.include_router(router)
    app.mount("/review/static", StaticFiles(directory=str(HERE / "static")),
              name="review-static")
