"""Policy versions in the database: every accepted policy, and which version is live.

* ``policy_versions`` — one row per accepted edit: policy id, sequence number (1, 2, ... per
  policy), content hash (``Policy.version``, what each decision records), author, time, message
  and the **bundle** (the YAML, its bases and every word list it read), so any process rebuilds
  exactly that version without the files.
* ``policy_heads`` — one row per policy: the live version. Switching versions is one UPDATE of
  this row; processes notice within ``MODERATION_POLICY_RELOAD_SECONDS`` (moderation.policy.live).

Alembic revision ``0004``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from moderation.store.db import Database
from moderation.store.schema import PK, Base, UTCDateTime, utcnow


class PolicyVersion(Base):
    __tablename__ = "policy_versions"
    __table_args__ = (
        UniqueConstraint("policy_id", "seq", name="uq_policy_versions_policy_seq"),
    )

    id: Mapped[int] = mapped_column(PK, primary_key=True, autoincrement=True)
    policy_id: Mapped[str] = mapped_column(String(128), nullable=False)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    version: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    author: Mapped[str] = mapped_column(String(256), nullable=False)
    message: Mapped[str] = mapped_column(Text, nullable=False, default="")
    source: Mapped[str | None] = mapped_column(String(1024))
    extends: Mapped[str | None] = mapped_column(String(1024))
    bundle: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class PolicyHead(Base):
    __tablename__ = "policy_heads"

    policy_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("policy_versions.id"), nullable=False)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    changed_by: Mapped[str] = mapped_column(String(256), nullable=False)


@dataclass(frozen=True)
class VersionInfo:
    """A version row without its bundle (history listings)."""

    id: int
    policy_id: str
    seq: int
    version: str
    author: str
    message: str
    source: str | None
    extends: str | None
    created_at: datetime
    live: bool = False
    decisions: int = 0  # engine decisions that name this version's content hash

    @property
    def label(self) -> str:
        return f"{self.policy_id}@{self.seq}"

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "policy_id": self.policy_id, "seq": self.seq,
                "version": self.version, "author": self.author, "message": self.message,
                "source": self.source, "extends": self.extends,
                "created_at": self.created_at.isoformat(), "live": self.live,
                "decisions": self.decisions}


def _info(row: PolicyVersion, live_id: int | None = None, decisions: int = 0) -> VersionInfo:
    return VersionInfo(row.id, row.policy_id, row.seq, row.version, row.author, row.message,
                       row.source, row.extends, row.created_at, row.id == live_id, decisions)


@dataclass(frozen=True)
class Applied:
    info: VersionInfo
    created: bool  # False: the content equals the live version already (nothing changed)


def live_version_ids(s: Session) -> dict[str, int]:
    """policy id -> live version row id: the one cheap query each process polls."""
    rows = s.execute(select(PolicyHead.policy_id, PolicyHead.version_id)).all()
    return {policy_id: version_id for policy_id, version_id in rows}


def get_version(s: Session, version_id: int) -> PolicyVersion | None:
    return s.get(PolicyVersion, version_id)


def live_version(s: Session, policy_id: str) -> PolicyVersion | None:
    head = s.get(PolicyHead, policy_id)
    return s.get(PolicyVersion, head.version_id) if head else None


def history(s: Session, policy_id: str | None = None, limit: int = 100) -> list[VersionInfo]:
    """Newest first; all policies when ``policy_id`` is None."""
    live = live_version_ids(s)
    q = select(PolicyVersion).order_by(PolicyVersion.policy_id, PolicyVersion.seq.desc())
    if policy_id is not None:
        q = q.where(PolicyVersion.policy_id == policy_id)
    rows = s.scalars(q.limit(limit)).all()
    from moderation.store.schema import DecisionRow

    counts = dict(((p, v), n) for p, v, n in s.execute(
        select(DecisionRow.policy_id, DecisionRow.policy_version, func.count())
        .where(DecisionRow.kind == "engine",
               DecisionRow.policy_id.in_({r.policy_id for r in rows}))
        .group_by(DecisionRow.policy_id, DecisionRow.policy_version)).all())
    return [_info(r, live.get(r.policy_id), counts.get((r.policy_id, r.version), 0))
            for r in rows]


def find_version(s: Session, ref: str, default_policy: str | None = None) -> PolicyVersion | None:
    """A version by ``<policy>@<seq>``, ``<policy>@<hash>``, ``<policy>`` (live), ``@<seq>`` or
    ``<seq>`` of ``default_policy``, or a bare content hash."""
    policy_id, _, tail = ref.partition("@")
    if not tail:
        if ref.isdigit() and default_policy:
            policy_id, tail = default_policy, ref
        elif s.get(PolicyHead, ref) is not None:
            return live_version(s, ref)
        else:
            return s.scalars(select(PolicyVersion).where(PolicyVersion.version == ref)
                             .order_by(PolicyVersion.id.desc())).first()
    policy_id = policy_id or default_policy or ""
    q = select(PolicyVersion).where(PolicyVersion.policy_id == policy_id)
    if tail.isdigit():
        q = q.where(PolicyVersion.seq == int(tail))
    else:
        q = q.where(PolicyVersion.version == tail).order_by(PolicyVersion.seq.desc())
    return s.scalars(q).first()


def seq_of(s: Session, policy_id: str, version: str) -> int | None:
    """The sequence number of a content hash (the latest one if applied more than once)."""
    return s.scalars(select(PolicyVersion.seq).where(
        PolicyVersion.policy_id == policy_id, PolicyVersion.version == version)
        .order_by(PolicyVersion.seq.desc())).first()


def apply_version(db: Database, policy: Any, *, author: str, message: str = "",
                  make_live: bool = True, only_if_absent: bool = False) -> Applied:
    """Store ``policy`` (a validated ``Policy`` with its bundle) as the next version and make it
    live, in one transaction. Same content as the live version: nothing is stored.

    ``only_if_absent``: store only when the policy has no version yet (first use of a policy
    file by a service process); several processes may race, the unique constraint picks one.
    """
    if policy.bundle is None:
        raise ValueError("a policy without its bundle cannot be stored")
    for _ in range(5):
        try:
            with db.session() as s:
                head = s.get(PolicyHead, policy.id)
                current = s.get(PolicyVersion, head.version_id) if head else None
                if current is not None and (only_if_absent or current.version == policy.version):
                    return Applied(_info(current, current.id), False)
                last = s.scalars(select(PolicyVersion.seq).where(
                    PolicyVersion.policy_id == policy.id)
                    .order_by(PolicyVersion.seq.desc())).first() or 0
                row = PolicyVersion(
                    policy_id=policy.id, seq=last + 1, version=policy.version, author=author,
                    message=message, source=str(policy.source), extends=policy.doc.extends,
                    bundle=policy.bundle, created_at=utcnow())
                s.add(row)
                s.flush()
                if make_live:
                    _set_head(s, policy.id, row.id, author, head)
                return Applied(_info(row, row.id if make_live else None), True)
        except IntegrityError:
            continue  # another writer took this sequence number (or created the head): retry
    raise RuntimeError(f"could not store a version of {policy.id!r}: too much contention")


def _set_head(s: Session, policy_id: str, version_id: int, actor: str,
              head: PolicyHead | None) -> None:
    from moderation.store import repository as repo

    if head is None:
        s.add(PolicyHead(policy_id=policy_id, version_id=version_id, changed_at=utcnow(),
                         changed_by=actor))
    else:
        s.execute(update(PolicyHead).where(PolicyHead.policy_id == policy_id)
                  .values(version_id=version_id, changed_at=utcnow(), changed_by=actor)
                  .execution_options(synchronize_session=False))
    s.flush()
    repo.audit(s, actor, "policy_live", details={"policy_id": policy_id,
                                                 "version_id": version_id})
