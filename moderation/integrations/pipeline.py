"""Store a comment like any webhook submission and decide it now, for protocols that answer
synchronously (Coral gives the call ~200 ms; Perspective and Akismet clients wait for the verdict).

The steps are the service's own (``record_submission``, ``processing.decide``,
``save_engine_decision``, the callback body and attempt), run in the request instead of a queued
job, with one difference: the engine judges the *plain text* of an HTML body while the submission
keeps the body exactly as received; evidence spans are mapped back onto it. If this process dies
between the two commits, the sweeper re-enqueues the submission and a worker decides it (on the
stored body as is).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, cast

from moderation.integrations.html_text import PlainText
from moderation.models import Comment, Decision, Reason
from moderation.service import callbacks, metrics, processing
from moderation.service.runtime import Runtime
from moderation.store import batches
from moderation.store import repository as repo
from moderation.store.schema import DecisionRow, Submission

log = logging.getLogger(__name__)


class NotStored(Exception):
    """The store refused or could not be reached: nothing was kept, the caller answers 503."""


@dataclass
class Verdict:
    """What an integration answers from: the decision (None while another request for the same
    comment is still deciding it), and where it is stored."""

    decision: Decision | None
    submission_id: int | None
    duplicate: bool = False


def decision_from_row(row: DecisionRow) -> Decision:
    return Decision(
        action=row.action,  # type: ignore[arg-type]
        reasons=[Reason.model_validate(r) for r in row.reasons],
        scores=dict(row.scores),
        policy_id=row.policy_id,
        policy_version=row.policy_version,
        engine_version=row.engine_version,
        scorer=row.scorer,
        elapsed_ms=row.engine_ms,
    )


def map_evidence(decision: Decision, plain: PlainText, original: str) -> Decision:
    """Point evidence found in the plain text at the original body (``text == original[s:e]``)."""
    if plain.offsets is None:
        return decision
    for reason in decision.reasons:
        for ev in reason.evidence:
            start, end = plain.span_in_original(ev.start, ev.end)
            ev.start, ev.end, ev.text = start, end, original[start:end]
    return decision


def _view(fields: dict[str, Any], text: str) -> Submission:
    """The submission as the engine should see it: its fields, the plain text."""
    return cast(Submission, SimpleNamespace(**{**fields, "text": text}))


def _stored_verdict(rt: Runtime, submission_id: int, duplicate: bool) -> Verdict:
    with rt.db.session() as s:
        row = repo.get_decision(s, submission_id)
        decision = decision_from_row(row) if row is not None else None
    return Verdict(decision, submission_id, duplicate)


def _now(fn: Callable[[], Any]) -> None:
    fn()


def store_and_decide(rt: Runtime, site: Any, fields: dict[str, Any], plain: PlainText,
                     background: Callable[[Callable[[], Any]], Any] = _now) -> Verdict:
    """Record the submission (committed before anything else), decide it, store the decision.

    ``site`` needs ``policy_id`` and ``callback_url``. Two transactions, not the job's three:
    the submission is created already leased to this request (a worker draining the queue
    leaves it alone); if this process dies in between, the lease expires and the sweeper has a
    worker decide it. A repeat of a stored comment returns the first decision and
    never makes a second one. The site's callback, if it has one, is attempted through
    ``background`` (the API passes a thread pool so the answer never waits on the CMS); a failed
    attempt is retried by the sweeper like any other.
    """
    try:
        sub, created = repo.record_submission(rt.db, fields,
                                              lease_s=float(rt.settings.job_timeout_s))
    except Exception as exc:
        raise NotStored(type(exc).__name__) from exc
    if not created:
        return _stored_verdict(rt, sub.id, duplicate=True)
    t0 = time.perf_counter()
    decision = processing.decide(rt, site, _view(fields, plain.text))
    decision = map_evidence(decision, plain, fields["text"])
    engine_s = time.perf_counter() - t0
    saved = batches.save_engine_decision(
        rt.db, sub, decision,
        callback_url=site.callback_url,
        callback_body=lambda row: callbacks.build_body(sub, row),
        delivery_lease_s=rt.settings.callback_timeout_s + 30,
    )
    if saved.created:
        metrics.observe_decision(saved.row, engine_s)
    rt.notifier.publish(sub.id)
    if saved.delivery_id is not None and saved.created:
        # created leased to us, as in process_submission; attempted off the answer's path
        did, url, body = saved.delivery_id, saved.delivery_url or "", saved.delivery_body or ""
        background(lambda: callbacks.attempt(rt, did, url, body, sub.site_id))
    final = decision if saved.created else decision_from_row(saved.row)
    return Verdict(final, sub.id, duplicate=not saved.created)


def decide_only(rt: Runtime, policy_id: str, text: str) -> Decision:
    """A decision that is not stored (Perspective's ``doNotStore``)."""
    return rt.registry.engine(policy_id).decide(Comment(text=text))
