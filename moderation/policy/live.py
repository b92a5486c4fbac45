"""Hot reload: each process serves the live version of every policy, switched atomically.

The database's ``policy_heads`` row says which version of a policy is live. A process (the API,
each RQ worker) keeps one ``Engine`` per policy and, when asked for it, checks the head at most
every ``MODERATION_POLICY_RELOAD_SECONDS`` (default 2). When the head moved, the new version is
rebuilt from its stored bundle and compiled *beside* the old engine, then published with one
dict assignment: a caller holds either the old engine or the new one, never a mix, so every
comment is decided by exactly one version (the one its decision records). A version that fails
to build leaves the previous engine in place, and the error is logged.

A policy with no stored version yet is loaded from its file (``<id>.yaml`` in the policies
directory) and recorded as version 1, so every decision names a stored version.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from typing import Any

from moderation.engine import Engine
from moderation.policy import load_policy, policy_from_bundle
from moderation.policy.sources import find_policy_file
from moderation.policy.versions import apply_version, get_version, live_version
from moderation.store.db import Database

log = logging.getLogger(__name__)

DEFAULT_RELOAD_S = 2.0


def reload_seconds() -> float:
    """``MODERATION_POLICY_RELOAD_SECONDS`` (default 2): how stale a process's policy may be."""
    raw = os.environ.get("MODERATION_POLICY_RELOAD_SECONDS", "")
    return float(raw) if raw.strip() else DEFAULT_RELOAD_S


@dataclass
class _Entry:
    engine: Engine
    version_id: int | None  # None: loaded from the file because the store was unreachable
    checked: float


class LivePolicies:
    """policy id -> the Engine of its live version, refreshed from the store."""

    def __init__(self, db: Database, scorer: Any, policy_dir: Any = None,
                 reload_s: float | None = None) -> None:
        self.db = db
        self._scorer = scorer  # callable -> Scorer (loaded once per process, lazily)
        self.policy_dir = policy_dir
        self.reload_s = reload_seconds() if reload_s is None else reload_s
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()
        self.swaps = 0  # how many times a newer version was published (for tests and metrics)

    def engine(self, policy_id: str) -> Engine:
        entry = self._entries.get(policy_id)
        if entry is None:
            with self._lock:
                entry = self._entries.get(policy_id)
                if entry is None:
                    entry = self._first_load(policy_id)
                    self._entries[policy_id] = entry
            return entry.engine
        if time.monotonic() - entry.checked >= self.reload_s and self._lock.acquire(False):
            # one thread refreshes; the others keep deciding with the current engine meanwhile
            try:
                # another thread may have swapped in a newer entry since ours was read: check
                # that one, or the same version is built and swapped in twice
                current = self._entries[policy_id]
                if time.monotonic() - current.checked >= self.reload_s:
                    self._refresh(policy_id, current)
            finally:
                self._lock.release()
        return self._entries[policy_id].engine

    def refresh_now(self, policy_id: str) -> Engine:
        """Check the store now (after an apply in this process: no need to wait)."""
        with self._lock:
            entry = self._entries.get(policy_id)
            if entry is None:
                entry = self._first_load(policy_id)
                self._entries[policy_id] = entry
            else:
                self._refresh(policy_id, entry)
        return self._entries[policy_id].engine

    # ------------------------------------------------------------------ internals

    def _build(self, row: Any) -> _Entry:
        policy = policy_from_bundle(row.bundle, f"{row.policy_id}@{row.seq}")
        if policy.version != row.version:  # pragma: no cover - corrupt or hand-edited row
            log.warning("stored version %s@%s rebuilds with hash %s, not %s", row.policy_id,
                        row.seq, policy.version, row.version)
        return _Entry(Engine(policy, self._scorer()), row.id, time.monotonic())

    def _first_load(self, policy_id: str) -> _Entry:
        try:
            with self.db.reading() as s:
                row = live_version(s, policy_id)
            if row is not None:
                return self._build(row)
        except Exception as exc:  # the store is down: serve the file, look again later
            if not _is_db_error(exc):
                raise
            log.warning("policy store unreachable (%s); loading %s from its file", exc,
                        policy_id)
            return _Entry(Engine(self._file_policy(policy_id), self._scorer()), None,
                          time.monotonic())
        policy = self._file_policy(policy_id)
        applied = apply_version(self.db, policy, author="system",
                                message=f"first use of {policy.source}", only_if_absent=True)
        if applied.info.version == policy.version:
            return _Entry(Engine(policy, self._scorer()), applied.info.id, time.monotonic())
        with self.db.reading() as s:  # another process recorded a different file first
            return self._build(get_version(s, applied.info.id))

    def _file_policy(self, policy_id: str) -> Any:
        path = find_policy_file(policy_id, self.policy_dir)
        if path is None:
            raise KeyError(f"unknown policy {policy_id!r}: no stored version and no "
                           f"{policy_id}.yaml in the policies directory")
        return load_policy(path)

    def _refresh(self, policy_id: str, entry: _Entry) -> None:
        # a read, never a write transaction: callers often hold the write lock on another
        # connection of the same thread (a review decision asks for reason codes inside its
        # transaction), and SQLite's BEGIN IMMEDIATE would wait out the busy timeout on itself
        try:
            with self.db.reading() as s:
                row = live_version(s, policy_id)
                if row is None or row.id == entry.version_id:
                    entry.checked = time.monotonic()
                    return
                s.expunge(row)
            fresh = self._build(row)
        except Exception:
            log.exception("policy %s: could not check or build the live version; the "
                          "current one stays", policy_id)
            entry.checked = time.monotonic()
            return
        self._entries[policy_id] = fresh  # the atomic switch
        self.swaps += 1
        log.info("policy %s: version %s@%s (%s) is live in process %s", policy_id,
                 row.policy_id, row.seq, row.version, os.getpid())


def _is_db_error(exc: Exception) -> bool:
    from sqlalchemy.exc import InterfaceError, OperationalError

    return isinstance(exc, OperationalError | InterfaceError)
