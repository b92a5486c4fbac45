"""``/docs`` (Swagger UI) and ``/redoc`` served with no other host: the pages' scripts, styles and
icon come from this server, not a CDN.

FastAPI's own pages load Swagger UI and ReDoc from a CDN and the favicon from FastAPI's site, so
offline (an air-gapped newsroom, a laptop on a train) ``/docs`` was blank. The files come from
the ``fastapi-offline`` package (Swagger UI: Apache-2.0, ReDoc: MIT, the package: MIT), mounted
under ``ASSETS``; Google Fonts and Swagger's online validator badge are turned off. ReDoc's
footer still asks cdn.redoc.ly for its logo: the pages' Content-Security-Policy keeps them to this
server, so the browser never makes that request (the logo is hidden, nothing else changes).
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/docs-assets"
#: Swagger UI starts from an inline script and both inject styles; ReDoc searches in a blob: worker.
CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
DOCS = "/docs"
REDOC = "/redoc"


def assets_dir() -> Path:
    """The folder of Swagger UI's and ReDoc's files inside the installed ``fastapi_offline``."""
    return Path(str(files("fastapi_offline") / "static"))


def install(app: FastAPI) -> None:
    """Add ``/docs``, ``/redoc`` and their assets; ``app`` must be built with
    ``docs_url=None, redoc_url=None`` so FastAPI's CDN pages are not registered too."""
    app.mount(ASSETS, StaticFiles(directory=assets_dir()), name="docs-assets")
    openapi_url = app.openapi_url or "/openapi.json"
    oauth2_redirect = app.swagger_ui_oauth2_redirect_url

    @app.get(DOCS, include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return _local_only(get_swagger_ui_html(
            openapi_url=f"{root}{openapi_url}",
            title=f"{app.title} - Swagger UI",
            swagger_js_url=f"{root}{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS}/favicon.png",
            oauth2_redirect_url=f"{root}{oauth2_redirect}" if oauth2_redirect else None,
            swagger_ui_parameters={"validatorUrl": None},  # no badge fetched from swagger.io
        ))

    if oauth2_redirect:
        @app.get(oauth2_redirect, include_in_schema=False)
        async def swagger_ui_redirect() -> HTMLResponse:
            return get_swagger_ui_oauth2_redirect_html()

    @app.get(REDOC, include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return _local_only(get_redoc_html(
            openapi_url=f"{root}{openapi_url}",
            title=f"{app.title} - ReDoc",
            redoc_js_url=f"{root}{ASSETS}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{ASSETS}/favicon.png",
            with_google_fonts=False,
        ))


def _local_only(resp: HTMLResponse) -> HTMLResponse:
    resp.headers["Content-Security-Policy"] = CSP
    return resp
