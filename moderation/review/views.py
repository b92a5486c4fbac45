"""What the review logic returns (and the API serialises): typed, documented in the OpenAPI."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class Segment(BaseModel):
    """A piece of the original text; ``categories`` non-empty when evidence covers it.
    Concatenating every segment's ``text`` gives the comment exactly as submitted."""

    text: str
    categories: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list,
                               description="rule and/or model: who pointed at this piece")


class ArticleView(BaseModel):
    id: str | None = None
    title: str | None = None
    url: str | None = None  # only http(s) URLs are passed on


class ClaimView(BaseModel):
    submission_id: int
    by: str
    lease_until: datetime
    mine: bool = False


class ReasonCode(BaseModel):
    code: str
    description: str = ""
    labels: list[str] = Field(default_factory=list,
                              description="model labels that flag this category")
    review_at: float | None = Field(default=None, description="the labels' review threshold")


class ParentView(BaseModel):
    """The comment this one replies to (when the CMS sent ``parent_id``)."""

    comment_id: str
    known: bool = Field(description="false: the parent never reached moderation")
    text: str | None = None
    author_id: str | None = None
    status: str | None = None
    action: str | None = Field(default=None, description="the decision in force, if any")


class AuthorItem(BaseModel):
    """One of the same author's other comments on the same site."""

    submission_id: int
    comment_id: str
    text: str = Field(description="the first 200 characters")
    status: str
    action: str | None = None
    category: str | None = None
    decided_by: str | None = Field(default=None, description="engine, a moderator's name, ...")
    received_at: datetime


class AuthorHistory(BaseModel):
    """Counts cover the author's latest 50 other comments on this site (``more``: there are
    older ones, not counted)."""

    author_id: str
    total: int = Field(description="the author's other comments on this site (at most 50)")
    more: bool = False
    rejected: int
    in_review: int
    recent: list[AuthorItem] = Field(description="newest first, at most 5")


class ThreadContext(BaseModel):
    parent: ParentView | None = None
    author: AuthorHistory | None = None


class EngineView(BaseModel):
    action: str
    categories: list[str]
    reasons: list[dict[str, Any]]
    scores: dict[str, float]
    policy_id: str
    policy_version: str
    scorer: str | None = None
    decided_at: datetime


class HumanView(BaseModel):
    kind: str
    action: str
    category: str | None
    note: str | None
    by: str | None
    decided_at: datetime


class ItemView(BaseModel):
    submission_id: int
    site_id: str
    comment_id: str
    status: str
    text: str
    segments: list[Segment]
    article: ArticleView | None
    author_id: str | None
    parent_id: str | None
    submitted_at: datetime | None
    received_at: datetime
    age_s: float
    score: float | None
    score_label: str | None = Field(default=None, description="the label of ``score`` (the "
                                    "model's highest), e.g. toxicity")
    engine: EngineView | None
    claim: ClaimView | None
    final: HumanView | None = None
    reason_codes: list[ReasonCode] = Field(default_factory=list)
    suggested_reason: str | None = Field(
        default=None, description="the reason code the page preselects to reject; None when the "
        "engine's evidence names no specific guideline (the moderator picks)")
    context: ThreadContext | None = None


class QueuePage(BaseModel):
    total: int
    offset: int
    limit: int
    order: str
    items: list[ItemView]


class DecisionResult(BaseModel):
    submission_id: int
    ok: bool
    action: str | None = None
    category: str | None = None
    decision_id: int | None = None
    callback_delivery_id: int | None = None
    error: dict[str, Any] | None = None


class BulkResult(BaseModel):
    decided: int
    failed: int
    results: list[DecisionResult]


class ModeratorDay(BaseModel):
    moderator: str
    day: str
    approve: int = 0
    reject: int = 0
    overturn: int = 0
    total: int = 0


class Stats(BaseModel):
    queue_size: int
    claimed: int
    available: int
    oldest_age_s: float | None
    by_site: dict[str, int]
    by_category: dict[str, int]
    decided_today_by_me: int
    decided: list[ModeratorDay]
    days: int


class TimelineEvent(BaseModel):
    at: datetime
    event: str
    actor: str | None = None
    summary: str
    details: dict[str, Any] = Field(default_factory=dict)


class History(BaseModel):
    item: ItemView
    timeline: list[TimelineEvent]
