"""``moderation worker`` (workers/launcher.py ``launch``) restarts a worker process that dies.

The launcher is started as users start it (``moderation worker -n 1``, real Redis, the real
engine, rules only); the test kills its worker process with SIGKILL, sees the launcher start a
new one, and has that new process decide a comment: it is the only worker left, so nothing
else can have decided it. The killed worker's RQ scheduler (its child) must be gone too.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from redis import Redis
from rq import Worker

from moderation.api import create_app
from moderation.config import Settings
from moderation.service.wiring import build_runtime
from tests.service.conftest import SECRET, add_site, make_settings
from tests.service.support import (
    REPO,
    CallbackReceiver,
    children_of,
    payload,
    read_headers,
    signed,
    wait_until,
)

pytestmark = [pytest.mark.redis, pytest.mark.timeout(240)]


@pytest.fixture
def settings(db_url: str, redis_url: str) -> Settings:
    return make_settings(db_url, redis_url, scorer="none")


@pytest.fixture
def launcher(settings: Settings) -> Iterator[subprocess.Popen[bytes]]:
    env = {**os.environ, **settings.to_env(), "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-c", "from moderation.cli import main; main()",
                             "worker", "-n", "1"], env=env, cwd=REPO,
                            start_new_session=True)
    yield proc
    proc.send_signal(signal.SIGTERM)  # the launcher's own shutdown: warm stop of its workers
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    try:  # if the test failed half-way, nothing it started outlives it
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def alive(pid: int) -> bool:
    """A process that exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def registered_worker_pids(redis_url: str) -> set[int]:
    r = Redis.from_url(redis_url)
    try:
        return {w.pid for w in Worker.all(connection=r) if w.pid}
    finally:
        r.close()


def test_launcher_replaces_a_killed_worker_and_the_replacement_decides(
        settings: Settings, launcher: subprocess.Popen[bytes],
        receiver: CallbackReceiver) -> None:
    def one_ready_child() -> int | None:
        assert launcher.poll() is None, "the launcher exited"
        kids = children_of(launcher.pid)
        ready = kids & registered_worker_pids(settings.redis_url or "")
        return next(iter(ready)) if len(kids) == 1 and ready else None

    first = wait_until(one_ready_child, 90, interval=0.2, what="the launcher's worker ready")
    scheduler = wait_until(lambda: children_of(first), 60, interval=0.2,
                           what="RQ's scheduler process, a child of the worker")
    os.kill(first, signal.SIGKILL)
    second = wait_until(lambda: (pid := one_ready_child()) not in (None, first) and pid, 90,
                        interval=0.2, what="a replacement worker started by the launcher")
    assert children_of(launcher.pid) == {second}
    # the killed worker's scheduler does not outlive it (the launcher ends the worker's group)
    wait_until(lambda: not any(alive(pid) for pid in scheduler), 30, interval=0.2,
               what="the killed worker's scheduler gone")

    rt = build_runtime(settings)
    add_site(rt, callback_url=receiver.url)
    try:
        with TestClient(create_app(runtime=rt, migrate=False, sweeper=False)) as c:
            raw, h = signed(payload("after-restart", "what a load of shit"), SECRET)
            r = c.post("/v1/comments", content=raw, headers=h)  # no ?wait: a worker decides
            assert r.status_code == 202 and r.json()["status"] == "queued", r.text

            def decided() -> dict | None:
                path = "/v1/comments/site1/after-restart"
                body = c.get(path, headers=read_headers(path)).json()
                return body if body["status"] != "queued" else None

            state = wait_until(decided, 60, interval=0.2, what="the replacement's decision")
        assert state["decision"]["action"] == "reject"
        assert state["decision"]["categories"] == ["profanity"]
        wait_until(lambda: receiver.comment_ids() == ["after-restart"], 30, what="callback")
    finally:
        rt.close()
    assert children_of(launcher.pid) == {second}  # the replacement did the work and lives on
