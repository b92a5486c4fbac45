"""``moderation sites|db|sweep`` commands, and ``serve`` + ``worker`` as real processes."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import httpx
import pytest
from click.testing import CliRunner

from moderation.cli import main
from tests.service.support import (
    REPO,
    CallbackReceiver,
    free_port,
    payload,
    read_headers,
    signed,
    wait_until,
)


@pytest.fixture
def env(db_url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setenv("MODERATION_DATABASE_URL", db_url)
    monkeypatch.delenv("MODERATION_REDIS_URL", raising=False)
    return {"MODERATION_DATABASE_URL": db_url}


def run(*args: str) -> str:
    out = CliRunner().invoke(main, list(args))
    assert out.exit_code == 0, out.output
    return out.output


def test_sites_add_list_rotate(env: dict[str, str]) -> None:
    out = run("sites", "add", "paper", "--callback-url", "http://127.0.0.1:9/cb")
    secret = re.search(r"secret: (\S+)", out).group(1)
    assert secret.startswith("whsec_") and len(secret) > 30
    listing = run("sites", "list")
    assert "paper" in listing and "secrets=1" in listing and secret not in listing
    dup = CliRunner().invoke(main, ["sites", "add", "paper"])
    assert dup.exit_code != 0 and "already exists" in dup.output
    bad = CliRunner().invoke(main, ["sites", "add", "other", "--policy", "no-such-policy"])
    assert bad.exit_code != 0 and "unknown policy" in bad.output
    out = run("sites", "rotate-secret", "paper")
    assert "previous secret is still accepted" in out
    assert "secrets=2" in run("sites", "list")
    run("sites", "rotate-secret", "paper", "--drop-old")
    assert "secrets=1" in run("sites", "list")
    from alembic.script import ScriptDirectory

    from moderation.store.migrate import alembic_config

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert f"at revision {head}" in run("db", "upgrade")
    assert "re-enqueued 0" in run("sweep")


@pytest.mark.redis
@pytest.mark.timeout(180)
def test_serve_and_worker_processes(db_url: str, redis_url: str) -> None:
    receiver = CallbackReceiver("whsec_cli_secret").start()
    env = {**os.environ, "PYTHONPATH": str(REPO), "MODERATION_DATABASE_URL": db_url,
           "MODERATION_REDIS_URL": redis_url, "MODERATION_QUEUE": "clitest",
           "MODERATION_SCORER": "none"}
    cli = [sys.executable, "-c", "from moderation.cli import main; main()"]
    subprocess.run([*cli, "sites", "add", "s1", "--secret", "whsec_cli_secret",
                    "--callback-url", receiver.url], env=env, check=True, cwd=REPO,
                   capture_output=True)
    port = free_port()
    # the API alone first: it stores and queues, it does not decide (no ?wait), so the
    # decision below can only come from the worker process started after the comment
    procs = [subprocess.Popen([*cli, "serve", "--port", str(port)], env=env, cwd=REPO)]
    try:
        base = f"http://127.0.0.1:{port}"

        def up() -> bool:
            try:
                return httpx.get(base + "/readyz", timeout=1).status_code == 200
            except httpx.HTTPError:
                return False

        wait_until(up, 60, interval=0.3, what="moderation serve")
        raw, h = signed(payload("p1", "what a load of shit", site_id="s1"), "whsec_cli_secret")
        r = httpx.post(base + "/v1/comments", content=raw, headers=h, timeout=10)
        assert r.status_code == 202 and r.json()["status"] == "queued", r.text
        assert httpx.get(base + "/v1/comments/s1/p1", headers=read_headers(
            "/v1/comments/s1/p1", "whsec_cli_secret")).json()["status"] == "queued"
        procs.append(subprocess.Popen([*cli, "worker", "-n", "1"], env=env, cwd=REPO))
        state = wait_until(
            lambda: (x := httpx.get(base + "/v1/comments/s1/p1", timeout=5, headers=read_headers(
                "/v1/comments/s1/p1", "whsec_cli_secret")).json())["status"] != "queued"
            and x, 60, interval=0.3, what="decision by the worker process")
        assert state["decision"]["action"] == "reject"  # the real engine's profanity rule
        assert state["decision"]["policy_id"] == "default"
        wait_until(lambda: receiver.comment_ids() == ["p1"], 30, what="callback")
        metrics = httpx.get(base + "/metrics").text
        assert 'moderation_decisions{action="reject"' in metrics  # stored (the database's)
        # ...but not made by the API process: its own counter has no decision in it
        assert 'moderation_decisions_made_total{action="reject"' not in metrics
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
        receiver.stop()
