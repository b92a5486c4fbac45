"""RQ job functions, referenced by import path. Thin on purpose: the logic lives in
``moderation.service.processing`` and ``moderation.service.callbacks``, where tests call it
without a queue."""

from __future__ import annotations

from moderation.service import callbacks, processing, wiring


def drain() -> str:
    """Decide claimable submissions in batches (and send due callbacks) until none is left."""
    rt = wiring.current()
    d = rt.dispatcher
    # SQLite: no lingering (every look takes the database's single write lock)
    linger = processing.LINGER_S if rt.db.dialect == "postgresql" else 0.0
    report = processing.drain(rt, linger_s=linger, release=d.drain_released,
                              want_help=d.want_help)
    if not report.finished:  # out of time with work left: hand over to a fresh job
        d.kick(force=True)
    return f"{report.decided} decided, {report.callbacks} callbacks in {report.batches} batches"


def moderate(submission_id: int) -> str:
    """Decide one stored submission (idempotent; safe to run twice). Jobs queued by earlier
    versions; new submissions are taken by ``drain``."""
    return processing.process_submission(wiring.current(), submission_id).status


def deliver(delivery_id: int) -> str:
    """One callback attempt for a delivery that is due (idempotent: lease-protected)."""
    return callbacks.deliver(wiring.current(), delivery_id)
