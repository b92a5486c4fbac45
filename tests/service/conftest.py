"""Fixtures: a private Redis and a runtime on the store (SQLite and PostgreSQL, from
tests/conftest.py). Redis: a private ``redis-server`` on a free port
when the binary exists (so tests can restart it and never touch shared data), otherwise
MODERATION_TEST_REDIS_URL (default ``redis://127.0.0.1:6379/13``), flushed between tests.
Under MODERATION_REQUIRE_SERVICES=1 a missing ``redis-server`` or an unreachable Redis fails.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator

import pytest

from moderation.config import Settings
from moderation.service.runtime import Runtime
from moderation.service.wiring import build_runtime
from moderation.store import repository as repo
from tests.require import service_missing, services_required
from tests.service.support import (
    SECRET,
    CallbackReceiver,
    StubRegistry,
    free_port,
    wait_until,
)


class RedisServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--protected-mode", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        from redis import Redis

        r = Redis.from_url(self.url)

        def _up() -> bool:
            try:
                return bool(r.ping())
            except Exception:
                return False

        wait_until(_up, 10, what="redis-server start")
        r.close()

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def restart(self) -> None:
        """Kill without saving and start again: everything queued in Redis is gone."""
        self.stop()
        self.start()


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer | None]:
    if shutil.which("redis-server") is None:
        if services_required():
            service_missing("redis-server is not installed")
        yield None
        return
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_url(redis_server: RedisServer | None) -> str:
    url = redis_server.url if redis_server else os.environ.get(
        "MODERATION_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
    from redis import Redis

    r = Redis.from_url(url)
    try:
        r.ping()
    except Exception as exc:
        service_missing(f"Redis not available at {url}: {exc}")
    r.flushdb()
    r.close()
    return url


def make_settings(db_url: str, redis_url: str | None = None, **kw: object) -> Settings:
    base = Settings(database_url=db_url, redis_url=redis_url, queue_name="modtest",
                    sweep_interval_s=0.5, sweep_stale_s=3.0, job_timeout_s=10,
                    callback_timeout_s=2.0, callback_backoff_s=0.2,
                    callback_backoff_max_s=1.0, db_timeout_s=2.0)
    return base.with_(**kw)


def make_runtime(settings: Settings) -> Runtime:
    return build_runtime(settings, registry=StubRegistry())


def add_site(rt: Runtime, site_id: str = "site1", callback_url: str | None = None,
             secret: str = SECRET) -> None:
    with rt.db.session() as s:
        repo.add_site(s, site_id, secret=secret, callback_url=callback_url)


@pytest.fixture
def rt(settings: Settings, receiver: CallbackReceiver) -> Iterator[Runtime]:
    """A runtime on the module's ``settings`` with one site calling the test's receiver back
    (modules that need another runtime define their own ``rt``)."""
    runtime = make_runtime(settings)
    add_site(runtime, callback_url=receiver.url)
    yield runtime
    runtime.close()
