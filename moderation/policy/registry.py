"""Site -> (policy, engine) resolution, cached per process.

The one place the service asks "which engine decides for this site?". Policies are loaded by id:
``default`` is the shipped policy; any other id is ``<MODERATION_POLICY_DIR>/<id>.yaml``. The
scorer (the expensive part: a model) is loaded once per process and shared by every policy.
Policy versions and hot reload (issue 5) plug in here without touching the callers.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

DEFAULT_POLICY_ID = "default"


class PolicyRegistry:
    """Lazily builds and caches one ``Engine`` per policy id."""

    def __init__(self, policy_dir: Path | None = None, scorer_name: str | None = None,
                 db: Any = None) -> None:
        self.policy_dir = policy_dir
        self.scorer_name = scorer_name
        self._scorer: Any = None
        self._policies: dict[str, Any] = {}
        self._engines: dict[str, Any] = {}
        self._lock = threading.RLock()
        # issue 5: with a database, policies come from the version store and hot-reload
        self.live: Any = None
        if db is not None:
            from moderation.policy.live import LivePolicies

            self.live = LivePolicies(db, self.scorer, policy_dir)

    def policy_path(self, policy_id: str) -> Path | None:
        if self.policy_dir is not None:
            candidate = self.policy_dir / f"{policy_id}.yaml"
            if candidate.exists():
                return candidate
        if policy_id == DEFAULT_POLICY_ID:
            return None
        raise KeyError(f"unknown policy {policy_id!r} (looked in {self.policy_dir})")

    def policy(self, policy_id: str) -> Any:
        if self.live is not None:
            return self.live.engine(policy_id).policy
        with self._lock:
            if policy_id not in self._policies:
                from moderation.policy import load_policy

                self._policies[policy_id] = load_policy(self.policy_path(policy_id))
            return self._policies[policy_id]

    def scorer(self) -> Any:
        with self._lock:
            if self._scorer is None:
                from moderation.scorers import load_scorer

                self._scorer = load_scorer(self.scorer_name)
            return self._scorer

    def engine(self, policy_id: str) -> Any:
        if self.live is not None:
            return self.live.engine(policy_id)
        with self._lock:
            if policy_id not in self._engines:
                from moderation.engine import Engine

                self._engines[policy_id] = Engine(self.policy(policy_id), self.scorer())
            return self._engines[policy_id]

    def max_length(self, policy_id: str) -> int:
        return int(self.policy(policy_id).max_length)

    def warm(self, policy_ids: list[str]) -> None:
        """Load policies, the scorer and engines now (worker start), not on the first job."""
        for pid in policy_ids:
            self.engine(pid)
