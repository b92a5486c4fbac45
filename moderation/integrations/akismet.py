"""An Akismet-compatible API (``/1.1/comment-check``, ``verify-key``, ``submit-spam``,
``submit-ham``): form fields in, Akismet's plain-text answers out.

Akismet's contract, as its clients read it (the ``akismet`` Python client, WordPress, Coral's
``akismet-api``): ``comment-check`` answers ``true`` (spam) or ``false``, plus
``X-akismet-pro-tip: discard`` for blatant spam; ``verify-key`` answers ``valid``/``invalid``;
submissions answer ``Thanks for making the web a better place.``; a bad key answers ``invalid``
(with the reason in ``X-akismet-debug-help``) on every call.

Our mapping: ``reject`` -> ``true``; ``review`` and ``approve`` -> ``false`` (the comment is in
our review queue, and the site's own moderation still applies); ``discard`` when a rule with
evidence rejected the comment (an explicit guideline match: a slur, a phone number, a threat),
not when the model's confidence alone did.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from moderation.models import Decision

SUBMISSION_RESPONSE = "Thanks for making the web a better place."
DEBUG_HEADER = "X-akismet-debug-help"
PRO_TIP_HEADER = "X-akismet-pro-tip"


def is_blatant(decision: Decision) -> bool:
    return decision.action == "reject" and any(
        r.action == "reject" and r.source == "rule" and r.evidence for r in decision.reasons)


def check_answer(decision: Decision | None) -> tuple[str, dict[str, str]]:
    """(body, headers) of a comment-check answer. None (no decision yet): not spam."""
    if decision is None or decision.action != "reject":
        return "false", {}
    headers = {PRO_TIP_HEADER: "discard"} if is_blatant(decision) else {}
    return "true", headers


def comment_id(form: Mapping[str, str]) -> str:
    """Akismet sends no comment id: derive a stable one from where and what was posted."""
    key = "\x1f".join(form.get(k, "") for k in (
        "blog", "permalink", "comment_type", "comment_author", "comment_author_email",
        "comment_date_gmt", "comment_content"))
    return "akismet-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def submission_fields(site_id: str, form: Mapping[str, str]) -> dict[str, Any]:
    permalink = form.get("permalink") or None
    article = {"id": permalink[:256], "url": permalink[:2048]} if permalink else None
    author = form.get("comment_author") or form.get("comment_author_email") or None
    return {
        "site_id": site_id,
        "comment_id": comment_id(form),
        "text": form.get("comment_content", ""),
        "article": article,
        "author_id": author[:256] if author else None,
        "parent_id": None,
        "submitted_at": _date(form.get("comment_date_gmt")),
    }


def label_attributes(kind: str, form: Mapping[str, str]) -> dict[str, Any]:
    """What a submit-spam / submit-ham carried that is worth keeping with the label."""
    keep = ("blog", "permalink", "comment_type", "comment_author", "user_role",
            "recheck_reason", "is_test")
    return {"akismet": kind, **{k: form[k] for k in keep if form.get(k)}}
