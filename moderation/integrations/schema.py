"""Tables of the drop-in integrations, on the service's metadata (Alembic revision in
``moderation/migrations/versions/*_integrations.py``).

* ``coral_secrets`` — the signing secrets Coral generated for a site's external moderation
  phase. Kept in clear: verifying an HMAC needs the secret itself (like ``sites.secrets``).
* ``integration_keys`` — API keys we issue per site for the Perspective- and Akismet-compatible
  endpoints. Only the SHA-256 of a key is stored; ``prefix`` identifies it to people.
* ``integration_labels`` — feedback sent through ``comments:suggestscore``, ``submit-spam`` and
  ``submit-ham``: a moderator's label on a text, for training and evaluation.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from moderation.store.schema import PK, Base, UTCDateTime, utcnow

KEY_SCOPES: tuple[str, ...] = ("all", "perspective", "akismet")


class CoralSecret(Base):
    __tablename__ = "coral_secrets"
    __table_args__ = (Index("ix_coral_secrets_site", "site_id"),)

    id: Mapped[int] = mapped_column(PK, primary_key=True, autoincrement=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), nullable=False)
    secret: Mapped[str] = mapped_column(String(256), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    #: After this instant the secret no longer verifies (a rotation with an overlap).
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class IntegrationKey(Base):
    __tablename__ = "integration_keys"

    id: Mapped[int] = mapped_column(PK, primary_key=True, autoincrement=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), nullable=False, index=True)
    key_sha256: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    prefix: Mapped[str] = mapped_column(String(16), nullable=False)
    scope: Mapped[str] = mapped_column(String(16), nullable=False, default="all")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class IntegrationLabel(Base):
    __tablename__ = "integration_labels"
    __table_args__ = (Index("ix_integration_labels_site_text", "site_id", "text_sha256"),)

    id: Mapped[int] = mapped_column(PK, primary_key=True, autoincrement=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), nullable=False)
    #: The stored submission with the same text on the same site, when there is one.
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"))
    source: Mapped[str] = mapped_column(String(48), nullable=False)  # e.g. akismet:submit-spam
    #: In the engine's vocabulary, for evaluation: ``reject`` or ``approve``.
    label: Mapped[str] = mapped_column(String(16), nullable=False)
    #: As the client sent it: ``{"TOXICITY": 1.0}`` or ``{"akismet": "spam"}``.
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    text_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    external_id: Mapped[str | None] = mapped_column(String(256))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
