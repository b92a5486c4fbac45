"""``/healthz`` (the process answers), ``/readyz`` (store and Redis reachable), ``/metrics``."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import REGISTRY, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from sqlalchemy import text
from starlette.concurrency import run_in_threadpool

from moderation.service.runtime import Runtime

router = APIRouter(tags=["operations"])


@router.get("/healthz", summary="The process is up")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


def _check(rt: Runtime) -> dict[str, str]:
    out: dict[str, str] = {}
    try:
        with rt.db.reading() as s:  # a read transaction: no write lock on SQLite
            s.execute(text("SELECT 1"))
        out["database"] = "ok"
    except Exception as exc:
        out["database"] = f"unreachable: {type(exc).__name__}"
    if rt.redis is None:
        out["redis"] = "not configured (inline mode)"
    else:
        try:
            rt.redis.ping()
            out["redis"] = "ok"
        except Exception as exc:
            out["redis"] = f"unreachable: {type(exc).__name__}"
    return out


@router.get("/readyz", summary="Database and Redis reachable")
async def readyz(request: Request) -> JSONResponse:
    checks = await run_in_threadpool(_check, request.app.state.runtime)
    ok = all(v == "ok" or v.startswith("not configured") for v in checks.values())
    return JSONResponse({"status": "ready" if ok else "not ready", **checks},
                        status_code=200 if ok else 503)


@router.get("/metrics", summary="Prometheus metrics", response_class=Response)
async def metrics(request: Request) -> Response:
    def _render() -> bytes:
        return generate_latest(REGISTRY) + generate_latest(request.app.state.metrics_registry)

    return Response(await run_in_threadpool(_render), media_type=CONTENT_TYPE_LATEST)
