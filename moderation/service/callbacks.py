"""Signed POSTs that tell the CMS the outcome of a comment, with retries and a record of each try.

The body is frozen when the decision is stored, so every attempt (and any duplicate delivery a
crash could cause) carries the same content; ``X-Moderation-Delivery`` lets the CMS de-duplicate.
The signature uses the site's current secret at send time (same scheme as the webhook).
Delivery is at-least-once: a process killed between a successful POST and recording it sends the
same body again (same ``X-Moderation-Delivery``) after the lease expires; nothing else does.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from moderation.service import signing
from moderation.store import batches
from moderation.store import repository as repo
from moderation.store.batches import AttemptResult, Due
from moderation.store.schema import DecisionRow, Submission, utcnow

if TYPE_CHECKING:
    from moderation.service.runtime import Runtime

log = logging.getLogger(__name__)

DELIVERY_HEADER = "X-Moderation-Delivery"
T = TypeVar("T")


def build_body(sub: Submission, row: DecisionRow) -> str:
    return json.dumps(
        {
            "site_id": sub.site_id,
            "comment_id": sub.comment_id,
            "action": row.action,
            "categories": row.categories,
            "reasons": row.reasons,
            "policy_id": row.policy_id,
            "policy_version": row.policy_version,
            "engine_version": row.engine_version,
            "decided_at": row.decided_at.isoformat(),
            "text_sha256": sub.text_sha256,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def deliver(rt: Runtime, delivery_id: int) -> str:
    """One attempt, if this process can take the delivery's lease. Returns the new status."""
    st = rt.settings
    with rt.db.session() as s:
        d = repo.claim_delivery(s, delivery_id, lease_s=st.callback_timeout_s + 30)
        if d is None:
            return "skipped"
        url, body, site_id = d.url, d.body, d.site_id
    return attempt(rt, delivery_id, url, body, site_id)


def attempt(rt: Runtime, delivery_id: int, url: str, body_text: str, site_id: str) -> str:
    """POST once (the caller holds the delivery's lease) and record the attempt."""
    return attempt_many(rt, [Due(delivery_id, url, body_text, site_id)])[delivery_id]


def post_once(rt: Runtime, delivery_id: int, url: str, body_text: str,
              site_id: str) -> AttemptResult:
    """The signed POST of one attempt, not yet recorded."""
    site = rt.site(site_id)
    secrets = list(site.secrets[:1]) if site is not None else []
    body = body_text.encode("utf-8")
    started = utcnow()
    t0 = time.perf_counter()
    status_code: int | None = None
    error: str | None = None
    try:
        status_code = rt.poster().post(url, body, {
            "Content-Type": "application/json",
            signing.HEADER: signing.sign(secrets, body),
            DELIVERY_HEADER: str(delivery_id),
        })
        if not 200 <= status_code < 300:
            error = f"HTTP {status_code}"
    except Exception as exc:  # connection refused, timeout, bad URL...
        error = f"{type(exc).__name__}: {exc}"[:500]
    return AttemptResult(delivery_id, started, (time.perf_counter() - t0) * 1000,
                         error is None, status_code, error)


def attempt_many(rt: Runtime, leased: list[Due], budget_s: float | None = None) -> dict[int, str]:
    """POST many leased deliveries concurrently (a few threads, kept-alive connections), then
    record every attempt in one transaction. Returns delivery id -> new status.

    A slow CMS must not hold a worker past its job timeout: POSTs not started within
    ``budget_s`` (default a third of ``MODERATION_JOB_TIMEOUT_S``) are not sent; their leases
    are released, so they are due at once for the next claim (or the sweeper).
    """
    from concurrent.futures import wait

    from moderation.service import metrics

    if not leased:
        return {}
    budget = rt.settings.job_timeout_s / 3 if budget_s is None else budget_s
    if len(leased) == 1:
        results = [post_once(rt, leased[0].id, leased[0].url, leased[0].body, leased[0].site_id)]
    else:
        pool = rt.callback_pool()
        futures = [pool.submit(post_once, rt, d.id, d.url, d.body, d.site_id) for d in leased]
        _, late = wait(futures, timeout=budget)
        for f in late:
            f.cancel()  # only those not started yet; running ones end within the HTTP timeout
        results = [f.result() for f in futures if not f.cancelled()]
        unsent = [d.id for d, f in zip(leased, futures, strict=True) if f.cancelled()]
        if unsent:
            log.warning("%d callback(s) not sent within %.1f s, released for later",
                        len(unsent), budget)
            _insist(rt, "releasing callbacks", lambda s: batches.release_deliveries(s, unsent))
    statuses = _insist(rt, "recording callback attempts", lambda s: batches.record_attempts(
        s, results, max_attempts=rt.settings.callback_max_attempts,
        backoff_s=rt.settings.callback_backoff_s,
        backoff_max_s=rt.settings.callback_backoff_max_s))
    for r in results:
        metrics.observe_callback(statuses[r.delivery_id], r.ok, r.duration_ms / 1000)
        if r.error:
            log.info("callback %s attempt failed: %s (now %s)", r.delivery_id, r.error,
                     statuses[r.delivery_id])
    return statuses


RECORD_RETRIES = (0.1, 0.3, 1.0, 3.0)


def _insist(rt: Runtime, what: str, fn: Callable[[Any], T]) -> T:
    """Run ``fn(session)`` in a transaction, retrying: losing the record of a successful POST
    would send the same callback again once the lease expires."""
    for pause in (*RECORD_RETRIES, None):
        try:
            with rt.db.session() as s:
                return fn(s)
        except Exception as exc:
            if pause is None:
                raise
            log.warning("%s failed, retrying: %s", what, exc)
            time.sleep(pause)
    raise AssertionError("unreachable")
