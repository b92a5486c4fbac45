""""Submission decided" notifications, so ``POST /v1/comments?wait=MS`` returns as soon as it can.

Workers publish the submission id on a Redis channel (RQ mode) or call the in-process hooks
(inline mode); the API process wakes its waiters. A lost message only costs latency: waiters
also re-read the database on a short interval.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)


class Notifier:
    def __init__(self, redis: Any | None = None, channel: str = "moderation:decided") -> None:
        self.redis = redis
        self.channel = channel
        self._hooks: list[Callable[[int], None]] = []
        self._listener: threading.Thread | None = None
        self._stop = threading.Event()

    def add_hook(self, hook: Callable[[int], None]) -> None:
        self._hooks.append(hook)

    def publish(self, submission_id: int) -> None:
        self.publish_many([submission_id])

    def publish_many(self, submission_ids: list[int]) -> None:
        """One message for a whole batch (comma-separated ids)."""
        if not submission_ids:
            return
        if self.redis is not None:
            try:
                self.redis.publish(self.channel, ",".join(map(str, submission_ids)))
                return
            except Exception as exc:  # a lost wake-up only delays a ?wait answer
                log.warning("notify publish failed: %s", exc)
        for sid in submission_ids:
            self._fire(sid)

    def _fire(self, submission_id: int) -> None:
        for hook in list(self._hooks):
            try:
                hook(submission_id)
            except Exception:  # pragma: no cover - hooks must not break the job
                log.exception("notify hook failed")

    def start_listener(self) -> None:
        """In the API process with Redis: forward published ids to the hooks (daemon thread)."""
        if self.redis is None or self._listener is not None:
            return
        self._listener = threading.Thread(target=self._listen, name="moderation-notify",
                                          daemon=True)
        self._listener.start()

    def _listen(self) -> None:
        while not self._stop.is_set():
            try:
                pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(self.channel)
                while not self._stop.is_set():
                    msg = pubsub.get_message(timeout=0.5)
                    if msg and msg.get("type") == "message":
                        data = msg["data"]
                        for part in (data.encode() if isinstance(data, str) else data).split(b","):
                            try:
                                self._fire(int(part))
                            except ValueError:
                                pass
                pubsub.close()
            except Exception as exc:
                log.warning("notify listener reconnecting: %s", exc)
                self._stop.wait(1.0)

    def stop(self) -> None:
        self._stop.set()
        if self._listener is not None:
            self._listener.join(timeout=2)
            self._listener = None
