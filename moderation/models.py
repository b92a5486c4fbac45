"""The shared vocabulary: Comment in, Decision out, Reason in between.

Everything that crosses a module boundary (engine, store, API, workers, CLI) speaks these types,
so a decision serialised by a worker reads back identically in the API.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Action = Literal["approve", "reject", "review"]
ReasonSource = Literal["rule", "model"]

#: Actions that end a comment's life; ``review`` waits for a person.
#: Labels a scorer gives and the engine maps onto guideline categories (policy ``model.labels``).
STANDARD_LABELS: tuple[str, ...] = (
    "toxicity",
    "severe_toxicity",
    "obscene",
    "threat",
    "insult",
    "identity_attack",
    "spam",
)

FINAL_ACTIONS: frozenset[str] = frozenset({"approve", "reject"})


class Article(BaseModel):
    """The article a comment is under: used for relevance (off_topic), shown to moderators."""

    model_config = ConfigDict(extra="ignore")

    id: str = Field(min_length=1, max_length=256)
    title: str | None = Field(default=None, max_length=1000)
    url: str | None = Field(default=None, max_length=2048)
    text: str | None = None


class Comment(BaseModel):
    """A comment exactly as submitted. ``text`` is never modified anywhere in the engine."""

    model_config = ConfigDict(extra="ignore")

    text: str
    site_id: str | None = None
    comment_id: str | None = None
    article: Article | None = None
    author_id: str | None = None
    parent_id: str | None = None
    submitted_at: datetime | None = None


class Evidence(BaseModel):
    """What a rule matched: a span of the ORIGINAL text (``text == original[start:end]``)."""

    start: int
    end: int
    text: str
    term: str | None = None  # the list entry / pattern id it matched, in normalised form


class Reason(BaseModel):
    """One guideline a comment touches, with the proof a person can check."""

    category: str
    source: ReasonSource
    action: Literal["reject", "review", "flag"]
    rule_id: str | None = None
    label: str | None = None  # model label, when source == "model", or the label whose score
    # confirmed a confirm_only pattern of a rule (score and threshold are then set too)
    score: float | None = None
    threshold: float | None = None
    evidence: list[Evidence] = Field(default_factory=list)
    message: str = ""


class Decision(BaseModel):
    """The engine's verdict on one comment, reproducible from (text, policy version, scorer)."""

    action: Action
    reasons: list[Reason] = Field(default_factory=list)
    scores: dict[str, float] = Field(default_factory=dict)
    policy_id: str
    policy_version: str
    engine_version: str
    scorer: str | None = None
    elapsed_ms: float = 0.0
    #: languages seen in the comment (ISO 639 codes, most text first; see moderation.languages)
    languages: list[str] = Field(default_factory=list)

    @property
    def final(self) -> bool:
        return self.action in FINAL_ACTIONS

    @property
    def categories(self) -> list[str]:
        """Categories that drove the action (flags excluded), in order, without repeats."""
        seen: dict[str, None] = {}
        for r in self.reasons:
            if r.action != "flag":
                seen.setdefault(r.category, None)
        return list(seen)
