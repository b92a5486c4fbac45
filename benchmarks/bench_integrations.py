"""Latency of the integration endpoints over loopback HTTP, as their clients call them.

Starts ``uvicorn moderation.api.app:create_app`` in a subprocess (embedded mode: SQLite under a
temp dir, or ``--database-url``), registers a site with a Coral secret and an API key, then
sends comments one by one (Coral sends one request per comment and waits) and, with
``--concurrency``, from several threads at once. Prints p50/p90/p99/max in ms and how many
answers were decisions (200) or "no decision" (204: over the MODERATION_CORAL_BUDGET_MS budget).

    python benchmarks/bench_integrations.py                 # 300 Coral requests + 100 each other
    python benchmarks/bench_integrations.py -n 1000 --concurrency 4
    python benchmarks/bench_integrations.py --postgres      # a fresh database, dropped after

Figures only, no asserts: the machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from moderation.integrations import store as istore  # noqa: E402
from moderation.store import migrate  # noqa: E402
from moderation.store import repository as repo  # noqa: E402
from moderation.store.db import Database  # noqa: E402
from tests.integrations.support import coral_payload, coral_request  # noqa: E402
from tests.service.support import free_port  # noqa: E402

SECRET = "empsec_" + "5e" * 32
COMMENTS = [
    "Thanks for the clear reporting on the council budget vote.",
    "<div>The figures in the second table do not add up, as far as I can see.</div>",
    "You are an idiot and everyone here knows it.",
    "<p>Interesting, more on this at www.example-blog.biz</p>",
    "Call 0555 123 4567 to earn $500 a day from home!",
    "I disagree with the minister, but this is a fair summary of both sides.",
    "<div>What a <b>moron</b> &amp; a liar this author is.</div>",
    "The new bus routes will help the east side; about time.",
    "someone should shoot the journalist",
    "Great photos. The river looked beautiful last spring.",
]


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def report(name: str, lat_ms: list[float], codes: Counter[int], wall_s: float) -> None:
    print(f"{name:<34} n={len(lat_ms):<5} p50={statistics.median(lat_ms):6.1f} "
          f"p90={pct(lat_ms, 90):6.1f} p99={pct(lat_ms, 99):6.1f} max={max(lat_ms):6.1f} ms  "
          f"{len(lat_ms) / wall_s:6.1f} req/s  status={dict(sorted(codes.items()))}")


def run(n: int, concurrency: int, send) -> tuple[list[float], Counter[int], float]:  # type: ignore[no-untyped-def]
    lat: list[float] = []
    codes: Counter[int] = Counter()
    lock = threading.Lock()
    counter = iter(range(n))

    def worker() -> None:
        with httpx.Client(timeout=10) as http:
            while True:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                t0 = time.perf_counter()
                code = send(http, i)
                dt = (time.perf_counter() - t0) * 1000
                with lock:
                    lat.append(dt)
                    codes[code] += 1

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return lat, codes, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=300, help="Coral requests per run")
    ap.add_argument("--others", type=int, default=100, help="Perspective / Akismet requests")
    ap.add_argument("--concurrency", type=int, default=1)
    ap.add_argument("--database-url", default=None)
    ap.add_argument("--postgres", action="store_true",
                    help="create a scratch database from MODERATION_TEST_POSTGRES_URL (default "
                         "postgresql+psycopg://postgres@127.0.0.1:5432/test), drop it after")
    args = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="bench-integrations-")
    url = args.database_url or f"sqlite:///{tmp}/bench.db"
    drop = None
    if args.postgres:
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        admin_url = os.environ.get("MODERATION_TEST_POSTGRES_URL",
                                   "postgresql+psycopg://postgres@127.0.0.1:5432/test")
        name = f"bench_integrations_{os.getpid()}"
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)

        def drop() -> None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    try:
        bench(url, tmp, args)
    finally:
        if drop is not None:
            drop()


def bench(url: str, tmp: str, args: argparse.Namespace) -> None:
    db = Database.connect(url)
    migrate.upgrade(db.engine)
    site = f"bench{int(time.time())}"
    with db.session() as s:
        repo.add_site(s, site)
        istore.set_coral_secret(s, site, SECRET)
        key, _ = istore.issue_key(s, site)
    db.dispose()

    port = free_port()
    env = {**os.environ, "MODERATION_DATABASE_URL": url, "PYTHONPATH": str(REPO)}
    env.pop("MODERATION_REDIS_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "moderation.api.app:create_app", "--factory",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
         "--no-access-log"], cwd=tmp, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 120
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.time() > deadline or server.poll() is not None:
                raise SystemExit("server did not start")
            time.sleep(0.2)
        budget = os.environ.get("MODERATION_CORAL_BUDGET_MS", "150")
        print(f"database: {url.split('://')[0]}, inline mode, budget {budget} ms, "
              f"concurrency {args.concurrency}, python {sys.version.split()[0]}")

        stamp = str(time.time_ns())

        def coral(http: httpx.Client, i: int) -> int:
            text = COMMENTS[i % len(COMMENTS)]
            payload = coral_payload(text, author_id=f"u{i % 37}", story_id=f"s-{stamp}-{i}")
            raw, headers = coral_request(payload, [SECRET])
            return http.post(f"{base}/v1/integrations/coral/{site}", content=raw,
                             headers=headers).status_code

        def perspective(http: httpx.Client, i: int) -> int:
            body = json.dumps({"comment": {"text": f"{COMMENTS[i % len(COMMENTS)]} ({stamp} {i})"},
                               "requestedAttributes": {"TOXICITY": {}}, "doNotStore": False,
                               "languages": ["en"]})
            return http.post(f"{base}/v1alpha1/comments:analyze?key={key}", content=body,
                             headers={"Content-Type": "application/json"}).status_code

        def akismet(http: httpx.Client, i: int) -> int:
            form = {"api_key": key, "blog": "https://news.example", "user_ip": "203.0.113.9",
                    "comment_type": "comment", "comment_author": f"u{i}",
                    "comment_content": f"{COMMENTS[i % len(COMMENTS)]} ({stamp} {i})"}
            return http.post(f"{base}/1.1/comment-check", data=form).status_code

        run(30, 1, coral)  # warm-up: first decisions, connection pools
        for name, fn, n in (("coral external moderation", coral, args.n),
                            ("perspective comments:analyze", perspective, args.others),
                            ("akismet comment-check", akismet, args.others)):
            lat, codes, wall = run(n, args.concurrency, fn)
            report(name, lat, codes, wall)
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
