"""The embedded SQLite default under moderators' load (issue 13, item 4). Prints figures; asserts
nothing.

Starts ``moderation demo --serve`` in a fresh directory (SQLite, inline jobs, the real model),
creates a moderator, then runs ``--clients`` concurrent moderators (queue, stats, one item, over
and over) while a CMS posts comments through the signed webhook, then pauses past the policy
reload interval and times the first request after the pause. Prints each route's status codes,
p50/p99/slowest latency, and how many "database is locked" lines the server logged.

    python benchmarks/bench_sqlite_moderators.py [--clients 16] [--seconds 10] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-c", "from moderation.cli import main; main()"]
SECRET = "whsec_demo_only_not_a_secret"  # the demo site's (moderation/cli/demo.py)


def start_demo(workdir: Path, port: int) -> tuple[subprocess.Popen[str], Path]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("MODERATION_DATABASE_URL", "MODERATION_REDIS_URL")}
    env["PYTHONPATH"] = str(REPO)
    log = workdir / "server.log"
    proc = subprocess.Popen(
        [*CLI, "demo", "--serve", "--port", str(port)],
        cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=log.open("w"), text=True)
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("Serving on"):
            threading.Thread(target=proc.stdout.read, daemon=True).start()  # keep draining
            return proc, log
    raise SystemExit(f"the demo did not start; see {log}")


def add_moderator(workdir: Path) -> str:
    out = subprocess.run([*CLI, "users", "add", "bench"],
                         cwd=workdir, env={**os.environ, "PYTHONPATH": str(REPO)},
                         capture_output=True, text=True, check=True).stdout
    match = re.search(r"token: (\S+)", out)
    assert match, out
    return match[1]


def post_comments(base: str, stop: threading.Event, sent: list[int]) -> None:
    from moderation.service import signing

    texts = ["Thanks for the careful reporting.", "you will regret this",
             "These people should go back where they came from, they are vermin.",
             "What a stupid take, honestly.", "call me on +44 7911 123456"]
    with httpx.Client(base_url=base, timeout=30) as http:
        i = 0
        while not stop.is_set():
            body = json.dumps({"site_id": "demo", "comment_id": f"load-{time.time_ns()}-{i}",
                               "text": texts[i % len(texts)],
                               "article": {"id": "a1", "title": "Budget", "url": "https://x/a"},
                               "author": {"id": f"reader-{i % 7}"}}).encode()
            r = http.post("/v1/comments", content=body, headers={
                "Content-Type": "application/json", signing.HEADER: signing.sign(SECRET, body)})
            sent.append(r.status_code)
            i += 1
            time.sleep(0.02)


def moderator(base: str, token: str, stop: threading.Event,
              out: list[tuple[str, int, float]]) -> None:
    h = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, timeout=30, headers=h) as http:
        n = 0
        while not stop.is_set():
            for route in ("/v1/review/queue", "/v1/review/stats"):
                t0 = time.perf_counter()
                r = http.get(route)
                out.append((route, r.status_code, time.perf_counter() - t0))
                if route.endswith("queue") and r.status_code == 200 and r.json()["items"]:
                    sid = r.json()["items"][n % len(r.json()["items"])]["submission_id"]
                    t0 = time.perf_counter()
                    r = http.get(f"/v1/review/items/{sid}")
                    out.append(("/v1/review/items/{id}", r.status_code,
                                time.perf_counter() - t0))
            n += 1


def report(name: str, rows: list[tuple[str, int, float]]) -> None:
    for route in sorted({r for r, _, _ in rows}):
        ms = sorted(t * 1000 for r, _, t in rows if r == route)
        codes = Counter(c for r, c, _ in rows if r == route)
        p99 = statistics.quantiles(ms, n=100)[98] if len(ms) >= 2 else ms[-1]
        print(f"  {name:<6} {route:<24} n={len(ms):<5} codes={dict(codes)}  "
              f"p50 {statistics.median(ms):6.1f} ms  p99 {p99:7.1f} ms  max {ms[-1]:7.1f} ms")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--rounds", type=int, default=3, help="load + pause rounds")
    ap.add_argument("--port", type=int, default=8765)
    args = ap.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-sqlite-"))
    proc, log = start_demo(workdir, args.port)
    base = f"http://127.0.0.1:{args.port}"
    try:
        token = add_moderator(workdir)
        print(f"demo --serve in {workdir} (SQLite, inline jobs); {args.clients} moderators, "
              f"a CMS posting comments; {args.rounds} rounds of {args.seconds:.0f} s + a pause")
        every: list[tuple[str, int, float]] = []
        for k in range(args.rounds):
            stop, rows, sent = threading.Event(), [], []  # type: ignore[var-annotated]
            threads = [threading.Thread(target=moderator, args=(base, token, stop, rows))
                       for _ in range(args.clients)]
            threads.append(threading.Thread(target=post_comments, args=(base, stop, sent)))
            for t in threads:
                t.start()
            time.sleep(args.seconds)
            stop.set()
            for t in threads:
                t.join()
            report(f"load{k + 1}", rows)
            print(f"  load{k + 1} webhook posts: {dict(Counter(sent))}")
            every += rows
            time.sleep(3)  # past MODERATION_POLICY_RELOAD_SECONDS (2): the next check reloads
            first: list[Any] = []
            with httpx.Client(base_url=base, timeout=30,
                              headers={"Authorization": f"Bearer {token}"}) as http:
                t0 = time.perf_counter()
                r = http.get("/v1/review/queue")
                first.append(("/v1/review/queue", r.status_code, time.perf_counter() - t0))
            report("pause", first)
            every += first
        server_errors = sum(1 for _, c, _ in every if c >= 500)
        slowest = max(t for _, _, t in every) * 1000
        locked = len(re.findall("database is locked", log.read_text()))
        print(f"all rounds: {len(every)} moderator requests, {server_errors} answered 5xx, "
              f"slowest {slowest:.1f} ms; 'database is locked' in the server log: {locked}")
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    main()
