"""The web page's server side: login with a token, session cookie flags, CSRF on every
state-changing request, security headers, logout; plus guards on the shipped static files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from moderation.api import ui
from tests.review.conftest import Env


def login_form(client: TestClient) -> str:
    r = client.get("/review/login")
    assert r.status_code == 200
    m = re.search(r'name="csrf" value="([^"]+)"', r.text)
    assert m, r.text
    return m.group(1)


def login(client: TestClient, token: str):  # type: ignore[no-untyped-def]
    csrf = login_form(client)
    return client.post("/review/login", data={"token": token, "csrf": csrf},
                       follow_redirects=False)


def page_csrf(client: TestClient) -> str:
    r = client.get("/review")
    assert r.status_code == 200, r.text
    m = re.search(r'<meta name="csrf-token" content="([^"]+)">', r.text)
    assert m
    return m.group(1)


def test_anonymous_page_redirects_to_login(env: Env) -> None:
    for path in ("/review", "/review/items/1"):
        r = env.client.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/review/login"


def test_login_sets_a_hardened_session_cookie(env: Env) -> None:
    r = login(env.client, env.tokens["mod1"])
    assert r.status_code == 303 and r.headers["location"] == "/review"
    cookie = next(h for h in r.headers.get_list("set-cookie") if h.startswith("mod_session="))
    flags = {p.strip().lower() for p in cookie.split(";")[1:]}
    assert "httponly" in flags and "samesite=lax" in flags and "path=/" in flags
    value = cookie.split(";")[0].split("=", 1)[1]
    assert value != env.tokens["mod1"] and len(value) >= 40  # a session key, not the token
    page = env.client.get("/review")
    assert page.status_code == 200
    assert "mod1" in page.text
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["x-content-type-options"] == "nosniff"
    # logged in, the login page sends you to the queue
    assert env.client.get("/review/login", follow_redirects=False).status_code == 303


def test_secure_flag_when_configured(env: Env) -> None:
    from dataclasses import replace

    app = env.client.app
    app.state.review_settings = replace(app.state.review_settings, cookie_secure="true")
    https = TestClient(app, base_url="https://testserver")  # secure cookies come back on https
    r = login(https, env.tokens["mod1"])
    cookie = next(h for h in r.headers.get_list("set-cookie") if h.startswith("mod_session="))
    assert "secure" in {p.strip().lower() for p in cookie.split(";")}
    # auto: Secure behind a proxy that says the request came over https
    app.state.review_settings = replace(app.state.review_settings, cookie_secure="auto")
    r = TestClient(app).get("/review/login", headers={"X-Forwarded-Proto": "https"})
    assert "secure" in r.headers["set-cookie"].lower()
    r = TestClient(app).get("/review/login")
    assert "secure" not in r.headers["set-cookie"].lower()


def test_login_refusals(env: Env) -> None:
    # wrong token
    r = login(env.client, "modtok_wrong")
    assert r.status_code == 401 and "Unknown or disabled token" in r.text
    assert not any(h.startswith("mod_session=") for h in r.headers.get_list("set-cookie"))
    # disabled account
    assert login(env.client, env.tokens["gone"]).status_code == 401
    # no or wrong login CSRF token (a cross-site form cannot read the cookie's value)
    login_form(env.client)
    r = env.client.post("/review/login", data={"token": env.tokens["mod1"], "csrf": "forged"},
                        follow_redirects=False)
    assert r.status_code == 403
    fresh = TestClient(env.client.app)
    r = fresh.post("/review/login", data={"token": env.tokens["mod1"], "csrf": ""},
                   follow_redirects=False)
    assert r.status_code == 403


def test_cookie_auth_needs_csrf_header_on_state_changes(env: Env) -> None:
    sid = env.review_item()
    login(env.client, env.tokens["mod1"])
    csrf = page_csrf(env.client)
    # reads work with the cookie alone
    assert env.client.get("/v1/review/queue").status_code == 200
    assert env.client.get("/v1/review/me").json()["name"] == "mod1"
    # writes without (or with a wrong) X-CSRF-Token are refused, and change nothing
    r = env.client.post(f"/v1/review/items/{sid}/decision", json={"action": "approve"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "csrf_failed"
    r = env.client.post(f"/v1/review/items/{sid}/claim", headers={"X-CSRF-Token": "nope"})
    assert r.status_code == 403
    assert env.client.get(f"/v1/review/items/{sid}").json()["claim"] is None
    # with the page's token they go through
    r = env.client.post(f"/v1/review/items/{sid}/decision", json={"action": "approve"},
                        headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200, r.text


def test_cookie_role_checks(env: Env) -> None:
    login(env.client, env.tokens["mod1"])
    csrf = page_csrf(env.client)
    assert env.client.get("/v1/review/users").status_code == 403
    r = env.client.post("/v1/review/users", json={"name": "x", "role": "admin"},
                        headers={"X-CSRF-Token": csrf})
    assert r.status_code == 403


def test_logout_needs_csrf_and_ends_the_session(env: Env) -> None:
    login(env.client, env.tokens["mod1"])
    csrf = page_csrf(env.client)
    r = env.client.post("/review/logout", data={"csrf": "forged"}, follow_redirects=False)
    assert r.status_code == 403
    assert env.client.get("/v1/review/me").status_code == 200
    key = env.client.cookies.get("mod_session")
    r = env.client.post("/review/logout", data={"csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/review/login"
    # the old cookie no longer works even if replayed
    replay = TestClient(env.client.app)
    replay.cookies.set("mod_session", key)
    assert replay.get("/v1/review/me").status_code == 401
    assert replay.get("/review", follow_redirects=False).status_code == 303


def test_disabling_an_account_ends_its_sessions(env: Env) -> None:
    from moderation.review import accounts

    login(env.client, env.tokens["mod2"])
    assert env.client.get("/v1/review/me").status_code == 200
    with env.rt.db.session() as s:
        accounts.set_disabled(s, "mod2", True, actor="test")
    assert env.client.get("/v1/review/me").status_code == 401


def test_history_page_and_static_files(env: Env) -> None:
    sid = env.review_item()
    login(env.client, env.tokens["boss"])
    r = env.client.get(f"/review/items/{sid}")
    assert r.status_code == 200 and f'data-submission-id="{sid}"' in r.text
    assert 'id="overturn"' in r.text  # admins get the overturn form
    js = env.client.get("/review/static/review.js")
    assert js.status_code == 200 and "javascript" in js.headers["content-type"]
    assert env.client.get("/review/static/review.css").status_code == 200


def test_moderators_get_no_overturn_form(env: Env) -> None:
    sid = env.review_item()
    login(env.client, env.tokens["mod1"])
    assert 'id="overturn"' not in env.client.get(f"/review/items/{sid}").text


STATIC = Path(ui.__file__).resolve().parent


@pytest.mark.parametrize("path", sorted(p for d in ("templates", "static")
                                         for p in (STATIC / d).rglob("*") if p.is_file()),
                         ids=lambda p: p.name)
def test_shipped_page_files_load_nothing_from_elsewhere(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    # no CDN or remote asset: only links to this app's own paths
    assert not re.search(r'(src|href)="(https?:)?//', text), path
    assert "@import" not in text
    if path.suffix == ".js":
        # comment text must never be parsed as HTML
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
            assert sink not in text, (path, sink)
