"""Human decisions: final verdicts on reviewed comments, and explicit overturns of final ones.

A decision is one transaction: the submission moves ``in_review -> decided`` with a conditional
update (so two moderators, or a moderator and a retried request, can never both decide), a
``decisions`` row of kind ``human`` is stored, its callback delivery is created with a frozen body,
the claim ends and the audit log records who, when, what, before and after. The callback is then
handed to the service's dispatcher (RQ job or inline thread); if that hand-off is lost, the
service's sweeper sends it once its first-attempt time has passed.

Changing a final decision (human or engine) is an *overturn*: a new ``decisions`` row of kind
``overturn-<n>``, a note saying why, an audit entry, and a new callback carrying the new outcome.
Nothing is ever updated in place.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from moderation.review import claims
from moderation.review.accounts import Principal
from moderation.review.errors import Conflict, Invalid, NotFound, ReviewError
from moderation.review.items import IN_REVIEW, CodesFor, engine_decision, final_decision
from moderation.review.schema import ReviewLease
from moderation.review.views import DecisionResult, ReasonCode
from moderation.service import callbacks
from moderation.store import repository as repo
from moderation.store.schema import CallbackDelivery, DecisionRow, Site, Submission, utcnow

if TYPE_CHECKING:
    from moderation.service.runtime import Runtime

log = logging.getLogger(__name__)

HUMAN_ACTIONS = ("approve", "reject")
NOTE_MAX = 2000


def reason_codes(registry: Any) -> CodesFor:
    """policy_id -> its enabled categories, from the service's policy registry."""

    def codes_for(policy_id: str) -> list[ReasonCode]:
        try:
            policy = registry.policy(policy_id)
            cats = getattr(policy, "categories", None) or {}
        except Exception:  # an unknown or broken policy: fall back to the engine's categories
            log.warning("reason codes: policy %r does not load", policy_id)
            return []
        out = []
        for name, c in cats.items():
            if not getattr(c, "enabled", True):
                continue
            model = getattr(c, "model", None)
            out.append(ReasonCode(code=name, description=_short(getattr(c, "description", "")
                                                                or ""),
                                  labels=list(getattr(model, "labels", None) or []),
                                  review_at=getattr(model, "review_at", None)))
        return out

    return codes_for


def _short(text: str, limit: int = 100) -> str:
    """The first sentence of a category description: enough for a drop-down."""
    first = " ".join(text.split()).split(". ")[0].rstrip(".")
    return first if len(first) <= limit else first[: limit - 1].rstrip() + "…"


def _check(action: str, reason: str | None, note: str | None, allowed: set[str],
           *, reason_required: bool) -> None:
    if action not in HUMAN_ACTIONS:
        raise Invalid("action must be approve or reject", field="action")
    if reason is None and reason_required:
        raise Invalid("a reason code is required", field="reason")
    if reason is not None and reason not in allowed:
        raise Invalid(f"unknown reason code {reason!r} for this comment's policy; one of: "
                      + ", ".join(sorted(allowed)), field="reason")
    if note is not None and len(note) > NOTE_MAX:
        raise Invalid(f"note longer than {NOTE_MAX} characters", field="note")


def _allowed(engine: DecisionRow | None, codes_for: CodesFor) -> set[str]:
    if engine is None:
        return set()
    return {c.code for c in codes_for(engine.policy_id)} | set(engine.categories)


def _callback_body(sub: Submission, row: DecisionRow, previous: DecisionRow | None) -> str:
    body = json.loads(callbacks.build_body(sub, row))
    body["decided_by"] = "overturn" if row.kind.startswith("overturn") else "moderator"
    if previous is not None:
        body["overturns"] = {"action": previous.action,
                             "decided_at": previous.decided_at.isoformat()}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def _store(s: Session, sub: Submission, engine: DecisionRow | None, kind: str, action: str,
           reason: str | None, note: str | None, user: Principal,
           previous: DecisionRow | None, first_attempt_delay_s: float) -> tuple[DecisionRow,
                                                                                int | None]:
    now = utcnow()
    row = DecisionRow(
        submission_id=sub.id, kind=kind, action=action, final=True,
        category=reason, categories=[reason] if reason else [],
        reasons=[{"category": reason, "source": "moderator", "action": action,
                  "message": note or "", "moderator": user.name}],
        scores=dict(engine.scores) if engine else {},
        policy_id=engine.policy_id if engine else "",
        policy_version=engine.policy_version if engine else "",
        engine_version=engine.engine_version if engine else "",
        scorer=engine.scorer if engine else None,
        engine_ms=0.0,
        queue_ms=(now - sub.received_at).total_seconds() * 1000.0,  # time to a human verdict
        decided_by=user.name, decided_at=now,
    )
    s.add(row)
    s.flush()
    site = s.get(Site, sub.site_id)
    delivery_id = None
    if site is not None and site.callback_url:
        d = CallbackDelivery(
            submission_id=sub.id, decision_id=row.id, site_id=sub.site_id,
            url=site.callback_url, body=_callback_body(sub, row, previous), status="pending",
            attempts=0, next_attempt_at=now + timedelta(seconds=first_attempt_delay_s),
            created_at=now,
        )
        s.add(d)
        s.flush()
        delivery_id = d.id
    return row, delivery_id


def _summary(row: DecisionRow | None, status: str) -> dict[str, Any]:
    if row is None:
        return {"status": status}
    return {"status": status, "kind": row.kind, "action": row.action,
            "categories": row.categories, "decided_by": row.decided_by,
            "decision_id": row.id}


def decide(s: Session, submission_id: int, user: Principal, action: str,
           reason: str | None = None, note: str | None = None, *,
           codes_for: CodesFor, first_attempt_delay_s: float = 10.0) -> DecisionResult:
    """The final verdict on a comment waiting for review (caller commits, then dispatches)."""
    sub = s.get(Submission, submission_id)
    if sub is None:
        raise NotFound("no such item")
    engine = engine_decision(s, sub.id)
    if sub.status != IN_REVIEW:
        current = final_decision(s, sub.id)
        raise Conflict("already decided; change it with an overturn", code="already_decided",
                       decided=_summary(current, sub.status))
    note = (note or "").strip() or None
    if reason is None and action == "approve" and engine is not None and engine.categories:
        reason = engine.categories[0]  # approving = "the flagged category does not apply"
    _check(action, reason, note, _allowed(engine, codes_for), reason_required=action == "reject")
    now = utcnow()
    lease = s.get(ReviewLease, sub.id, populate_existing=True)
    if lease is not None and lease.user_id != user.id and lease.lease_until >= now:
        raise claims.holder_conflict(s, lease)
    moved = s.execute(
        update(Submission)
        .where(Submission.id == sub.id, Submission.status == IN_REVIEW)
        .values(status="decided", decided_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        raise Conflict("already decided; change it with an overturn", code="already_decided")
    row, delivery_id = _store(s, sub, engine, "human", action, reason, note, user, None,
                              first_attempt_delay_s)
    claims.finish(s, sub.id)
    repo.audit(s, user.actor, "review_decided", site_id=sub.site_id, submission_id=sub.id,
               details={"before": _summary(engine, IN_REVIEW),
                        "after": {**_summary(row, "decided"), "note": note},
                        "callback_delivery_id": delivery_id})
    return DecisionResult(submission_id=sub.id, ok=True, action=action, category=reason,
                          decision_id=row.id, callback_delivery_id=delivery_id)


def overturn(s: Session, submission_id: int, user: Principal, action: str,
             reason: str | None, note: str | None, *, codes_for: CodesFor,
             first_attempt_delay_s: float = 10.0) -> DecisionResult:
    """Replace a final decision with a different one: new row, new callback, audited."""
    sub = s.get(Submission, submission_id)
    if sub is None:
        raise NotFound("no such item")
    current = final_decision(s, sub.id)
    if current is None or sub.status != "decided":
        raise Conflict("this comment has no final decision to overturn; decide it instead",
                       code="not_final", item_status=sub.status)
    note = (note or "").strip() or None
    if not note:
        raise Invalid("an overturn needs a note saying why", field="note")
    engine = engine_decision(s, sub.id)
    _check(action, reason, note, _allowed(engine, codes_for), reason_required=action == "reject")
    if current.action == action:
        raise Conflict(f"the decision in force is already {action}", code="no_change",
                       decided=_summary(current, sub.status))
    n = int(s.scalar(select(func.count()).select_from(DecisionRow).where(
        DecisionRow.submission_id == sub.id, DecisionRow.kind.like("overturn-%"))) or 0) + 1
    row, delivery_id = _store(s, sub, engine, f"overturn-{n}", action, reason, note, user,
                              current, first_attempt_delay_s)
    s.execute(update(Submission).where(Submission.id == sub.id)
              .values(decided_at=row.decided_at).execution_options(synchronize_session=False))
    repo.audit(s, user.actor, "review_overturned", site_id=sub.site_id, submission_id=sub.id,
               details={"before": _summary(current, "decided"),
                        "after": {**_summary(row, "decided"), "note": note},
                        "callback_delivery_id": delivery_id})
    return DecisionResult(submission_id=sub.id, ok=True, action=action, category=reason,
                          decision_id=row.id, callback_delivery_id=delivery_id)


# ---------------------------------------------------------------- with the runtime


def _first_delay(rt: Runtime) -> float:
    # same rule as the engine's decisions: keep the sweeper off a delivery we send right now
    return max(10.0, rt.settings.callback_timeout_s * 2)


def _dispatch(rt: Runtime, result: DecisionResult) -> None:
    """After commit: send the callback now and wake ``?wait`` listeners. Failures are logged
    only: the delivery is stored, and the sweeper sends it once its first-attempt time passes."""
    try:
        if result.callback_delivery_id is not None:
            rt.dispatcher.enqueue_delivery([result.callback_delivery_id])
        rt.notifier.publish(result.submission_id)
    except Exception as exc:
        log.warning("review: dispatch of delivery %s failed (the sweeper will retry): %s",
                    result.callback_delivery_id, exc)


def run(rt: Runtime, fn: Callable[..., DecisionResult], *args: Any, **kw: Any) -> DecisionResult:
    """One decision or overturn in its own transaction, then its callback."""
    with rt.db.session() as s:
        result = fn(s, *args, codes_for=reason_codes(rt.registry),
                    first_attempt_delay_s=_first_delay(rt), **kw)
    _dispatch(rt, result)
    return result


def decide_many(rt: Runtime, ids: list[int], user: Principal, action: str,
                reason: str | None, note: str | None) -> list[DecisionResult]:
    """Bulk: each comment in its own transaction, so one conflict does not undo the others."""
    out: list[DecisionResult] = []
    for sid in dict.fromkeys(ids):
        try:
            out.append(run(rt, decide, sid, user, action, reason, note))
        except ReviewError as exc:
            out.append(DecisionResult(submission_id=sid, ok=False, error={
                "code": exc.code, "reason": exc.reason, **({"field": exc.field}
                                                          if exc.field else {}), **exc.extra}))
    return out
