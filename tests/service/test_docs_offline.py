"""``/docs`` and ``/redoc`` work with no other host reachable (issue 13, item 3).

The HTML may reference only this server's own URLs, every one of which answers 200; in headless
Chromium, with every request to another host refused, Swagger UI lists the operations and ReDoc
renders them, and no request to another host was even attempted (ReDoc's footer logo, which
it asks of cdn.redoc.ly, is refused by the pages' Content-Security-Policy before any request).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from moderation.api import create_app
from moderation.store import migrate
from tests.service.conftest import make_runtime, make_settings
from tests.service.support import ServerThread

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
URL_ATTR = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']|url:\s*'([^']+)'|"""
                      r"""spec-url\s*=\s*["']([^"']+)["']""")


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Any]:
    rt = make_runtime(make_settings(f"sqlite:///{tmp_path / 'docs.db'}"))
    migrate.upgrade(rt.db.engine)
    yield create_app(runtime=rt, migrate=False, sweeper=False, warm=False)
    rt.close()


def referenced(html: str) -> list[str]:
    return [next(g for g in m.groups() if g) for m in URL_ATTR.finditer(html)]


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_pages_reference_only_this_server(app: Any, page: str) -> None:
    with TestClient(app) as c:
        r = c.get(page)
        assert r.status_code == 200
        assert "default-src 'self'" in r.headers["content-security-policy"]
        assert "http://" not in r.text and "https://" not in r.text, r.text
        urls = referenced(r.text)
        assert any(u.endswith(".js") for u in urls), urls  # the page's script is among them
        for url in urls:
            assert urlsplit(url).netloc == "" and url.startswith("/"), url
            got = c.get(url)
            assert got.status_code == 200, url
            assert len(got.content) > 0, url


def test_pages_follow_a_root_path(app: Any) -> None:
    """Behind ``uvicorn --root-path /moderation`` the assets are asked for under the prefix."""
    with TestClient(app, root_path="/moderation") as c:
        html = c.get("/moderation/docs").text
        assert "/moderation/docs-assets/swagger-ui-bundle.js" in html
        assert c.get("/moderation/docs-assets/swagger-ui-bundle.js").status_code == 200


@pytest.mark.browser
@pytest.mark.skipif(not os.path.exists(CHROMIUM),
                    reason=f"{CHROMIUM} not found (apt-get install -y chromium)")
def test_docs_render_with_no_other_host(app: Any) -> None:
    pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    from playwright.sync_api import Route, expect, sync_playwright

    elsewhere: list[str] = []

    def only_here(route: Route) -> None:
        host = urlsplit(route.request.url).hostname
        if host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:  # as if offline: nothing but this server answers
            elsewhere.append(route.request.url)
            route.abort("internetdisconnected")

    with ServerThread(app) as server, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            console: list[str] = []
            page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
            page.route("**/*", only_here)

            page.goto(f"{server.url}/docs")
            expect(page.locator(".swagger-ui .info .title")).to_contain_text(
                "Comment moderation service")
            ops = page.locator(".swagger-ui .opblock-summary-path")
            expect(ops.first).to_be_visible()
            assert "/v1/comments" in ops.all_inner_texts()

            page.goto(f"{server.url}/redoc")
            expect(page.get_by_role("heading", name="Submit a comment for moderation "
                                    "(signed webhook)")).to_be_visible()
        finally:
            browser.close()
    assert elsewhere == []
    assert errors == []
    # The one thing refused by the pages' Content-Security-Policy: ReDoc's footer logo.
    assert [m for m in console if "cdn.redoc.ly/redoc/logo-mini.svg" not in m] == []
