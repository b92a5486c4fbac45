"""The life of one comment, in order: received, engine decision, claims, human decision,
overturns, callbacks (each attempt), and the audit entries that name it."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.review.errors import NotFound
from moderation.review.items import CodesFor, get_item, no_codes
from moderation.review.schema import ReviewClaim, ReviewUser
from moderation.review.views import History, TimelineEvent
from moderation.store import repository as repo
from moderation.store.schema import (
    AuditEntry,
    CallbackAttempt,
    CallbackDelivery,
    DecisionRow,
    utcnow,
)


def history(s: Session, submission_id: int, me: int | None,
            codes_for: CodesFor = no_codes) -> History:
    item = get_item(s, submission_id, me, codes_for)
    if item is None:
        raise NotFound("no such item")
    ev: list[TimelineEvent] = [TimelineEvent(
        at=item.received_at, event="received", actor=f"site:{item.site_id}",
        summary=f"comment {item.comment_id} received from {item.site_id}")]
    for d in s.scalars(select(DecisionRow).where(DecisionRow.submission_id == submission_id)
                       .order_by(DecisionRow.id)):
        cats = ", ".join(d.categories) or "no category"
        if d.kind == "engine":
            summary = f"engine: {d.action} ({cats}) — policy {d.policy_id}@{d.policy_version}"
            actor = "engine"
        else:
            note = next((r.get("message") for r in d.reasons if r.get("message")), "")
            verb = "overturned to" if d.kind.startswith("overturn") else "decided"
            summary = f"{d.decided_by} {verb} {d.action} ({cats})" + (f": {note}" if note else "")
            actor = d.decided_by
        ev.append(TimelineEvent(at=d.decided_at, event=f"decision.{d.kind.split('-')[0]}",
                                actor=actor, summary=summary,
                                details={"decision_id": d.id, "kind": d.kind,
                                         "action": d.action, "categories": d.categories,
                                         "reasons": d.reasons}))
    now = utcnow()
    for c, name in s.execute(select(ReviewClaim, ReviewUser.name)
                             .join(ReviewUser, ReviewUser.id == ReviewClaim.user_id)
                             .where(ReviewClaim.submission_id == submission_id)
                             .order_by(ReviewClaim.id)):
        ev.append(TimelineEvent(at=c.claimed_at, event="claim", actor=name,
                                summary=f"claimed by {name} until {c.lease_until:%H:%M:%S} UTC",
                                details={"lease_until": c.lease_until.isoformat()}))
        ended, ended_at = c.ended, c.ended_at
        if ended is None and c.lease_until < now:
            ended, ended_at = "expired", c.lease_until
        if ended is not None and ended_at is not None and ended != "decided":
            ev.append(TimelineEvent(at=ended_at, event=f"claim.{ended}", actor=name,
                                    summary=f"claim by {name} {ended}"))
    for d in s.scalars(select(CallbackDelivery)
                       .where(CallbackDelivery.submission_id == submission_id)
                       .order_by(CallbackDelivery.id)):
        try:
            action = json.loads(d.body).get("action")
        except ValueError:
            action = None
        ev.append(TimelineEvent(at=d.created_at, event="callback.created", actor="callbacks",
                                summary=f"callback #{d.id} ({action}) to {d.url}: {d.status}",
                                details={"delivery_id": d.id, "status": d.status,
                                         "attempts": d.attempts, "action": action}))
        for a in s.scalars(select(CallbackAttempt).where(CallbackAttempt.delivery_id == d.id)
                           .order_by(CallbackAttempt.attempt)):
            outcome = "delivered" if a.ok else (a.error or "failed")
            ev.append(TimelineEvent(at=a.started_at, event="callback.attempt",
                                    actor="callbacks",
                                    summary=f"callback #{d.id} attempt {a.attempt}: {outcome}",
                                    details={"delivery_id": d.id, "ok": a.ok,
                                             "status_code": a.status_code}))
    for a in s.scalars(select(AuditEntry).where(AuditEntry.submission_id == submission_id)
                       .order_by(AuditEntry.id)):
        ev.append(TimelineEvent(at=a.at, event=f"audit.{a.event}", actor=a.actor,
                                summary=f"audit: {a.event} by {a.actor}", details=a.details))
    ev.sort(key=lambda e: e.at)
    return History(item=item, timeline=ev)


def find(s: Session, site_id: str, comment_id: str) -> int:
    sub = repo.get_submission(s, site_id, comment_id)
    if sub is None:
        raise NotFound("no such comment for this site")
    return sub.id

