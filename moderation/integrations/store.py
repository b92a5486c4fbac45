"""Reads and writes of the integration tables; one small function each, on an open ``Session``.

Keys are random hex, 40 characters; ``akismet``-scoped keys are 12, because WordPress's Akismet
plugin refuses a key of any other length without asking the server (``Akismet::verify_key``), which
makes them as strong as Akismet's own keys (48 bits), no stronger. Only a key's SHA-256 is stored,
plus a short prefix that identifies it to people.
"""

from __future__ import annotations

import hashlib
import secrets as _secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from moderation.integrations.schema import (
    KEY_SCOPES,
    CoralSecret,
    IntegrationKey,
    IntegrationLabel,
)
from moderation.store import repository as repo
from moderation.store.schema import Site, Submission, utcnow

# ---------------------------------------------------------------- Coral signing secrets


def set_coral_secret(
    s: Session, site_id: str, secret: str, *, keep_previous_s: float | None = None,
    actor: str = "cli",
) -> CoralSecret:
    """Make ``secret`` the site's Coral secret. Earlier ones stop verifying now, or after
    ``keep_previous_s`` seconds (Coral's "rotate, keep the old secret active for ..." option)."""
    if s.get(Site, site_id) is None:
        raise KeyError(site_id)
    now = utcnow()
    until = now + timedelta(seconds=keep_previous_s) if keep_previous_s else now
    for old in active_coral_secrets(s, site_id, now):
        if old.secret != secret:
            old.expires_at = until if old.expires_at is None else min(old.expires_at, until)
    existing = next((c for c in active_coral_secrets(s, site_id, now) if c.secret == secret), None)
    if existing is not None:
        existing.expires_at = None
        row = existing
    else:
        row = CoralSecret(site_id=site_id, secret=secret, created_at=now)
        s.add(row)
    repo.audit(s, actor, "coral_secret_set", site_id=site_id,
               details={"keep_previous_s": keep_previous_s})
    return row


def active_coral_secrets(s: Session, site_id: str,
                         now: datetime | None = None) -> list[CoralSecret]:
    now = now or utcnow()
    return list(s.scalars(
        select(CoralSecret)
        .where(CoralSecret.site_id == site_id,
               or_(CoralSecret.expires_at.is_(None), CoralSecret.expires_at > now))
        .order_by(CoralSecret.id.desc())
    ))


# ---------------------------------------------------------------- API keys


def key_sha256(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def issue_key(s: Session, site_id: str, *, scope: str = "all",
              actor: str = "cli") -> tuple[str, IntegrationKey]:
    """A new key for the site; the clear key is returned once and never stored."""
    if scope not in KEY_SCOPES:
        raise ValueError(f"scope must be one of {', '.join(KEY_SCOPES)}")
    if s.get(Site, site_id) is None:
        raise KeyError(site_id)
    # WordPress's Akismet plugin refuses any key that is not 12 characters long
    key = _secrets.token_hex(6) if scope == "akismet" else _secrets.token_hex(20)
    prefix = key[:4] if len(key) <= 12 else key[:8]
    row = IntegrationKey(site_id=site_id, key_sha256=key_sha256(key), prefix=prefix,
                         scope=scope, created_at=utcnow())
    s.add(row)
    repo.audit(s, actor, "integration_key_issued", site_id=site_id,
               details={"prefix": row.prefix, "scope": scope})
    return key, row


def revoke_key(s: Session, site_id: str, prefix: str, actor: str = "cli") -> int:
    rows = list(s.scalars(select(IntegrationKey).where(
        IntegrationKey.site_id == site_id, IntegrationKey.prefix == prefix,
        IntegrationKey.revoked_at.is_(None))))
    for row in rows:
        row.revoked_at = utcnow()
        repo.audit(s, actor, "integration_key_revoked", site_id=site_id,
                   details={"prefix": prefix})
    return len(rows)


def list_keys(s: Session, site_id: str) -> list[IntegrationKey]:
    return list(s.scalars(select(IntegrationKey).where(IntegrationKey.site_id == site_id)
                          .order_by(IntegrationKey.id)))


def site_for_key(s: Session, key: str, scope: str) -> str | None:
    """The site a live key belongs to, if its scope covers ``scope``; else None."""
    row = s.scalars(select(IntegrationKey).where(
        IntegrationKey.key_sha256 == key_sha256(key), IntegrationKey.revoked_at.is_(None),
        IntegrationKey.scope.in_(("all", scope)))).first()
    return row.site_id if row is not None else None


# ---------------------------------------------------------------- feedback labels


def latest_submission_with_text(s: Session, site_id: str, sha256: str) -> Submission | None:
    return s.scalars(
        select(Submission)
        .where(Submission.site_id == site_id, Submission.text_sha256 == sha256)
        .order_by(Submission.id.desc())
    ).first()


def record_label(
    s: Session,
    site_id: str,
    *,
    source: str,
    label: str,
    text: str,
    attributes: dict[str, Any],
    external_id: str | None = None,
    details: dict[str, Any] | None = None,
) -> IntegrationLabel:
    """Store a moderator's label on a text, linked to our submission of that text if any."""
    sha = repo.text_sha256(text)
    sub = latest_submission_with_text(s, site_id, sha)
    row = IntegrationLabel(
        site_id=site_id, submission_id=sub.id if sub is not None else None, source=source,
        label=label, attributes=attributes, text=text, text_sha256=sha,
        external_id=external_id, details=details or {}, created_at=utcnow(),
    )
    s.add(row)
    s.flush()
    return row


def labels_for_site(s: Session, site_id: str) -> list[IntegrationLabel]:
    return list(s.scalars(select(IntegrationLabel).where(IntegrationLabel.site_id == site_id)
                          .order_by(IntegrationLabel.id)))
