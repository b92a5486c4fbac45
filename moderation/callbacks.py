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
from typing import TYPE_CHECKING, Any

from moderation import signing
from moderation.store import repository as repo
from moderation.store.schema import DecisionRow, Submission, utcnow

if TYPE_CHECKING:
    from moderation.runtime import Runtime

log = logging.getLogger(__name__)

DELIVERY_HEADER = "X-Moderation-Delivery"


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
    from moderation import metrics

    site = rt.site(site_id)
    secrets = list(site.secrets[:1]) if site is not None else []
    body = body_text.encode("utf-8")
    started = utcnow()
    t0 = time.perf_counter()
    status_code: int | None = None
    error: str | None = None
    try:
        resp = rt.http().post(
            url,
            content=body,
            headers={
                "Content-Type": "application/json",
                signing.HEADER: signing.sign(secrets, body),
                DELIVERY_HEADER: str(delivery_id),
            },
        )
        status_code = resp.status_code
        if not 200 <= status_code < 300:
            error = f"HTTP {status_code}"
    except Exception as exc:  # connection refused, timeout, bad URL...
        error = f"{type(exc).__name__}: {exc}"[:500]
    duration_ms = (time.perf_counter() - t0) * 1000
    new_status = _record(rt, delivery_id, started_at=started, duration_ms=duration_ms,
                         ok=error is None, status_code=status_code, error=error)
    metrics.observe_callback(new_status, error is None, duration_ms / 1000)
    if error:
        log.info("callback %s attempt failed: %s (now %s)", delivery_id, error, new_status)
    return new_status


RECORD_RETRIES = (0.1, 0.3, 1.0, 3.0)


def _record(rt: Runtime, delivery_id: int, **attempt: Any) -> str:
    """Store the outcome of a POST that already happened, insisting: losing a success here
    would send the same callback again once the lease expires."""
    st = rt.settings
    for pause in (*RECORD_RETRIES, None):
        try:
            with rt.db.session() as s:
                return repo.record_attempt(
                    s, delivery_id, max_attempts=st.callback_max_attempts,
                    backoff_s=st.callback_backoff_s, backoff_max_s=st.callback_backoff_max_s,
                    **attempt,
                )
        except Exception as exc:
            if pause is None:
                raise
            log.warning("recording callback %s attempt failed, retrying: %s", delivery_id, exc)
            time.sleep(pause)
    raise AssertionError("unreachable")
