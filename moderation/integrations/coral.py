"""Coral Talk's external moderation phase: its request, its signature, our answer.

Read from Coral's own code (coralproject/talk, server/src/core/server/services/comments/pipeline/
phases/external.ts, services/fetch/fetch.ts, models/settings/signingSecret/helpers.ts):

* Coral POSTs ``JSON.stringify(request, null, 2)`` with ``Content-Type: application/json`` and
  ``X-Coral-Signature: sha256=<hex HMAC-SHA256(secret, raw body)>``, one ``sha256=`` per active
  signing secret, joined by ``,``. There is no timestamp, so replays cannot be refused by age;
  a replay of a stored comment gets the first decision back and never a second one.
* It waits ``phase.timeout`` ms (200 in the admin form) and skips the phase on a timeout, on any
  non-2xx answer, and on a body its Joi schema refuses: Coral fails open.
* ``204``, an empty body or ``{}`` mean "no decision". Otherwise the body may carry ``status``
  (``NONE``, ``APPROVED``, ``REJECTED``, ``PREMOD``, ``SYSTEM_WITHHELD``; a status ends the
  pipeline), ``moderationAction`` (``status``, ``rejectionReason`` with ``code`` from
  ``REJECTION_REASON_CODE`` and optional ``detailedExplanation``), ``actions`` (``FLAG`` with reason
  ``COMMENT_DETECTED_TOXIC`` or ``COMMENT_DETECTED_SPAM`` only: any other reason makes Coral drop
  the whole answer) and ``tags`` (``FEATURED``, ``STAFF``).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from moderation.models import Decision

HEADER = "X-Coral-Signature"

STATUSES = ("NONE", "APPROVED", "REJECTED", "PREMOD", "SYSTEM_WITHHELD")
REJECTION_CODES = (
    "OFFENSIVE", "ABUSIVE", "SPAM", "BANNED_WORD", "AD", "ILLEGAL_CONTENT", "HARASSMENT_BULLYING",
    "MISINFORMATION", "HATE_SPEECH", "IRRELEVANT_CONTENT", "OTHER",
)
FLAG_TOXIC = "COMMENT_DETECTED_TOXIC"
FLAG_SPAM = "COMMENT_DETECTED_SPAM"

#: Our guideline categories -> Coral's rejection reason code (anything else: OTHER).
REJECTION_CODE_BY_CATEGORY: dict[str, str] = {
    "profanity": "OFFENSIVE",
    "vulgarity": "OFFENSIVE",
    "threat": "ABUSIVE",
    "toxicity": "ABUSIVE",
    "personal_attack": "HARASSMENT_BULLYING",
    "sexism": "HATE_SPEECH",
    "racism": "HATE_SPEECH",
    "homophobia": "HATE_SPEECH",
    "xenophobia": "HATE_SPEECH",
    "promotion": "SPAM",
    "off_topic": "IRRELEVANT_CONTENT",
}
#: Categories flagged as spam in Coral; every other driving category is flagged as toxic,
#: except these, which Coral has no flag for.
SPAM_CATEGORIES = frozenset({"promotion"})
UNFLAGGED_CATEGORIES = frozenset({"off_topic", "not_decidable", "language"})

MAX_EXPLANATION = 500


# ---------------------------------------------------------------- request


class CoralComment(BaseModel):
    model_config = ConfigDict(extra="ignore")
    body: str
    parentID: str | None = None  # noqa: N815 (Coral's field name)


class CoralAuthor(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: str = Field(min_length=1, max_length=256)
    role: str | None = None


class CoralStory(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: str = Field(min_length=1, max_length=256)
    url: str | None = Field(default=None, max_length=2048)


class CoralSite(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: str | None = None


class CoralRequest(BaseModel):
    """``ExternalModerationRequest`` in Coral's external.ts."""

    model_config = ConfigDict(extra="ignore")
    action: Literal["NEW", "EDIT"]
    comment: CoralComment
    author: CoralAuthor
    story: CoralStory
    site: CoralSite | None = None
    tenantID: str | None = None  # noqa: N815
    tenantDomain: str | None = None  # noqa: N815


def comment_id(req: CoralRequest, raw_body: str) -> str:
    """Coral sends no comment id (the comment does not exist yet): derive a stable one, so a
    repeat of the same request is the same submission and an edit is a new one."""
    key = "\x1f".join([req.tenantID or "", req.site.id if req.site and req.site.id else "",
                       req.story.id, req.author.id, req.action, req.comment.parentID or "",
                       raw_body])
    return "coral-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]


def submission_fields(site_id: str, req: CoralRequest) -> dict[str, Any]:
    article = {"id": req.story.id}
    if req.story.url:
        article["url"] = req.story.url
    return {
        "site_id": site_id,
        "comment_id": comment_id(req, req.comment.body),
        "text": req.comment.body,
        "article": article,
        "author_id": req.author.id,
        "parent_id": req.comment.parentID,
        "submitted_at": None,
    }


# ---------------------------------------------------------------- signature


def signature_header(secrets: str | Iterable[str], body: bytes) -> str:
    """What Coral sends (``generateSignatures``): used by tests and by the docs' example."""
    keys = [secrets] if isinstance(secrets, str) else list(secrets)
    return ",".join(
        "sha256=" + hmac.new(k.encode("utf-8"), body, hashlib.sha256).hexdigest() for k in keys)


def verify(header: str | None, body: bytes, secrets: Iterable[str]) -> bool:
    """True when one ``sha256=`` value of the header is the HMAC of the body under one secret.

    Every pair is compared in constant time, so the time does not tell which part matched.
    """
    if not header:
        return False
    given = [v.strip() for p, _, v in (e.strip().partition("=") for e in header.split(","))
             if p == "sha256" and v.strip()]
    if not given:
        return False
    ok = False
    for secret in secrets:
        expected = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
        for sig in given:
            ok |= hmac.compare_digest(expected.encode("ascii"), sig.encode("ascii", "replace"))
    return ok


# ---------------------------------------------------------------- response


def _driving(decision: Decision) -> list[str]:
    return decision.categories


def flags(decision: Decision) -> list[dict[str, str]]:
    """Coral ``actions``: a FLAG per kind of problem found (toxic, spam), never another reason."""
    reasons: list[str] = []
    for cat in _driving(decision):
        if cat in UNFLAGGED_CATEGORIES:
            continue
        reason = FLAG_SPAM if cat in SPAM_CATEGORIES else FLAG_TOXIC
        if reason not in reasons:
            reasons.append(reason)
    return [{"actionType": "FLAG", "reason": r} for r in reasons]


def rejection_reason(decision: Decision, guidelines: Mapping[str, str]) -> dict[str, str]:
    """The first driving category's code; the guidelines broken, as the explanation the
    commenter is shown in Coral's rejection notice."""
    cats = _driving(decision)
    code = REJECTION_CODE_BY_CATEGORY.get(cats[0], "OTHER") if cats else "OTHER"
    parts: list[str] = []
    for cat in cats:
        text = guidelines.get(cat) or next(
            (r.message for r in decision.reasons if r.category == cat and r.message), "")
        if text and text not in parts:
            parts.append(text)
    explanation = " ".join(parts)[:MAX_EXPLANATION]
    out = {"code": code}
    if explanation:
        out["detailedExplanation"] = explanation
    return out


def response(decision: Decision | None, guidelines: Mapping[str, str],
             approve_status: str = "APPROVED") -> dict[str, Any] | None:
    """Our decision as Coral's ``ExternalModerationResponse``; None means answer 204.

    reject  -> ``REJECTED`` + ``moderationAction`` (rejection reason) + flags
    review  -> ``SYSTEM_WITHHELD`` (held for Coral's moderators) + flags
    approve -> ``approve_status`` (``APPROVED`` by default), or 204 when it is ``NONE``
    """
    if decision is None:
        return None
    if decision.action == "reject":
        return {
            "status": "REJECTED",
            "moderationAction": {"status": "REJECTED",
                                 "rejectionReason": rejection_reason(decision, guidelines)},
            "actions": flags(decision),
        }
    if decision.action == "review":
        return {"status": "SYSTEM_WITHHELD", "actions": flags(decision)}
    if approve_status == "NONE":
        return None
    return {"status": approve_status}
