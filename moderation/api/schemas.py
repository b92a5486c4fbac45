"""Request and response bodies of the service API (they also document it in the OpenAPI schema)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ArticleIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str = Field(min_length=1, max_length=256)
    title: str | None = Field(default=None, max_length=1000)
    url: str | None = Field(default=None, max_length=2048)
    text: str | None = None


class AuthorIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str = Field(min_length=1, max_length=256)


class CommentIn(BaseModel):
    """What the CMS posts on every comment submit (signed, see ``X-Moderation-Signature``)."""

    model_config = ConfigDict(extra="ignore")

    site_id: str = Field(min_length=1, max_length=128)
    comment_id: str = Field(min_length=1, max_length=256)
    text: str
    article: ArticleIn
    author: AuthorIn
    parent_id: str | None = Field(default=None, max_length=256)
    submitted_at: datetime | None = None


class DecisionOut(BaseModel):
    action: str
    final: bool
    categories: list[str]
    reasons: list[dict[str, Any]]
    scores: dict[str, float]
    policy_id: str
    policy_version: str
    engine_version: str
    scorer: str | None
    decided_at: datetime
    engine_ms: float
    queue_ms: float


class SubmissionOut(BaseModel):
    """A submission's state. ``decision`` is set once the status is ``decided`` or ``in_review``."""

    site_id: str
    comment_id: str
    submission_id: int
    status: str = Field(description="queued | decided | in_review")
    status_url: str
    received_at: datetime
    text_sha256: str
    duplicate: bool = Field(False, description="True when this comment had been received before")
    decision: DecisionOut | None = None
    text: str | None = Field(None, description="The text exactly as received (GET only)")


class ErrorDetail(BaseModel):
    code: str
    reason: str
    field: str | None = None


class ErrorOut(BaseModel):
    error: ErrorDetail
