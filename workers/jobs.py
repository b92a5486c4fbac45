"""RQ job functions, referenced by import path. Thin on purpose: the logic lives in
``moderation.processing`` and ``moderation.callbacks``, where tests call it without a queue."""

from __future__ import annotations

from moderation import callbacks, processing, runtime


def moderate(submission_id: int) -> str:
    """Decide one stored submission (idempotent; safe to run twice)."""
    return processing.process_submission(runtime.current(), submission_id).status


def deliver(delivery_id: int) -> str:
    """One callback attempt for a delivery that is due (idempotent: lease-protected)."""
    return callbacks.deliver(runtime.current(), delivery_id)
