"""Issue 13, item 4: the embedded SQLite default holds moderators working while comments arrive.

Demo mode as ``moderation demo --serve`` runs it: SQLite, jobs inline in the API process, the
real engine with policies from the version store (hot reload). The policy reload interval is 0,
so every request checks the live policy version: before the fix that check opened a write
transaction inside the request's own, waited out the busy timeout on itself and filled the log
with "database is locked", and concurrent requests answered 503. The speed figures (slowest
answer) are measured by ``benchmarks/bench_sqlite_moderators.py``, not asserted here.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from moderation.api import create_app
from moderation.config import Settings
from moderation.review import accounts
from moderation.service.runtime import Runtime
from moderation.service.wiring import build_runtime
from moderation.store import migrate
from moderation.store import repository as repo
from tests.service.support import SECRET, CallbackReceiver, ServerThread, payload, signed

MODERATORS = 16
REVIEW_TEXT = "you will regret this"


@pytest.fixture
def demo_rt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
            receiver: CallbackReceiver) -> Iterator[Runtime]:
    monkeypatch.setenv("MODERATION_POLICY_RELOAD_SECONDS", "0")
    settings = Settings(database_url=f"sqlite:///{tmp_path}/moderation.db", scorer="none",
                        db_timeout_s=2.0, callback_timeout_s=2.0)
    rt = build_runtime(settings)  # the registry reads policies from the store, as in the demo
    assert rt.dispatcher is not None and rt.dispatcher.mode == "inline"
    migrate.upgrade(rt.db.engine)
    with rt.db.session() as s:
        repo.add_site(s, "demo", secret=SECRET, callback_url=receiver.url)
    yield rt
    rt.close()


def _post(http: httpx.Client, cid: str, text: str, wait: bool) -> httpx.Response:
    raw, headers = signed(payload(cid, text, site_id="demo"), SECRET)
    return http.post("/v1/comments" + ("?wait=3000" if wait else ""), content=raw,
                     headers=headers)


def test_sixteen_moderators_while_comments_arrive(demo_rt: Runtime,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    with demo_rt.db.session() as s:
        _, token = accounts.add_user(s, "mod", "moderator", actor="test")
    app = create_app(runtime=demo_rt, migrate=False)
    answers: list[tuple[str, int]] = []
    lock = threading.Lock()
    with ServerThread(app) as server, httpx.Client(base_url=server.url, timeout=30) as http:
        seeds = []
        for i in range(MODERATORS):  # one comment in review for each moderator to decide
            r = _post(http, f"seed-{i}", f"{REVIEW_TEXT} {i}", wait=True)
            assert r.status_code == 200 and r.json()["status"] == "in_review", r.text
            seeds.append(r.json()["submission_id"])
        stop = threading.Event()
        counter = itertools.count()

        def cms() -> None:
            with httpx.Client(base_url=server.url, timeout=30) as c:
                while not stop.is_set():
                    n = next(counter)
                    text = REVIEW_TEXT if n % 2 else "Thanks for the careful reporting."
                    code = _post(c, f"live-{n}", text, wait=n % 3 == 0).status_code
                    with lock:
                        answers.append(("webhook", code))

        def moderator(k: int) -> None:
            h = {"Authorization": f"Bearer {token}"}
            with httpx.Client(base_url=server.url, timeout=30, headers=h) as c:
                got: list[tuple[str, int]] = []
                for _ in range(4):
                    q = c.get("/v1/review/queue", params={"limit": 50})
                    got.append(("queue", q.status_code))
                    got.append(("stats", c.get("/v1/review/stats").status_code))
                    got.append(("me", c.get("/v1/review/me").status_code))
                    if q.status_code == 200 and q.json()["items"]:
                        sid = q.json()["items"][k % len(q.json()["items"])]["submission_id"]
                        got.append(("item", c.get(f"/v1/review/items/{sid}").status_code))
                got.append(("decision", c.post(f"/v1/review/items/{seeds[k]}/decision", json={
                    "action": "approve"}).status_code))
            with lock:
                answers.extend(got)

        poster = threading.Thread(target=cms)
        poster.start()
        threads = [threading.Thread(target=moderator, args=(k,)) for k in range(MODERATORS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        stop.set()
        poster.join()

    by_route: dict[str, list[int]] = {}
    for route, code in answers:
        by_route.setdefault(route, []).append(code)
    server_errors = {r: [c for c in codes if c >= 500] for r, codes in by_route.items()}
    assert not any(server_errors.values()), server_errors
    assert by_route["queue"] == [200] * 4 * MODERATORS
    assert by_route["decision"] == [200] * MODERATORS  # each moderator decided their comment
    assert len(by_route["webhook"]) >= 1 and set(by_route["webhook"]) <= {200, 202}
    assert "database is locked" not in caplog.text
    with demo_rt.db.reading() as s:  # the decisions are stored
        for k in range(MODERATORS):
            assert repo.get_submission(s, "demo", f"seed-{k}").status == "decided"  # type: ignore[union-attr]


def test_reads_do_not_wait_for_a_writer(demo_rt: Runtime,
                                        caplog: pytest.LogCaptureFixture) -> None:
    """A moderator's read, and the live-policy check, run while another connection holds the
    write lock (before the fix the check waited for it and logged "database is locked")."""
    caplog.set_level(logging.WARNING)
    demo_rt.registry.policy("default")  # first use records version 1 (a write): before the hold
    got: dict[str, Any] = {}
    with demo_rt.db.session() as s:  # holds SQLite's write lock until the block ends
        repo.audit(s, "test", "hold_the_write_lock")

        def read() -> None:
            with demo_rt.db.reading() as r:
                got["site"] = repo.get_site(r, "demo")
            got["policy"] = demo_rt.registry.policy("default")  # checks the live version

        reader = threading.Thread(target=read)
        reader.start()
        reader.join(timeout=60)  # a safety net only: it answers at once or after the timeout
        got["done_while_held"] = not reader.is_alive()
    reader.join()
    assert got["done_while_held"] and got["site"] is not None and got["policy"] is not None
    assert "database is locked" not in caplog.text
