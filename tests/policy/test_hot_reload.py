"""Hot reload: an edit applied while comments are being decided goes live in every process
within seconds, each decision made by exactly one version; a refused edit changes nothing.

v1 of the ``base`` policy approves "darn it"; v2 adds "darn" to its swear list, so it rejects
it. A decision naming v1 must approve and one naming v2 must reject: a comment decided by half of
one version and half of the other would break that pairing.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from fastapi.testclient import TestClient

from moderation.models import Comment
from moderation.policy.admin import apply_file
from moderation.policy.registry import PolicyRegistry
from moderation.store.db import Database
from tests.policy.conftest import write

REPO = Path(__file__).resolve().parents[2]
TEXT = "well darn it"


def wait_until(pred, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not pred():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.05)


def make_v2(policy_dir: Path) -> None:
    write(policy_dir / "words" / "swears.txt", "heck\nfrick\ndarn\n")


def check_sequence(seen: list[tuple[str, str]], v1: str, v2: str) -> None:
    """Only v1 then only v2 (the switch is one-way and atomic), each with its own verdict."""
    versions = [v for v, _ in seen]
    assert set(versions) == {v1, v2}, set(versions)
    first_v2 = versions.index(v2)
    assert all(v == v1 for v in versions[:first_v2])
    assert all(v == v2 for v in versions[first_v2:])
    assert {(v, a) for v, a in seen} == {(v1, "approve"), (v2, "reject")}


def test_threads_switch_atomically(policy_dir: Path, db: Database) -> None:
    v1 = apply_file(db, policy_dir / "base.yaml", author="t").info.version
    registry = PolicyRegistry(scorer_name="none", db=db)
    registry.live.reload_s = 0.1
    stop = threading.Event()
    seen: list[list[tuple[str, str]]] = [[] for _ in range(4)]
    errors: list[BaseException] = []

    def decide(out: list[tuple[str, str]]) -> None:
        try:
            while not stop.is_set():
                engine = registry.engine("base")  # one engine per comment
                d = engine.decide(Comment(text=TEXT))
                out.append((d.policy_version, d.action))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=decide, args=(out,)) for out in seen]
    for t in threads:
        t.start()
    try:
        wait_until(lambda: all(len(s) >= 20 for s in seen), 30, "decisions under v1")
        make_v2(policy_dir)
        v2 = apply_file(db, policy_dir / "base.yaml", author="t", message="darn").info.version
        wait_until(lambda: all(any(v == v2 for v, _ in s[-5:]) for s in seen), 30,
                   "every thread deciding with v2")
        counts = [len(s) for s in seen]
        wait_until(lambda: all(len(s) >= c + 20 for s, c in zip(seen, counts, strict=True)),
                   30, "more decisions under v2")
    finally:
        stop.set()
        for t in threads:
            t.join(30)
    assert not errors, errors
    for s in seen:
        check_sequence(s, v1, v2)
    assert registry.live.swaps == 1


WORKER = """
import sys, time
from moderation.models import Comment
from moderation.policy.registry import PolicyRegistry
from moderation.store.db import Database

url, out_path, v2, text = sys.argv[1:5]
registry = PolicyRegistry(scorer_name="none", db=Database.connect(url))
after_v2 = 0
deadline = time.monotonic() + 90
with open(out_path, "a", buffering=1) as out:
    while after_v2 < 30 and time.monotonic() < deadline:
        d = registry.engine("base").decide(Comment(text=text))
        out.write(f"{d.policy_version} {d.action}\\n")
        after_v2 += d.policy_version == v2
        time.sleep(0.01)
"""


def test_worker_processes_pick_up_a_cli_apply(policy_dir: Path, db_url: str,
                                              tmp_path: Path) -> None:
    """Real processes: two deciding loops; ``moderation policy apply`` from a third process."""
    db = Database.connect(db_url)
    base = policy_dir / "base.yaml"
    v1 = apply_file(db, base, author="t").info.version
    db.dispose()
    v2_dir = tmp_path / "v2"
    write(v2_dir / "base.yaml", base.read_text())
    write(v2_dir / "words" / "mild.txt", "gosh\n")
    write(v2_dir / "words" / "swears.txt", "heck\nfrick\ndarn\n")
    from moderation.policy import load_policy

    v2 = load_policy(v2_dir / "base.yaml").version
    env = {**os.environ, "PYTHONPATH": str(REPO), "MODERATION_DATABASE_URL": db_url,
           "MODERATION_POLICY_RELOAD_SECONDS": "0.3", "MODERATION_POLICY_DIR": str(policy_dir)}
    outs = [tmp_path / f"worker{i}.txt" for i in range(2)]
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, db_url, str(o), v2, TEXT], env=env,
                              cwd=REPO, stderr=subprocess.PIPE) for o in outs]

    def lines(p: Path) -> list[tuple[str, str]]:
        if not p.exists():
            return []
        return [tuple(x.split()) for x in p.read_text().splitlines() if x.strip()]

    try:
        wait_until(lambda: all(len(lines(o)) >= 10 for o in outs), 60, "workers deciding")
        cli = [sys.executable, "-c", "from moderation.cli import main; main()"]
        res = subprocess.run(cli + ["policy", "apply", str(v2_dir / "base.yaml"), "-m", "darn"],
                             env=env, cwd=REPO,
                             capture_output=True, text=True, timeout=120)
        assert res.returncode == 0, res.stderr
        assert "applied: base@2" in res.stdout
        for p in procs:
            p.wait(timeout=120)
            assert p.returncode == 0, p.stderr.read().decode() if p.stderr else ""
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    for o in outs:
        check_sequence(lines(o), v1, v2)


def _signed(body: dict, secret: str) -> tuple[bytes, dict[str, str]]:
    from tests.service.support import signed

    return signed(body, secret)


def test_api_put_during_a_burst_and_a_refused_put(policy_dir: Path, db_url: str,
                                                  monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Inline service (webhook -> engine -> store): PUT a new version while webhooks arrive."""
    from sqlalchemy import select

    from moderation.api.app import create_app
    from moderation.config import Settings
    from moderation.review import accounts
    from moderation.store import repository as repo
    from moderation.store.schema import DecisionRow, Submission
    from tests.service.support import payload

    monkeypatch.setenv("MODERATION_POLICY_RELOAD_SECONDS", "0.2")
    settings = Settings(database_url=db_url, scorer="none", policy_dir=policy_dir)
    app = create_app(settings, sweeper=False)
    rt = app.state.runtime
    with rt.db.session() as s:
        repo.add_site(s, "site1", secret="whsec_t", policy_id="base")
        _, token = accounts.add_user(s, "editor", "admin")
        _, mod_token = accounts.add_user(s, "mod", "moderator")
    admin = {"Authorization": f"Bearer {token}"}
    v2_yaml = (policy_dir / "base.yaml").read_text()
    sent: list[str] = []

    with TestClient(app) as client:
        def post(i: int) -> None:
            raw, headers = _signed(payload(f"c{i}", TEXT, site_id="site1"), "whsec_t")
            r = client.post("/v1/comments", content=raw, headers=headers)
            assert r.status_code in (200, 202), r.text
            sent.append(f"c{i}")

        for i in range(15):
            post(i)
        v1 = client.get("/v1/policies/base", headers=admin).json()["version"]
        burst = threading.Thread(target=lambda: [post(i) for i in range(15, 60)])
        burst.start()
        r = client.put("/v1/policies/base", headers=admin, json={
            "yaml": v2_yaml, "message": "darn is a swear",
            "files": {"words/swears.txt": "heck\nfrick\ndarn\n"}})
        burst.join(60)
        assert r.status_code == 200, r.text
        assert r.json()["created"] and r.json()["applied"]["seq"] == 2
        assert r.json()["applied"]["author"] == "editor"
        v2 = r.json()["applied"]["version"]
        post(60)  # after the PUT answered: this process switched already

        # refused edits: 422 with the listed problems; v2 stays live
        bad = v2_yaml.replace("reject_at: 0.9", "reject_at: 0.1")
        r = client.put("/v1/policies/base", headers=admin, json={"yaml": bad})
        assert r.status_code == 422
        err = r.json()["error"]
        assert err["code"] == "invalid_policy" and "live version is unchanged" in err["reason"]
        assert any(p.startswith("base.yaml:15:5: ") and "must not be above" in p
                   for p in err["problems"])
        r = client.put("/v1/policies/base", headers={"Authorization": f"Bearer {mod_token}"},
                       json={"yaml": v2_yaml})
        assert r.status_code == 403
        r = client.put("/v1/policies/base", headers={"Content-Type": "application/yaml",
                                                     **admin},
                       content=v2_yaml.replace("'\\bheck\\s+off\\b'", "'(a+)+$'"))
        assert r.status_code == 422 and "catastrophically" in r.json()["error"]["problems"][0]
        post(61)
        live = client.get("/v1/policies/base", headers=admin).json()
        assert (live["seq"], live["version"]) == (2, v2)
        versions = client.get("/v1/policies/base/versions", headers=admin).json()["versions"]
        assert [(v["seq"], v["live"]) for v in versions] == [(2, True), (1, False)]

        def decided() -> bool:
            with rt.db.session() as s:
                return s.scalar(select(Submission).where(Submission.status == "queued")
                                .limit(1)) is None
        wait_until(decided, 60, "every comment decided")
        with rt.db.session() as s:
            rows = s.execute(select(Submission.comment_id, DecisionRow.policy_version,
                                    DecisionRow.action)
                             .join(DecisionRow, DecisionRow.submission_id == Submission.id)
                             .order_by(DecisionRow.id)).all()
        versions = client.get("/v1/policies/base/versions", headers=admin).json()["versions"]
    assert len(rows) == 62
    per_version = {v["version"]: v["decisions"] for v in versions}
    assert per_version == {v: sum(1 for _, rv, _ in rows if rv == v) for v in (v1, v2)}
    by_comment = {c: (v, a) for c, v, a in rows}
    assert {(v, a) for v, a in by_comment.values()} == {(v1, "approve"), (v2, "reject")}
    assert by_comment["c0"][0] == v1
    assert by_comment["c60"][0] == v2 and by_comment["c61"][0] == v2
