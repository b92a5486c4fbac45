"""The FastAPI application: webhook, status, health and metrics routers on one runtime.

``create_app()`` builds everything from the environment; tests pass their own ``Runtime``.
At start-up it can migrate the database, loads the sites' engines (``?wait`` requests are decided
in the API process), starts the Redis notification listener (RQ mode) and the sweeper thread;
at shutdown it stops them and closes what it opened.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from prometheus_client import CollectorRegistry
from starlette.concurrency import run_in_threadpool
from starlette.types import Receive, Scope, Send

from moderation import __version__
from moderation.api import (
    docs,
    errors,
    health,
    integrations,
    policies,
    review,
    status,
    webhook,
)
from moderation.api.schemas import CommentIn
from moderation.api.sites_cache import SitesCache
from moderation.api.waiters import Waiters
from moderation.config import Settings
from moderation.service.metrics import StoreCollector
from moderation.service.runtime import Runtime
from moderation.service.wiring import build_runtime

log = logging.getLogger(__name__)


def create_app(
    settings: Settings | None = None,
    *,
    runtime: Runtime | None = None,
    migrate: bool = True,
    sweeper: bool = True,
    warm: bool = True,
) -> FastAPI:
    owns_runtime = runtime is None
    rt = runtime or build_runtime(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if migrate:
            from moderation.store import migrate as migrations

            migrations.upgrade(rt.db.engine)
        if warm:
            await run_in_threadpool(_warm_engines, rt)
        rt.notifier.add_hook(app.state.waiters.wake)
        rt.notifier.start_listener()
        stop = None
        if sweeper:
            from moderation.service import sweeper as sweeper_mod

            _, stop = sweeper_mod.start_thread(rt)
        try:
            yield
        finally:
            if stop is not None:
                stop.set()
            if owns_runtime:
                rt.close()

    app = ModerationAPI(
        title="Comment moderation service",
        version=__version__,
        description="Signed CMS webhook -> queue -> engine -> store -> signed callback.",
        lifespan=lifespan,
        docs_url=None,  # docs.install serves /docs and /redoc without a CDN
        redoc_url=None,
        **_telemetry(rt.settings.otel),
    )
    app.state.runtime = rt
    app.state.sites = SitesCache(rt)
    app.state.waiters = Waiters()
    app.state.metrics_registry = CollectorRegistry(auto_describe=False)
    app.state.metrics_registry.register(StoreCollector(rt))
    errors.install(app)
    app.include_router(webhook.router)
    app.include_router(status.router)
    app.include_router(health.router)
    review.install(app)  # moderator review queue: /v1/review and /review (issue 4)
    app.include_router(integrations.router)  # Coral, Perspective, Akismet (issue 6)
    app.include_router(policies.router)  # policy versions, hot reload, backtest (issue 5)
    docs.install(app)  # /docs and /redoc with their assets served here (issue 13)
    _document_webhook_body(app)
    return app


class ModerationAPI(FastAPI):
    """FastAPI, with ``POST /v1/comments`` (every comment of every site, the hot path) handed
    straight to ``webhook.asgi``. The route stays declared for the OpenAPI schema; every other
    path goes through FastAPI as usual."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST":
            path, root = scope["path"], scope.get("root_path", "")
            if root and path.startswith(root):
                path = path[len(root):]
            if path == webhook.PATH:
                scope["app"] = self  # what Request.app reads, as Starlette would set it
                await webhook.asgi(scope, receive, send)
                return
        await super().__call__(scope, receive, send)


def _telemetry(enabled: bool) -> dict[str, Any]:
    """FastAPI's native OpenTelemetry (0.16x) asks on every request whether a tracer, meter or
    logger provider is configured: a tenth of the webhook's CPU (profiled). This service exports
    Prometheus metrics, so it is off unless ``MODERATION_OTEL=1``."""
    import inspect

    if enabled:
        return {}
    if "telemetry" not in inspect.signature(FastAPI.__init__).parameters:
        return {}
    return {"telemetry": {"tracing": False, "metrics": False, "logs": False}}


def _warm_engines(rt: Runtime) -> None:
    """Load the sites' policies and the model now: ``?wait`` requests are decided in this
    process, and the first one must not pay for loading the model."""
    from moderation.store import repository as repo

    try:
        with rt.db.reading() as s:
            wanted = {site.policy_id for site in repo.list_sites(s)} or {"default"}
        rt.registry.warm(sorted(wanted))
    except Exception as exc:  # a policy that does not load fails its requests, not start-up
        log.warning("warming the engines failed: %s", exc)


def _document_webhook_body(app: FastAPI) -> None:
    """The webhook reads the raw body (it is signed), so declare its schema by hand."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            from fastapi.openapi.utils import get_openapi

            schema = get_openapi(title=app.title, version=app.version,
                                 description=app.description, routes=app.routes)
            defs = CommentIn.model_json_schema(ref_template="#/components/schemas/{model}")
            comps = schema.setdefault("components", {}).setdefault("schemas", {})
            comps.update(defs.pop("$defs", {}))
            comps["CommentIn"] = defs
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
