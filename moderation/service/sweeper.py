"""The safety net: re-enqueue submissions whose job was lost, and callbacks that are due again.

A job can vanish (Redis flushed or restarted, worker SIGKILLed mid-job, enqueue failed after the
comment was stored). The database still says ``queued``; when such a submission is older than
``MODERATION_SWEEP_STALE_S``, holds no live processing lease and no job waiting in Redis will
see it (a queued drain job sees every claimable submission), it is enqueued again. Callback
deliveries whose back-off has elapsed are enqueued the same way.
Duplicate jobs are harmless (leases + unique constraints), so several sweepers may run; in RQ
mode a short Redis lock keeps them from doing the same round twice.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from moderation.service.runtime import Runtime
from moderation.store import repository as repo

log = logging.getLogger(__name__)


@dataclass
class SweepReport:
    reenqueued: int = 0
    deliveries: int = 0
    skipped_pending: int = 0


def sweep_once(rt: Runtime, *, stale_s: float | None = None, limit: int = 1000) -> SweepReport:
    report = SweepReport()
    stale = rt.settings.sweep_stale_s if stale_s is None else stale_s
    with rt.db.reading() as s:
        candidates = [sub.id for sub in repo.stale_submissions(s, stale, limit)]
    if candidates:
        pending = rt.dispatcher.pending(candidates)
        lost = [sid for sid in candidates if sid not in pending]
        report.skipped_pending = len(pending)
        if lost:
            with rt.db.session() as s:
                repo.mark_enqueued(s, lost)
                repo.audit(s, "sweeper", "reenqueued",
                           details={"count": len(lost), "first": lost[0], "last": lost[-1]})
            rt.dispatcher.enqueue_moderation(lost, force=True)
            report.reenqueued = len(lost)
    with rt.db.reading() as s:
        due = repo.due_deliveries(s, limit)
    if due:
        rt.dispatcher.enqueue_delivery(due)
        report.deliveries = len(due)
    if report.reenqueued or report.deliveries:
        log.info("sweeper: re-enqueued %d submission(s), %d callback(s) due",
                 report.reenqueued, report.deliveries)
    return report


def _take_round(rt: Runtime, interval_s: float) -> bool:
    if rt.redis is None:
        return True
    key = f"{rt.settings.queue_name}:sweeper-lock"
    return bool(rt.redis.set(key, "1", nx=True, px=max(100, int(interval_s * 900))))


def run_forever(rt: Runtime, stop: threading.Event) -> None:
    interval = rt.settings.sweep_interval_s
    while not stop.wait(interval):
        try:
            if _take_round(rt, interval):
                sweep_once(rt)
        except Exception as exc:  # database or Redis down: try again next round
            log.warning("sweeper round failed: %s", exc)


def start_thread(rt: Runtime) -> tuple[threading.Thread, threading.Event]:
    stop = threading.Event()
    t = threading.Thread(target=run_forever, args=(rt, stop), name="moderation-sweeper",
                         daemon=True)
    t.start()
    return t, stop
