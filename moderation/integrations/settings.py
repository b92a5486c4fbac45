"""Integration settings from ``MODERATION_*`` environment variables.

===================================  ==========  ===============================================
Variable                             Default     Meaning
===================================  ==========  ===============================================
MODERATION_CORAL_BUDGET_MS           150         Longest the Coral endpoint works on a verdict;
                                                 past it, it answers 204 (no decision) and the
                                                 comment is still stored and decided. Keep it
                                                 under the phase timeout set in Coral (200 ms).
MODERATION_CORAL_APPROVE_STATUS      APPROVED    Coral status for our ``approve``: APPROVED, or
                                                 NONE to answer 204 and leave it unmoderated in
                                                 Coral
MODERATION_PERSPECTIVE_LANGUAGES     (policy)    Languages the Perspective endpoint accepts
                                                 (comma-separated); others get Perspective's
                                                 "does not support request languages" error.
                                                 Unset: English and every language the site's
                                                 policy covers (``languages.covered``; ``ku``
                                                 stands for ckb and kmr)
MODERATION_INTEGRATION_THREADS       8           Threads deciding integration requests
===================================  ==========  ===============================================
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class IntegrationSettings:
    coral_budget_ms: int = 150
    coral_approve_status: str = "APPROVED"
    #: None: the site policy's covered languages (moderation.languages.rules.api_languages)
    perspective_languages: tuple[str, ...] | None = None
    threads: int = 8

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> IntegrationSettings:
        env = os.environ if environ is None else environ
        approve = (env.get("MODERATION_CORAL_APPROVE_STATUS") or "APPROVED").strip().upper()
        if approve not in ("APPROVED", "NONE"):
            raise ValueError("MODERATION_CORAL_APPROVE_STATUS must be APPROVED or NONE")
        langs = tuple(x.strip().lower() for x in
                      (env.get("MODERATION_PERSPECTIVE_LANGUAGES") or "").split(",") if x.strip())
        return cls(
            coral_budget_ms=int(env.get("MODERATION_CORAL_BUDGET_MS") or 150),
            coral_approve_status=approve,
            perspective_languages=langs or None,
            threads=int(env.get("MODERATION_INTEGRATION_THREADS") or 8),
        )
