"""``moderation worker``: N worker processes, each loading the policy and the model once.

Each worker is a fresh interpreter (``subprocess``, not ``fork``) running RQ's ``SimpleWorker``:
jobs run in the process that loaded the model, so there is no fork after a model load (which can
deadlock) and no per-job fork cost (RQ's forking ``Worker`` manages ~50 trivial jobs/s per core,
``SimpleWorker`` several times that). The cost: a job that hangs past its timeout is interrupted
by SIGALRM inside the process instead of a killed work-horse, and a crashed process is restarted
by this launcher. The launcher itself loads no model; it runs the sweeper.

Each worker starts its own process group: RQ runs its scheduler in a child of the worker, which
outlives a worker killed with SIGKILL (or by the OOM killer). The launcher ends what is left of a
dead worker's group before starting its replacement, so no orphaned scheduler piles up.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time

from moderation.config import Settings

log = logging.getLogger(__name__)


def run_one(burst: bool = False, policies: tuple[str, ...] = ()) -> None:
    """Body of one worker process: build the runtime, warm the engines, work."""
    from rq import Queue, SimpleWorker

    from moderation.service import wiring
    from moderation.store import migrate
    from moderation.store import repository as repo

    rt = wiring.activate(wiring.build_runtime())
    if rt.redis is None:
        raise SystemExit("moderation worker needs MODERATION_REDIS_URL (inline mode has none)")
    migrate.upgrade(rt.db.engine)
    with rt.db.session() as s:
        wanted = set(policies) or {site.policy_id for site in repo.list_sites(s)} or {"default"}
    rt.registry.warm(sorted(wanted))
    log.info("worker %s ready (policies: %s)", os.getpid(), ", ".join(sorted(wanted)))
    queue = Queue(rt.settings.queue_name, connection=rt.redis)
    worker = SimpleWorker([queue], connection=rt.redis)
    worker.work(burst=burst, with_scheduler=True, logging_level="WARNING")


def launch(processes: int, *, sweeper: bool = True, settings: Settings | None = None) -> int:
    """Start and babysit ``processes`` workers until SIGINT/SIGTERM; returns an exit code."""
    from moderation.service import sweeper as sweeper_mod
    from moderation.service import wiring

    settings = settings or Settings.from_env()
    cmd = [sys.executable, "-c", "from workers.launcher import run_one; run_one()"]
    env = {**os.environ, **settings.to_env()}
    children: list[subprocess.Popen[bytes]] = [_start(cmd, env) for _ in range(processes)]
    stop = threading.Event()

    def _stop(signum: int, _frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    sweep_stop = None
    if sweeper:
        rt = wiring.activate(wiring.build_runtime(settings))
        _, sweep_stop = sweeper_mod.start_thread(rt)
    try:
        while not stop.wait(1.0):
            for i, child in enumerate(children):
                if child.poll() is not None:
                    log.warning("worker %s exited with %s; restarting", child.pid,
                                child.returncode)
                    _end_group(child)
                    time.sleep(0.5)
                    children[i] = _start(cmd, env)
    finally:
        if sweep_stop is not None:
            sweep_stop.set()
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)  # RQ: warm shutdown, finish the current job
        deadline = time.monotonic() + 30
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
            _end_group(child)
    return 0


def _start(cmd: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    """One worker process, leading its own process group (its scheduler child joins it)."""
    return subprocess.Popen(cmd, env=env, start_new_session=True)


def _end_group(child: subprocess.Popen[bytes]) -> None:
    """Kill whatever a dead worker left in its process group (RQ's scheduler process)."""
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass  # nothing left
