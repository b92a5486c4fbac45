"""Reading the queue: which comments wait for a person, and everything a moderator needs to see.

The queue is ``submissions.status == 'in_review'`` (the engine said ``review``). Ordering by score
is done in Python over the filtered set: scores live in a JSON column whose max is not portable
SQL, and a review queue is thousands of rows, not millions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import Session

from moderation.review.context import contexts
from moderation.review.schema import ReviewLease, ReviewUser
from moderation.review.suggest import suggested_reason
from moderation.review.views import (
    ArticleView,
    ClaimView,
    EngineView,
    HumanView,
    ItemView,
    QueuePage,
    ReasonCode,
    Segment,
    ThreadContext,
)
from moderation.store.schema import DecisionRow, Submission, utcnow

IN_REVIEW = "in_review"
ORDERS = ("oldest", "score")
CATEGORY_RE = re.compile(r"^[a-z][a-z0-9_]*$")

#: policy_id -> the reason codes a moderator may give (the policy's categories)
CodesFor = Callable[[str], list[ReasonCode]]


def no_codes(_: str) -> list[ReasonCode]:
    return []


# ---------------------------------------------------------------- text with evidence


def segments(text: str, reasons: Iterable[dict[str, Any]]) -> list[Segment]:
    """Split the original text at evidence boundaries; each piece lists the categories covering it.

    Spans index the original text (Python code points). Spans that do not match the text are
    ignored rather than trusted. The page builds text nodes from these pieces, so it never has
    to convert offsets (JavaScript strings count UTF-16 units) nor parse comment text as HTML.
    """
    spans: list[tuple[int, int, str]] = []
    source_of: dict[str, set[str]] = {}
    for r in reasons:
        for e in r.get("evidence") or []:
            try:
                start, end = int(e["start"]), int(e["end"])
            except (KeyError, TypeError, ValueError):
                continue
            if 0 <= start < end <= len(text) and text[start:end] == e.get("text", text[start:end]):
                spans.append((start, end, str(r.get("category", ""))))
                source_of.setdefault(f"{start}:{end}:{r.get('category', '')}", set()).add(
                    str(r.get("source") or "rule"))
    if not spans:
        return [Segment(text=text)] if text else []
    cuts = sorted({0, len(text)} | {s for s, _, _ in spans} | {e for _, e, _ in spans})
    out: list[Segment] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        covering = [(s, e, c) for s, e, c in spans if s <= a and b <= e]
        cats = sorted({c for _, _, c in covering})
        srcs = sorted({x for s, e, c in covering for x in source_of[f"{s}:{e}:{c}"]})
        if out and out[-1].categories == cats and out[-1].sources == srcs:
            out[-1] = Segment(text=out[-1].text + text[a:b], categories=cats, sources=srcs)
        else:
            out.append(Segment(text=text[a:b], categories=cats, sources=srcs))
    return out


def safe_url(url: str | None) -> str | None:
    """Only http(s) links reach the page (no ``javascript:`` from a CMS payload)."""
    if not url:
        return None
    return url if re.match(r"^https?://", url, re.IGNORECASE) else None


def max_score(scores: dict[str, Any] | None) -> float:
    values = [float(v) for v in (scores or {}).values() if isinstance(v, int | float)]
    return max(values) if values else 0.0


def item_score(row: DecisionRow | None) -> float | None:
    """The strongest model signal (max of the scores); None for a rules-only decision."""
    if row is None or not row.scores:
        return None
    return max_score(row.scores)


def score_label(row: DecisionRow | None) -> str | None:
    """Which label ``item_score`` is (the page shows "toxicity 0.83", not a bare "score")."""
    scores = {k: float(v) for k, v in ((row.scores if row else None) or {}).items()
              if isinstance(v, int | float)}
    return max(scores, key=lambda k: scores[k]) if scores else None


# ---------------------------------------------------------------- views


@dataclass
class LeaseInfo:
    user_id: int
    name: str
    lease_until: datetime


def live_leases(s: Session, ids: list[int]) -> dict[int, LeaseInfo]:
    if not ids:
        return {}
    now = utcnow()
    rows = s.execute(
        select(ReviewLease.submission_id, ReviewLease.user_id, ReviewUser.name,
               ReviewLease.lease_until)
        .join(ReviewUser, ReviewUser.id == ReviewLease.user_id)
        .where(ReviewLease.submission_id.in_(ids), ReviewLease.lease_until >= now)
    )
    return {sid: LeaseInfo(uid, name, until) for sid, uid, name, until in rows}


def final_decision(s: Session, submission_id: int) -> DecisionRow | None:
    """The decision in force: the latest final one (engine, human or overturn)."""
    return s.scalars(
        select(DecisionRow)
        .where(DecisionRow.submission_id == submission_id, DecisionRow.final.is_(True))
        .order_by(DecisionRow.id.desc())
        .limit(1)
    ).first()


def engine_decision(s: Session, submission_id: int) -> DecisionRow | None:
    return s.scalars(
        select(DecisionRow).where(DecisionRow.submission_id == submission_id,
                                  DecisionRow.kind == "engine")
    ).first()


def human_view(row: DecisionRow) -> HumanView:
    note = next((r.get("message") for r in row.reasons or [] if r.get("source") == "moderator"),
                None)
    return HumanView(kind=row.kind, action=row.action, category=row.category, note=note or None,
                     by=row.decided_by, decided_at=row.decided_at)


def item_view(
    sub: Submission,
    engine: DecisionRow | None,
    lease: LeaseInfo | None,
    me: int | None,
    codes_for: CodesFor = no_codes,
    final: DecisionRow | None = None,
    context: ThreadContext | None = None,
) -> ItemView:
    now = utcnow()
    reasons = list(engine.reasons) if engine else []
    article = None
    if sub.article:
        article = ArticleView(id=sub.article.get("id"), title=sub.article.get("title"),
                              url=safe_url(sub.article.get("url")))
    codes = codes_for(engine.policy_id) if engine else []
    known = {c.code for c in codes}
    codes += [ReasonCode(code=c, description="(engine category)")
              for c in (engine.categories if engine else []) if c not in known]
    return ItemView(
        submission_id=sub.id,
        site_id=sub.site_id,
        comment_id=sub.comment_id,
        status=sub.status,
        text=sub.text,
        segments=segments(sub.text, reasons),
        article=article,
        author_id=sub.author_id,
        parent_id=sub.parent_id,
        submitted_at=sub.submitted_at,
        received_at=sub.received_at,
        age_s=max(0.0, (now - sub.received_at).total_seconds()),
        score=item_score(engine),
        score_label=score_label(engine),
        engine=EngineView(
            action=engine.action, categories=engine.categories, reasons=reasons,
            scores=engine.scores, policy_id=engine.policy_id,
            policy_version=engine.policy_version, scorer=engine.scorer,
            decided_at=engine.decided_at,
        ) if engine else None,
        claim=ClaimView(submission_id=sub.id, by=lease.name, lease_until=lease.lease_until,
                        mine=lease.user_id == me) if lease else None,
        final=human_view(final) if final is not None and final.kind != "engine" else None,
        reason_codes=codes,
        suggested_reason=suggested_reason(reasons, engine.scores if engine else None, codes),
        context=context,
    )


def get_item(s: Session, submission_id: int, me: int | None,
             codes_for: CodesFor = no_codes) -> ItemView | None:
    sub = s.get(Submission, submission_id)
    if sub is None:
        return None
    lease = live_leases(s, [sub.id]).get(sub.id)
    return item_view(sub, engine_decision(s, sub.id), lease, me, codes_for,
                     final_decision(s, sub.id), contexts(s, [sub]).get(sub.id))


# ---------------------------------------------------------------- the queue


@dataclass(frozen=True)
class QueueFilter:
    site: str | None = None
    category: str | None = None
    min_age_s: float | None = None
    max_age_s: float | None = None
    available: bool = False  # hide items someone else holds
    order: str = "oldest"
    limit: int = 50
    offset: int = 0


def list_queue(s: Session, f: QueueFilter, me: int | None,
               codes_for: CodesFor = no_codes) -> QueuePage:
    now = utcnow()
    q = (
        select(Submission, DecisionRow)
        .join(DecisionRow, (DecisionRow.submission_id == Submission.id)
              & (DecisionRow.kind == "engine"))
        .where(Submission.status == IN_REVIEW)
    )
    if f.site:
        q = q.where(Submission.site_id == f.site)
    if f.category:
        if not CATEGORY_RE.match(f.category):
            return QueuePage(total=0, offset=f.offset, limit=f.limit, order=f.order, items=[])
        # categories is a JSON list of lower_snake names: a quoted match is exact
        q = q.where(cast(DecisionRow.categories, String).like(f'%"{f.category}"%'))
    if f.min_age_s is not None:
        q = q.where(Submission.received_at <= now - timedelta(seconds=f.min_age_s))
    if f.max_age_s is not None:
        q = q.where(Submission.received_at >= now - timedelta(seconds=f.max_age_s))
    if f.available:
        held = (select(ReviewLease.submission_id)
                .where(ReviewLease.lease_until >= now)
                .where(ReviewLease.user_id != (me if me is not None else -1)))
        q = q.where(Submission.id.not_in(held))
    if f.order == "score":
        # rank on three small columns only, then load the page's rows
        ranked = list(s.execute(q.with_only_columns(Submission.id, Submission.received_at,
                                                    DecisionRow.scores)))
        ranked.sort(key=lambda r: (-max_score(r[2]), r[1], r[0]))
        total = len(ranked)
        wanted = [r[0] for r in ranked[f.offset:f.offset + f.limit]]
        found = {sub.id: (sub, row) for sub, row in s.execute(q.where(Submission.id.in_(wanted)))}
        page = [found[i] for i in wanted if i in found]
    else:
        total = int(s.scalar(select(func.count()).select_from(q.subquery())) or 0)
        page = list(s.execute(q.order_by(Submission.received_at, Submission.id)
                              .offset(f.offset).limit(f.limit)))
    leases = live_leases(s, [sub.id for sub, _ in page])
    cache: dict[str, list[ReasonCode]] = {}

    def cached(pid: str) -> list[ReasonCode]:
        if pid not in cache:
            cache[pid] = codes_for(pid)
        return list(cache[pid])

    ctx = contexts(s, [sub for sub, _ in page])
    items = [item_view(sub, row, leases.get(sub.id), me, cached, context=ctx.get(sub.id))
             for sub, row in page]
    return QueuePage(total=total, offset=f.offset, limit=f.limit, order=f.order, items=items)
