"""Review-queue settings from ``MODERATION_REVIEW_*`` environment variables.

===================================  =======  ==================================================
Variable                             Default  Meaning
===================================  =======  ==================================================
MODERATION_REVIEW_LEASE_S            300      How long a claim keeps a comment away from other
                                              moderators; an expired claim returns it to the queue
MODERATION_REVIEW_SESSION_S          43200    Web session lifetime (12 hours)
MODERATION_REVIEW_COOKIE_SECURE      auto     ``Secure`` cookie flag: auto (when served over
                                              HTTPS or behind a proxy saying so), true, false
MODERATION_REVIEW_POLL_S             5        How often the web page refreshes counts and queue
MODERATION_REVIEW_BULK_MAX           200      Most items in one bulk decision
===================================  =======  ==================================================
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class ReviewSettings:
    lease_s: float = 300.0
    session_s: float = 43200.0
    cookie_secure: str = "auto"
    poll_s: float = 5.0
    bulk_max: int = 200

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> ReviewSettings:
        env = os.environ if environ is None else environ

        def get(name: str, default: str) -> str:
            return env.get(name) or default

        secure = get("MODERATION_REVIEW_COOKIE_SECURE", "auto").strip().lower()
        if secure not in {"auto", "true", "false"}:
            raise ValueError("MODERATION_REVIEW_COOKIE_SECURE must be auto, true or false")
        return cls(
            lease_s=float(get("MODERATION_REVIEW_LEASE_S", "300")),
            session_s=float(get("MODERATION_REVIEW_SESSION_S", "43200")),
            cookie_secure=secure,
            poll_s=float(get("MODERATION_REVIEW_POLL_S", "5")),
            bulk_max=int(get("MODERATION_REVIEW_BULK_MAX", "200")),
        )
