"""Thread context and author history for the comments a moderator looks at.

A reply makes sense only next to what it answers, and a first offence reads differently from a
tenth: for each comment, the parent comment (when the CMS sent ``parent_id`` and the parent
reached moderation too) and the same author's other comments on the same site with the
decision in force. Everything for a page of the queue is fetched in five queries, whatever its
length (the authors' recent comments through a window function, on an index).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from moderation.review.views import AuthorHistory, AuthorItem, ParentView, ThreadContext
from moderation.store.schema import DecisionRow, Submission

RECENT = 5
SNIPPET = 200
PARENT_TEXT = 1000


def _final_actions(s: Session, ids: Sequence[int]) -> dict[int, DecisionRow]:
    """submission id -> its decision in force (the latest final one)."""
    if not ids:
        return {}
    latest = (select(func.max(DecisionRow.id))
              .where(DecisionRow.submission_id.in_(ids), DecisionRow.final.is_(True))
              .group_by(DecisionRow.submission_id))
    rows = s.scalars(select(DecisionRow).where(DecisionRow.id.in_(latest)))
    return {r.submission_id: r for r in rows}


def _by(row: DecisionRow | None) -> str | None:
    if row is None:
        return None
    return "engine" if row.kind == "engine" else (row.decided_by or row.kind)


def contexts(s: Session, subs: Sequence[Submission]) -> dict[int, ThreadContext]:
    """submission id -> its parent and its author's history (None parts when not known)."""
    parent_keys = {(x.site_id, x.parent_id) for x in subs if x.parent_id}
    parents: dict[tuple[str, str], Submission] = {}
    if parent_keys:
        for p in s.scalars(select(Submission).where(
                tuple_(Submission.site_id, Submission.comment_id).in_(list(parent_keys)))):
            parents[(p.site_id, p.comment_id)] = p
    authors = {(x.site_id, x.author_id) for x in subs if x.author_id}
    recent: dict[tuple[str, str], list[Submission]] = defaultdict(list)
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    if authors:
        which = tuple_(Submission.site_id, Submission.author_id).in_(list(authors))
        rank = func.row_number().over(
            partition_by=(Submission.site_id, Submission.author_id),
            order_by=(Submission.received_at.desc(), Submission.id.desc())).label("rank")
        ranked = select(Submission.id, rank).where(which).subquery()
        keep = select(ranked.c.id).where(ranked.c.rank <= RECENT + 1)  # +1: the item itself
        for x in s.scalars(select(Submission).where(Submission.id.in_(keep))):
            recent[(x.site_id, x.author_id or "")].append(x)
        for site, author, status, n in s.execute(
                select(Submission.site_id, Submission.author_id, Submission.status, func.count())
                .where(which).group_by(Submission.site_id, Submission.author_id,
                                       Submission.status)):
            counts[(site, author)][status] += n
    finals = _final_actions(s, [p.id for p in parents.values()] + [x.id for x in subs]
                            + [x.id for xs in recent.values() for x in xs])
    rejected = _rejected_counts(s, authors)
    out: dict[int, ThreadContext] = {}
    for x in subs:
        ctx = ThreadContext()
        if x.parent_id:
            p = parents.get((x.site_id, x.parent_id))
            d = finals.get(p.id) if p else None
            ctx.parent = ParentView(comment_id=x.parent_id, known=p is not None,
                                    text=p.text[:PARENT_TEXT] if p else None,
                                    author_id=p.author_id if p else None,
                                    status=p.status if p else None,
                                    action=d.action if d else None)
        if x.author_id:
            key = (x.site_id, x.author_id)
            others = sorted((o for o in recent[key] if o.id != x.id),
                            key=lambda o: (o.received_at, o.id), reverse=True)[:RECENT]
            by_status = counts[key]
            ctx.author = AuthorHistory(
                author_id=x.author_id,
                total=max(0, sum(by_status.values()) - 1),
                rejected=rejected.get(key, 0) - (1 if _is_rejected(finals.get(x.id)) else 0),
                in_review=max(0, by_status.get("in_review", 0)
                              - (1 if x.status == "in_review" else 0)),
                recent=[_author_item(o, finals.get(o.id)) for o in others])
        out[x.id] = ctx
    return out


def _is_rejected(row: DecisionRow | None) -> bool:
    return row is not None and row.action == "reject"


def _rejected_counts(s: Session,
                     authors: set[tuple[str, str | None]]) -> dict[tuple[str, str], int]:
    """(site, author) -> how many of their comments stand rejected (the latest final decision)."""
    if not authors:
        return {}
    which = tuple_(Submission.site_id, Submission.author_id).in_(list(authors))
    latest = (select(func.max(DecisionRow.id)).join(Submission,
                                                    Submission.id == DecisionRow.submission_id)
              .where(which, DecisionRow.final.is_(True)).group_by(DecisionRow.submission_id))
    rows = s.execute(select(Submission.site_id, Submission.author_id, func.count())
                     .join(DecisionRow, DecisionRow.submission_id == Submission.id)
                     .where(DecisionRow.id.in_(latest), DecisionRow.action == "reject")
                     .group_by(Submission.site_id, Submission.author_id))
    return {(site, author): n for site, author, n in rows}


def _author_item(x: Submission, d: DecisionRow | None) -> AuthorItem:
    return AuthorItem(submission_id=x.id, comment_id=x.comment_id, text=x.text[:SNIPPET],
                      status=x.status, action=d.action if d else None,
                      category=d.category if d else None, decided_by=_by(d),
                      received_at=x.received_at)
