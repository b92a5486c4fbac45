"""Requests built the way the real clients build them.

* Coral (server/src/core/server/services/fetch/fetch.ts ``generateFetchOptions`` and
  models/settings/signingSecret/helpers.ts ``generateSignatures``): body ``JSON.stringify(request,
  null, 2)``, header ``X-Coral-Signature`` = ``sha256=<hex HMAC-SHA256(secret, body)>`` per active
  secret joined by ``,``, ``User-Agent: Coral Moderation/<version>``.
* Coral's Perspective client (services/perspective/perspective.ts ``formatBody`` and
  ``sendToPerspective``): ``POST <endpoint>/comments:analyze?key=<key>`` with
  ``{"comment": {"text"}, "doNotStore", "requestedAttributes": {<model>: {}}, "languages": [..]}``,
  and ``comments:suggestscore`` with the comment id in ``context.entries[0].text`` as JSON.

``JSON.stringify(x, null, 2)`` is ``json.dumps(x, indent=2, ensure_ascii=False)``: two-space
indent, ``": "`` after keys, non-ASCII kept as UTF-8, the same escapes for control characters.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any
from urllib.parse import urlencode, urlparse, urlunparse

CORAL_STATUSES = {"NONE", "APPROVED", "REJECTED", "PREMOD", "SYSTEM_WITHHELD"}
CORAL_REJECTION_CODES = {
    "OFFENSIVE", "ABUSIVE", "SPAM", "BANNED_WORD", "AD", "ILLEGAL_CONTENT", "HARASSMENT_BULLYING",
    "MISINFORMATION", "HATE_SPEECH", "IRRELEVANT_CONTENT", "OTHER",
}


def coral_payload(body: str, *, action: str = "NEW", parent_id: str | None = None,
                  author_id: str = "baf4e943-3594-4fcc-b2ba-3e8de7a76352",
                  story_id: str = "245b3856-b0a0-4d2f-a6bb-58c71f18d6a6",
                  story_url: str = "http://localhost:1313/posts/a-story-url/",
                  site_id: str = "a4bede88-2d2c-4424-bc18-4322a9e285a6") -> dict[str, Any]:
    """``ExternalModerationRequest``, keys in the order external.ts builds them."""
    return {
        "action": action,
        "comment": {"body": body, "parentID": parent_id},
        "author": {"id": author_id, "role": "COMMENTER"},
        "story": {"id": story_id, "url": story_url},
        "site": {"id": site_id},
        "tenantID": "19ba5794-7eeb-4d46-a81b-c00c61672501",
        "tenantDomain": "localhost",
    }


def coral_request(payload: dict[str, Any], secrets: list[str]) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(payload, indent=2, ensure_ascii=False).encode("utf-8")
    signature = ",".join(
        "sha256=" + hmac.new(s.encode(), body, hashlib.sha256).hexdigest() for s in secrets)
    return body, {"Content-Type": "application/json", "X-Coral-Signature": signature,
                  "User-Agent": "Coral Moderation/9.0.0"}


def assert_coral_accepts(body: dict[str, Any]) -> None:
    """Coral's Joi ``ExternalModerationResponseSchema`` (external.ts), as assertions: a body it
    refuses is dropped whole by Coral (the phase is skipped)."""
    assert set(body) <= {"moderationAction", "actions", "status", "tags"}, body
    if "status" in body:
        assert body["status"] in CORAL_STATUSES
    for action in body.get("actions", []):
        assert set(action) == {"actionType", "reason"}
        assert action["actionType"] == "FLAG"
        assert action["reason"] in {"COMMENT_DETECTED_TOXIC", "COMMENT_DETECTED_SPAM"}
    for tag in body.get("tags", []):
        assert tag in {"FEATURED", "STAFF"}
    if "moderationAction" in body:
        ma = body["moderationAction"]
        assert set(ma) <= {"status", "rejectionReason"}
        assert ma.get("status", "NONE") in CORAL_STATUSES
        rr = ma.get("rejectionReason", {})
        assert set(rr) <= {"code", "legalGrounds", "detailedExplanation", "customReason"}
        if "code" in rr:
            assert rr["code"] in CORAL_REJECTION_CODES
        for k in ("legalGrounds", "detailedExplanation", "customReason"):
            if k in rr:
                assert isinstance(rr[k], str) and rr[k]


def perspective_url(endpoint: str, operation: str, key: str) -> str:
    """``sendToPerspective``: path.join(endpoint path, "/<operation>") and ``?key=``."""
    u = urlparse(endpoint.strip())
    path = u.path.rstrip("/") + "/" + operation
    return urlunparse(u._replace(path=path, query=urlencode({"key": key.strip()})))


def perspective_analyze_body(text: str, model: str = "TOXICITY", do_not_store: bool = True,
                             language: str = "en") -> bytes:
    return json.dumps({
        "comment": {"text": text},
        "doNotStore": do_not_store,
        "requestedAttributes": {model: {}},
        "languages": [language],
    }).encode("utf-8")


def perspective_suggest_body(text: str, comment_id: str, story_url: str, status: str,
                             tenant_url: str, model: str = "TOXICITY",
                             parent_id: str | None = None) -> bytes:
    entry: dict[str, str] = {"url": f"{story_url}?commentID={comment_id}"}
    if parent_id is not None:  # JSON.stringify drops undefined values
        entry["reply_to_id_Coral_comment_id"] = parent_id
    entry["Coral_comment_id"] = comment_id
    return json.dumps({
        "comment": {"text": text},
        "context": {"entries": [{"text": json.dumps(entry)}]},
        "attributeScores": {model: {"summaryScore": {"value": 0 if status == "APPROVED" else 1}}},
        "languages": ["en"],
        "communityId": f"Coral:{tenant_url}",
        "clientToken": f"comment:{comment_id}",
    }).encode("utf-8")
