"""Test helpers for the service: a stand-in engine, signed payloads, a callback receiver, a
server thread, a TCP proxy that can cut the database off, and worker subprocesses.

The stand-in engine exists so the service's guarantees (storage, idempotency, retries) are tested
independently of the model; ``test_burst_real_engine.py`` runs the flow on the real engine.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from moderation.models import Comment, Decision, Reason
from moderation.policy.registry import PolicyRegistry
from moderation.service import signing

REPO = Path(__file__).resolve().parents[2]
STUB_MAX_LENGTH = 500

#: The signing secret of the sites the tests register.
SECRET = "whsec_test_secret"


class StubEngine:
    """Rejects texts containing "badword", sends "maybe" to review, sleeps on "slow:<s>"."""

    def __init__(self, policy_id: str) -> None:
        self.policy_id = policy_id

    def decide(self, comment: Comment) -> Decision:
        text = comment.text
        if "slow:" in text:
            time.sleep(float(text.split("slow:", 1)[1].split()[0]))
        if "explode" in text:
            raise RuntimeError("stub engine failure")
        if "badword" in text:
            start = text.index("badword")
            reasons = [Reason(category="profanity", source="rule", action="reject",
                              rule_id="stub", evidence=[{"start": start, "end": start + 7,
                                                         "text": "badword"}])]
            action = "reject"
        elif "maybe" in text:
            reasons = [Reason(category="personal_attack", source="model", action="review",
                              label="insult", score=0.6, threshold=0.5)]
            action = "review"
        else:
            reasons, action = [], "approve"
        return Decision(action=action, reasons=reasons, scores={"toxicity": 0.1},
                        policy_id=self.policy_id, policy_version="stub-1",
                        engine_version="stub", scorer="stub", elapsed_ms=0.1)

    def decide_batch(self, comments: list[Comment]) -> list[Decision]:
        """All or nothing, like the real engine: one bad comment fails the whole batch."""
        return [self.decide(c) for c in comments]


class StubRegistry(PolicyRegistry):
    def policy(self, policy_id: str) -> Any:
        return SimpleNamespace(id=policy_id, version="stub-1", max_length=STUB_MAX_LENGTH)

    def engine(self, policy_id: str) -> Any:
        return StubEngine(policy_id)


def install_stub() -> None:
    """In a worker subprocess: make every registry hand out the stand-in engine."""
    PolicyRegistry.policy = StubRegistry.policy  # type: ignore[method-assign]
    PolicyRegistry.engine = StubRegistry.engine  # type: ignore[method-assign]


def payload(comment_id: str, text: str = "a perfectly fine comment", site_id: str = "site1",
            **extra: Any) -> dict[str, Any]:
    body = {
        "site_id": site_id,
        "comment_id": comment_id,
        "text": text,
        "article": {"id": "a1", "title": "Budget vote", "url": "https://news.example/a1"},
        "author": {"id": "u1"},
        "submitted_at": "2026-11-26T09:00:00Z",
    }
    body.update(extra)
    return body


def signed(body: dict[str, Any] | bytes, secret: str,
           timestamp: int | None = None) -> tuple[bytes, dict[str, str]]:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return raw, {"Content-Type": "application/json",
                 signing.HEADER: signing.sign(secret, raw, timestamp)}


def read_headers(path: str, secret: str = SECRET) -> dict[str, str]:
    """Headers of a signed ``GET path`` (a comment's status), as a CMS sends them."""
    return {signing.HEADER: signing.sign_request(secret, "GET", path)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children_of(pid: int) -> set[int]:
    """Live child processes of ``pid`` (Linux /proc): how a test sees what a launcher started."""
    kids = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        if int(fields[1]) == pid and fields[0] != "Z":
            kids.add(int(stat.parent.name))
    return kids


def wait_until(pred: Any, timeout: float, interval: float = 0.05, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = pred()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


# ---------------------------------------------------------------- callback receiver


class _ReceiverServer(ThreadingHTTPServer):
    """A listen backlog like a real web server's: with the default of 5, concurrent batch
    workers' callbacks (4 workers x MODERATION_CALLBACK_CONCURRENCY connects at once) were
    sometimes reset before they were accepted, and a test without a sweeper waited for them."""

    allow_reuse_address = True
    request_queue_size = 128


class CallbackReceiver:
    """An HTTP server standing in for the CMS: records verified deliveries; can be down or 5xx."""

    def __init__(self, secret: str, port: int | None = None) -> None:
        self.secret = secret
        self.port = port or free_port()
        self.received: list[dict[str, Any]] = []
        self.bad_signatures = 0
        self.fail_with: int | None = None
        self.lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/moderation-callback"

    def start(self) -> CallbackReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                try:
                    signing.verify(self.headers.get(signing.HEADER), raw, [receiver.secret])
                except signing.SignatureError:
                    with receiver.lock:
                        receiver.bad_signatures += 1
                    self.send_response(401)
                    self.end_headers()
                    return
                if receiver.fail_with:
                    self.send_response(receiver.fail_with)
                    self.end_headers()
                    return
                with receiver.lock:
                    receiver.received.append({
                        "delivery": self.headers.get("X-Moderation-Delivery"),
                        "body": json.loads(raw),
                    })
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self._server = _ReceiverServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def comment_ids(self) -> list[str]:
        with self.lock:
            return [r["body"]["comment_id"] for r in self.received]


# ---------------------------------------------------------------- API server thread


class ServerThread:
    """uvicorn serving an app on a free loopback port, in this process."""

    def __init__(self, app: Any) -> None:
        import uvicorn

        self.port = free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                access_log=False, lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> ServerThread:
        self.thread.start()
        # generous: start-up loads the policy and model, which takes seconds on a loaded
        # shared machine; a readiness wait, not a speed check
        wait_until(lambda: self.server.started, 90, what="uvicorn start")
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


# ---------------------------------------------------------------- TCP proxy (cut the DB off)


class TcpProxy:
    """Forwards 127.0.0.1:<port> to a target; ``cut()`` drops every connection and refuses new
    ones (the database becomes unreachable), ``restore()`` listens again."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()

    def start(self) -> TcpProxy:
        ls = socket.socket()
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind(("127.0.0.1", self.port))
        ls.listen(64)
        self._listener = ls
        threading.Thread(target=self._accept, args=(ls,), daemon=True).start()
        return self

    def _accept(self, ls: socket.socket) -> None:
        while True:
            try:
                client, _ = ls.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cut(self) -> None:
        if self._listener is not None:
            try:  # wakes the blocked accept(); close() alone would leave it listening
                self._listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self._listener.close()
            self._listener = None
        with self._lock:
            for c in self._conns:
                try:
                    c.shutdown(socket.SHUT_RDWR)
                    c.close()
                except OSError:
                    pass
            self._conns.clear()

    def restore(self) -> None:
        self.start()


# ---------------------------------------------------------------- worker subprocesses


@dataclass
class WorkerProcs:
    env: dict[str, str]
    stub: bool = True
    procs: list[subprocess.Popen[bytes]] | None = None

    def start(self, n: int = 1) -> WorkerProcs:
        prelude = "from tests.service.support import install_stub; install_stub(); " \
            if self.stub else ""
        code = prelude + "from workers.launcher import run_one; run_one()"
        self.procs = self.procs or []
        for _ in range(n):
            self.procs.append(subprocess.Popen(
                [sys.executable, "-c", code], cwd=REPO,
                env={**os.environ, **self.env, "PYTHONPATH": str(REPO)},
                stdout=subprocess.DEVNULL, stderr=self._log()))
        return self

    @staticmethod
    def _log() -> Any:
        """Worker stderr: to MODERATION_TEST_WORKER_LOG when set, else discarded (a pipe that
        nobody reads would block a chatty worker)."""
        path = os.environ.get("MODERATION_TEST_WORKER_LOG")
        return open(path, "ab") if path else subprocess.DEVNULL  # noqa: SIM115

    def wait_ready(self, n: int | None = None, timeout: float = 60) -> None:
        """Until ``n`` RQ workers are registered in Redis (imports and model loaded)."""
        from redis import Redis
        from rq import Worker

        want = len([p for p in self.procs or [] if p.poll() is None]) if n is None else n
        r = Redis.from_url(self.env["MODERATION_REDIS_URL"])
        try:
            wait_until(lambda: Worker.count(connection=r) >= want, timeout, interval=0.2,
                       what=f"{want} RQ worker(s) ready")
        finally:
            r.close()

    def stop(self) -> None:
        for p in self.procs or []:
            if p.poll() is None:
                p.terminate()
        for p in self.procs or []:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        self.procs = []
