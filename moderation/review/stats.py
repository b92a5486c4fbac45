"""Queue statistics: size, oldest age, what is claimed, and who decided how much per day (UTC)."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moderation.review.accounts import Principal
from moderation.review.items import IN_REVIEW
from moderation.review.schema import ReviewLease
from moderation.review.views import ModeratorDay, Stats
from moderation.store.schema import DecisionRow, Submission, utcnow

MAX_DAYS = 90


def stats(s: Session, me: Principal | None, days: int = 7) -> Stats:
    days = max(1, min(int(days), MAX_DAYS))
    now = utcnow()
    in_review = Submission.status == IN_REVIEW
    size = int(s.scalar(select(func.count()).select_from(Submission).where(in_review)) or 0)
    oldest = s.scalar(select(func.min(Submission.received_at)).where(in_review))
    claimed = int(s.scalar(
        select(func.count()).select_from(ReviewLease)
        .join(Submission, Submission.id == ReviewLease.submission_id)
        .where(in_review, ReviewLease.lease_until >= now)
    ) or 0)
    by_site = {k: int(v) for k, v in s.execute(
        select(Submission.site_id, func.count()).where(in_review).group_by(Submission.site_id))}
    by_category = {(k or "none"): int(v) for k, v in s.execute(
        select(DecisionRow.category, func.count())
        .join(Submission, Submission.id == DecisionRow.submission_id)
        .where(in_review, DecisionRow.kind == "engine")
        .group_by(DecisionRow.category))}
    # human verdicts of the last N days, grouped in Python (date functions are not portable)
    start = (now - timedelta(days=days - 1)).replace(hour=0, minute=0, second=0, microsecond=0)
    rows = s.execute(
        select(DecisionRow.decided_by, DecisionRow.kind, DecisionRow.action,
               DecisionRow.decided_at)
        .where(DecisionRow.kind != "engine", DecisionRow.decided_at >= start)
    )
    table: dict[tuple[str, str], ModeratorDay] = defaultdict(lambda: ModeratorDay(
        moderator="", day=""))
    for who, kind, action, at in rows:
        key = (who or "?", at.date().isoformat())
        entry = table[key]
        entry.moderator, entry.day = key
        if kind.startswith("overturn"):
            entry.overturn += 1
        elif action == "approve":
            entry.approve += 1
        else:
            entry.reject += 1
        entry.total += 1
    today = now.date().isoformat()
    mine = table.get((me.name, today)) if me else None
    return Stats(
        queue_size=size,
        claimed=claimed,
        available=size - claimed,
        oldest_age_s=(now - oldest).total_seconds() if oldest is not None else None,
        by_site=by_site,
        by_category=by_category,
        decided_today_by_me=mine.total if mine else 0,
        decided=sorted(table.values(), key=lambda d: (d.day, d.moderator), reverse=True),
        days=days,
    )
