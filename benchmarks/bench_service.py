"""Service benchmark on loopback: webhook ack latency, ?wait latency, end-to-end throughput.

Starts everything it measures as real processes: ``moderation serve`` (uvicorn), ``moderation
worker -n N`` (RQ SimpleWorkers with the real engine and scorer), a private ``redis-server``, a
callback receiver, and a fresh PostgreSQL database (or SQLite with ``--sqlite``). Load is
open-loop (requests leave on a fixed schedule; latency is measured from the scheduled time, so a
slow server cannot hide its queueing) from a small asyncio HTTP/1.1 client, so the load generator
costs little CPU on a 2-core machine. Prints figures; asserts nothing.

    python benchmarks/bench_service.py                  # PostgreSQL at MODERATION_TEST_POSTGRES_URL
    python benchmarks/bench_service.py --sqlite --duration 10 --workers 1,2
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import host_speed  # noqa: E402

from moderation import signing  # noqa: E402

SECRET = "whsec_bench"
TEXTS = [
    "Thanks for this careful reporting on the council budget.",
    "You are an idiot and everyone knows it.",
    "Call me at 555-123-4567 for cheap watches!!!",
    "I disagree with the mayor, but the article is fair and the figures are clear.",
    "What a load of shit.",
    "Great piece. The numbers in paragraph three look off, though.",
    "People like you should be banned from voting.",
    "My grandmother lived on that street; the photos brought back memories.",
]

CLI = [sys.executable, "-c", "from moderation.cli import main; main()"]

RECEIVER = r"""
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(204); self.send_header("Content-Length", "0"); self.end_headers()
    def log_message(self, *a): pass
s = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H); s.daemon_threads = True
s.serve_forever()
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(root_pid: int) -> float:
    """utime + stime of a process and all its descendants (from /proc), in seconds."""
    tick = os.sysconf("SC_CLK_TCK")
    stats: dict[int, tuple[int, float]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            raw = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = raw[raw.rindex(")") + 2:].split()
        stats[int(entry)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
    total, frontier = 0.0, [root_pid]
    while frontier:
        pid = frontier.pop()
        if pid in stats:
            total += stats[pid][1]
        frontier += [c for c, (ppid, _) in stats.items() if ppid == pid]
    return total


def machine_cpu_seconds() -> float:
    """Busy CPU time of the whole machine so far (all processes, all cores), from /proc/stat."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    user, nice, system, idle, iowait, irq, softirq, steal = (int(x) for x in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]


class Conn:
    """One keep-alive HTTP/1.1 connection (just enough for this benchmark)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        head = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {len(body)}"]
        head += [f"{k}: {v}" for k, v in headers.items()]
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        await self.writer.drain()
        assert self.reader is not None
        status_line = await self.reader.readline()
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            k, _, v = line.decode().partition(":")
            if k.lower() == "content-length":
                length = int(v)
        data = await self.reader.readexactly(length) if length else b""
        return int(status_line.split()[1]), data


async def open_loop(port: int, rate: float, duration: float, query: str,
                    prefix: str) -> tuple[list[float], dict[int, int], int]:
    """Send ``rate`` signed webhooks per second for ``duration`` s; latency from schedule."""
    pool: asyncio.Queue[Conn] = asyncio.Queue()
    for _ in range(64):
        pool.put_nowait(Conn(port))
    lat: list[float] = []
    codes: dict[int, int] = {}
    with_decision = 0
    n = int(rate * duration)
    start = time.perf_counter() + 0.2

    async def one(i: int) -> None:
        nonlocal with_decision
        scheduled = start + i / rate
        await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
        body = json.dumps({
            "site_id": "bench", "comment_id": f"{prefix}{i}", "text": TEXTS[i % len(TEXTS)],
            "article": {"id": "a1", "title": "Council budget"}, "author": {"id": f"u{i % 97}"},
        }).encode()
        headers = {"Content-Type": "application/json",
                   signing.HEADER: signing.sign(SECRET, body)}
        conn = await pool.get()
        try:
            code, data = await conn.request("/v1/comments" + query, body, headers)
        except Exception:
            conn = Conn(port)
            code, data = -1, b""
        finally:
            pool.put_nowait(conn)
        lat.append((time.perf_counter() - scheduled) * 1000)
        codes[code] = codes.get(code, 0) + 1
        if code == 200 and b'"decision":{' in data:
            with_decision += 1

    await asyncio.gather(*(one(i) for i in range(n)))
    return lat, codes, with_decision


class Stack:
    """The processes under test."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.tmp = Path(tempfile.mkdtemp(prefix="bench_service_"))
        self.pg_name: str | None = None

    def start_base(self) -> None:
        a = self.args
        self.redis_port = free_port()
        self.procs["redis"] = subprocess.Popen(
            ["redis-server", "--port", str(self.redis_port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL)
        if a.sqlite:
            self.db_url = f"sqlite:///{self.tmp / 'bench.db'}"
        else:
            from sqlalchemy import create_engine, text
            from sqlalchemy.engine import make_url

            self.pg_name = f"modbench_{uuid.uuid4().hex[:8]}"
            admin = create_engine(a.postgres_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as c:
                c.execute(text(f'CREATE DATABASE "{self.pg_name}"'))
            admin.dispose()
            self.db_url = make_url(a.postgres_url).set(database=self.pg_name).render_as_string(
                hide_password=False)
        self.receiver_port = free_port()
        self.procs["receiver"] = subprocess.Popen(
            [sys.executable, "-c", RECEIVER, str(self.receiver_port)])
        self.env = {**os.environ, "PYTHONPATH": str(REPO),
                    "MODERATION_DATABASE_URL": self.db_url,
                    "MODERATION_REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
                    "MODERATION_QUEUE": "bench", "MODERATION_SCORER": a.scorer,
                    "MODERATION_DB_POOL_SIZE": "20"}
        time.sleep(0.5)
        self.run_cli(["db", "upgrade"])
        self.run_cli(["sites", "add", "bench", "--secret", SECRET, "--callback-url",
                      f"http://127.0.0.1:{self.receiver_port}/cb"])
        self.api_port = free_port()
        self.procs["api"] = subprocess.Popen(
            [*CLI, "serve", "--port", str(self.api_port), "--workers", str(a.http_workers),
             "--http", a.http, "--loop", a.loop], env=self.env, cwd=REPO)
        self.wait_http(self.api_port, "/healthz")

    def run_cli(self, argv: list[str]) -> None:
        subprocess.run([*CLI, *argv], env=self.env, cwd=REPO,
                       check=True, stdout=subprocess.DEVNULL)

    def wait_http(self, port: int, path: str, timeout: float = 60) -> None:
        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}{path}", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"nothing answered on port {port}")

    def start_workers(self, n: int) -> None:
        self.stop_workers()
        self.procs["workers"] = subprocess.Popen(
            [*CLI, "worker", "-n", str(n)],
            env=self.env, cwd=REPO, stderr=subprocess.DEVNULL)
        from redis import Redis
        from rq import Worker

        r = Redis(port=self.redis_port)
        deadline = time.monotonic() + 120
        while Worker.count(connection=r) < n and time.monotonic() < deadline:
            time.sleep(0.2)
        r.close()

    def stop_workers(self) -> None:
        p = self.procs.pop("workers", None)
        if p is not None:
            p.terminate()
            p.wait(timeout=60)
            from redis import Redis

            r = Redis(port=self.redis_port)
            for key in r.smembers("rq:workers"):  # forget dead registrations
                r.srem("rq:workers", key)
            r.close()

    def counts(self) -> tuple[int, int, int]:
        from sqlalchemy import create_engine, text

        eng = create_engine(self.db_url)
        with eng.connect() as c:
            queued = c.execute(text("SELECT count(*) FROM submissions WHERE status='queued'"))
            q = queued.scalar() or 0
            d = c.execute(text("SELECT count(*) FROM decisions")).scalar() or 0
            cb = c.execute(text("SELECT count(*) FROM callback_deliveries "
                                "WHERE status='delivered'")).scalar() or 0
        eng.dispose()
        return int(q), int(d), int(cb)

    def close(self) -> None:
        self.stop_workers()
        for p in list(self.procs.values()):
            p.terminate()
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
        if self.pg_name:
            from sqlalchemy import create_engine, text

            admin = create_engine(self.args.postgres_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)'))
            admin.dispose()
        shutil.rmtree(self.tmp, ignore_errors=True)


def drain(stack: Stack, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        q, _, _ = stack.counts()
        if q == 0:
            return
        time.sleep(0.5)


def report_latency(title: str, lat: list[float], codes: dict[int, int], extra: str = "") -> None:
    print(f"{title}: n={len(lat)} p50={pct(lat, 50):.1f} ms p90={pct(lat, 90):.1f} ms "
          f"p99={pct(lat, 99):.1f} ms max={max(lat):.1f} ms codes={codes} {extra}")


def end_to_end(stack: Stack, workers: int, n: int, rate: float) -> None:
    stack.start_workers(workers)
    _, d0, cb0 = stack.counts()
    w0 = cpu_seconds(stack.procs["workers"].pid)
    a0 = cpu_seconds(stack.procs["api"].pid)
    m0 = machine_cpu_seconds()
    t0 = time.perf_counter()
    lat, codes, _ = asyncio.run(open_loop(stack.api_port, rate, n / rate, "",
                                          f"e2e{workers}-"))
    sent_s = time.perf_counter() - t0
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        q, d, _ = stack.counts()
        if d - d0 >= n and q == 0:  # every comment decided
            break
        time.sleep(0.25)
    decided_s = time.perf_counter() - t0
    from sqlalchemy import create_engine, text

    while time.monotonic() < deadline:  # then for the callbacks of the final decisions
        eng = create_engine(stack.db_url)
        with eng.connect() as c:
            pending = c.execute(text("SELECT count(*) FROM callback_deliveries "
                                     "WHERE status<>'delivered'")).scalar()
        eng.dispose()
        if not pending:
            break
        time.sleep(0.25)
    total_s = time.perf_counter() - t0
    _, d1, cb1 = stack.counts()
    worker_ms = (cpu_seconds(stack.procs["workers"].pid) - w0) * 1000 / n
    api_ms = (cpu_seconds(stack.procs["api"].pid) - a0) * 1000 / n
    machine_ms = (machine_cpu_seconds() - m0) * 1000 / n
    print(f"end-to-end, {workers} worker process(es): {n} webhooks offered at {rate:.0f}/s "
          f"(sent in {sent_s:.1f} s, codes={codes}); all decided after {decided_s:.1f} s "
          f"= {n / decided_s:.0f} decisions/s; all {cb1 - cb0} callbacks delivered after "
          f"{total_s:.1f} s = {n / total_s:.0f} comments/s end to end; "
          f"ack p99 during the run {pct(lat, 99):.0f} ms; CPU per comment: workers "
          f"{worker_ms:.2f} ms (incl. launcher + sweeper), API {api_ms:.2f} ms, whole machine "
          f"{machine_ms:.2f} ms (incl. PostgreSQL, Redis, receiver, load generator)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sqlite", action="store_true", help="SQLite instead of PostgreSQL")
    ap.add_argument("--postgres-url", default=os.environ.get(
        "MODERATION_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    ap.add_argument("--scorer", default=os.environ.get("MODERATION_SCORER", "sklearn"))
    ap.add_argument("--duration", type=float, default=20.0, help="seconds per latency phase")
    ap.add_argument("--workers", default="1,2,4", help="worker counts for end to end")
    ap.add_argument("--e2e-n", type=int, default=6000)
    ap.add_argument("--e2e-rate", type=float, default=800.0,
                    help="offered webhooks/s end to end: above what the stack sustains, so the "
                         "figure is its ceiling, not the offered rate")
    ap.add_argument("--http-workers", type=int, default=1)
    ap.add_argument("--http", default="auto", help="uvicorn HTTP parser: auto|httptools|h11")
    ap.add_argument("--loop", default="auto", help="uvicorn event loop: auto|uvloop|asyncio")
    ap.add_argument("--skip", default="", help="phases to skip: comma list of ack,wait,e2e")
    args = ap.parse_args()

    print(f"load average before: {os.getloadavg()}, cores: {os.cpu_count()}, "
          f"store: {'sqlite' if args.sqlite else 'postgresql'}, scorer: {args.scorer}; "
          f"{host_speed.describe(host_speed.speeds())}")
    stack = Stack(args)
    try:
        stack.start_base()
        stack.start_workers(2)
        asyncio.run(open_loop(stack.api_port, 50, 2, "", "warm"))  # warm-up, not reported
        drain(stack)
        skip = set(args.skip.split(","))
        if "ack" not in skip:
            api0, m0 = cpu_seconds(stack.procs["api"].pid), machine_cpu_seconds()
            lat, codes, _ = asyncio.run(open_loop(stack.api_port, 100, args.duration, "", "ack"))
            api_ms = (cpu_seconds(stack.procs["api"].pid) - api0) * 1000 / max(len(lat), 1)
            m_ms = (machine_cpu_seconds() - m0) * 1000 / max(len(lat), 1)
            report_latency("webhook ack at 100 req/s (2 workers deciding meanwhile)", lat, codes,
                           f"CPU per request: API {api_ms:.2f} ms, whole machine {m_ms:.2f} ms")
            drain(stack)
        if "wait" not in skip:
            api0, m0 = cpu_seconds(stack.procs["api"].pid), machine_cpu_seconds()
            lat, codes, with_dec = asyncio.run(open_loop(stack.api_port, 50, args.duration,
                                                         "?wait=2000", "wait"))
            api_ms = (cpu_seconds(stack.procs["api"].pid) - api0) * 1000 / max(len(lat), 1)
            m_ms = (machine_cpu_seconds() - m0) * 1000 / max(len(lat), 1)
            report_latency("?wait=2000 at 50 req/s", lat, codes,
                           f"with decision={with_dec}/{len(lat)}; CPU per request: API "
                           f"{api_ms:.2f} ms, whole machine {m_ms:.2f} ms")
            drain(stack)
        if "e2e" not in skip:
            for n in [int(x) for x in args.workers.split(",") if x]:
                end_to_end(stack, n, args.e2e_n, args.e2e_rate)
        print(f"load average after: {os.getloadavg()}; "
              f"{host_speed.describe(host_speed.speeds())}")
    finally:
        stack.close()


if __name__ == "__main__":
    main()
