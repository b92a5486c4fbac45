"""How fast the review queue answers as it grows: GET /v1/review/queue (oldest and score order),
a claim and a decision, on SQLite (or MODERATION_DATABASE_URL). Prints figures; asserts nothing.

    python benchmarks/bench_review_queue.py [--items 5000] [--requests 50]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from datetime import timedelta

from fastapi.testclient import TestClient

from moderation.api import create_app
from moderation.config import Settings
from moderation.policy.registry import PolicyRegistry
from moderation.review import accounts
from moderation.service.runtime import Runtime
from moderation.service.wiring import build_runtime
from moderation.store import migrate
from moderation.store import repository as repo
from moderation.store.schema import DecisionRow, Submission, utcnow


def seed(rt: Runtime, n: int) -> list[int]:
    now = utcnow()
    with rt.db.session() as s:
        repo.add_site(s, "bench", secret="whsec_bench")
        subs = [Submission(site_id="bench", comment_id=f"c{i}", text=f"you will regret this {i}",
                           text_sha256=repo.text_sha256(str(i)), status="in_review",
                           received_at=now - timedelta(seconds=n - i), enqueue_count=1,
                           attempts=1, article={"id": "a", "title": "t", "url": "https://x/a"})
                for i in range(n)]
        s.add_all(subs)
        s.flush()
        s.add_all([DecisionRow(submission_id=sub.id, kind="engine", action="review", final=False,
                               category="threat", categories=["threat"],
                               reasons=[{"category": "threat", "source": "rule",
                                         "action": "review", "evidence": [
                                             {"start": 0, "end": 20,
                                              "text": "you will regret this"}]}],
                               scores={"toxicity": (i % 97) / 97}, policy_id="default",
                               policy_version="bench", engine_version="bench",
                               decided_at=now) for i, sub in enumerate(subs)])
        return [sub.id for sub in subs]


def timed(fn, count: int) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for _ in range(count):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def show(name: str, ms: list[float]) -> None:
    q = statistics.quantiles(ms, n=100) if len(ms) >= 2 else ms * 99
    print(f"  {name:<34} p50 {statistics.median(ms):7.1f} ms   p99 {q[98]:7.1f} ms   (n={len(ms)})")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=5000)
    ap.add_argument("--requests", type=int, default=50)
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="bench-review-")
    url = os.environ.get("MODERATION_DATABASE_URL") or f"sqlite:///{tmp}/m.db"
    rt = build_runtime(Settings(database_url=url), registry=PolicyRegistry(None, "none"))
    migrate.upgrade(rt.db.engine)
    ids = seed(rt, args.items)
    with rt.db.session() as s:
        _, token = accounts.add_user(s, "bench", "moderator")
    h = {"Authorization": f"Bearer {token}"}
    print(f"review queue with {args.items} items waiting ({rt.db.dialect}), "
          f"{args.requests} requests each, in-process client (one thread)")
    with TestClient(create_app(runtime=rt, migrate=False, sweeper=False)) as c:
        c.get("/v1/review/queue?limit=1", headers=h).raise_for_status()  # loads the policy
        show("queue oldest, 50 per page", timed(
            lambda: c.get("/v1/review/queue?limit=50", headers=h).raise_for_status(),
            args.requests))
        show("queue by score, 50 per page", timed(
            lambda: c.get("/v1/review/queue?order=score&limit=50", headers=h).raise_for_status(),
            args.requests))
        show("stats", timed(lambda: c.get("/v1/review/stats", headers=h).raise_for_status(),
                            args.requests))
        it = iter(ids)
        show("claim", timed(lambda: c.post(f"/v1/review/items/{next(it)}/claim",
                                           headers=h).raise_for_status(), args.requests))
        it2 = iter(ids[args.requests:])
        show("decide (approve)", timed(
            lambda: c.post(f"/v1/review/items/{next(it2)}/decision", json={"action": "approve"},
                           headers=h).raise_for_status(), args.requests))
    rt.close()


if __name__ == "__main__":
    main()
