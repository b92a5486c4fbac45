"""Moderator and admin accounts, API tokens and web sessions.

Tokens and session keys are 256-bit random values (``secrets.token_urlsafe(32)``); only their
SHA-256 is stored. A slow password hash (bcrypt, scrypt) exists to stop brute force on
low-entropy human passwords; against 256 random bits a brute force is already hopeless, so a
single SHA-256 is enough and lets a request find its user with one indexed lookup. A stolen
database therefore yields no usable token. Tokens are shown once, at creation.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from moderation.review.errors import Conflict, Invalid
from moderation.review.schema import ROLES, ReviewSession, ReviewUser
from moderation.store import repository as repo
from moderation.store.schema import utcnow

TOKEN_PREFIX = "modtok_"
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,127}$")


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


@dataclass(frozen=True)
class Principal:
    """Who is asking: enough to authorise and to sign the audit log."""

    id: int
    name: str
    role: str

    @property
    def actor(self) -> str:
        return f"{self.role}:{self.name}"

    def has(self, role: str) -> bool:
        """Admins can do everything moderators can."""
        return self.role == "admin" or self.role == role


def principal(u: ReviewUser) -> Principal:
    return Principal(u.id, u.name, u.role)


def add_user(s: Session, name: str, role: str, *, actor: str = "cli") -> tuple[ReviewUser, str]:
    """Create an account; returns it with its token (the only time the token exists in clear)."""
    if not NAME_RE.match(name):
        raise Invalid("name: letters, digits and _.@- only, at most 128", field="name")
    if role not in ROLES:
        raise Invalid(f"role must be one of {', '.join(ROLES)}", field="role")
    if s.scalars(select(ReviewUser).where(ReviewUser.name == name)).first() is not None:
        raise Conflict(f"user {name!r} already exists", code="user_exists")
    token = new_token()
    user = ReviewUser(name=name, role=role, token_sha256=sha256_hex(token), disabled=False,
                      created_at=utcnow())
    s.add(user)
    s.flush()
    repo.audit(s, actor, "review_user_added", details={"name": name, "role": role})
    return user, token


def list_users(s: Session) -> list[ReviewUser]:
    return list(s.scalars(select(ReviewUser).order_by(ReviewUser.name)))


def get_user(s: Session, name: str) -> ReviewUser | None:
    return s.scalars(select(ReviewUser).where(ReviewUser.name == name)).first()


def set_disabled(s: Session, name: str, disabled: bool, *, actor: str = "cli") -> ReviewUser:
    """Disabling revokes the token and every web session of the account at once."""
    user = get_user(s, name)
    if user is None:
        raise Invalid(f"no user {name!r}", field="name")
    user.disabled = disabled
    if disabled:
        s.execute(delete(ReviewSession).where(ReviewSession.user_id == user.id))
    repo.audit(s, actor, "review_user_disabled" if disabled else "review_user_enabled",
               details={"name": name})
    return user


def authenticate_token(s: Session, token: str | None) -> Principal | None:
    """The account holding this API token, unless unknown or disabled."""
    if not token or len(token) > 256:
        return None
    user = s.scalars(
        select(ReviewUser).where(ReviewUser.token_sha256 == sha256_hex(token))
    ).first()
    if user is None or user.disabled:
        return None
    return principal(user)


# ---------------------------------------------------------------- web sessions


@dataclass(frozen=True)
class WebSession:
    key: str  # the cookie value (only returned at creation)
    csrf_token: str
    user: Principal


def open_session(s: Session, user: Principal, lifetime_s: float) -> WebSession:
    key = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    now = utcnow()
    s.add(ReviewSession(key_sha256=sha256_hex(key), user_id=user.id, csrf_token=csrf,
                        created_at=now, expires_at=now + timedelta(seconds=lifetime_s)))
    account = s.get(ReviewUser, user.id)
    if account is not None:
        account.last_seen_at = now
    # housekeeping: drop this user's expired sessions
    s.execute(delete(ReviewSession).where(ReviewSession.user_id == user.id,
                                          ReviewSession.expires_at < now))
    repo.audit(s, user.actor, "review_login")
    return WebSession(key, csrf, user)


def resolve_session(s: Session, key: str | None) -> tuple[Principal, str] | None:
    """(user, CSRF token) for a live session cookie, else None."""
    if not key or len(key) > 256:
        return None
    row = s.scalars(
        select(ReviewSession).where(ReviewSession.key_sha256 == sha256_hex(key))
    ).first()
    if row is None or row.expires_at < utcnow():
        return None
    user = s.get(ReviewUser, row.user_id)
    if user is None or user.disabled:
        return None
    return principal(user), row.csrf_token


def close_session(s: Session, key: str | None) -> None:
    if key:
        s.execute(delete(ReviewSession).where(ReviewSession.key_sha256 == sha256_hex(key)))


def same_token(a: str | None, b: str | None) -> bool:
    """Constant-time comparison for CSRF tokens."""
    if not a or not b:
        return False
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))
