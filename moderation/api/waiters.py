"""Requests waiting (``?wait=MS``) for a submission's decision, woken by the notifier."""

from __future__ import annotations

import asyncio
from collections import defaultdict


class Waiters:
    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._by_id: dict[int, set[asyncio.Event]] = defaultdict(set)

    def register(self, submission_id: int) -> asyncio.Event:
        self._loop = asyncio.get_running_loop()
        ev = asyncio.Event()
        self._by_id[submission_id].add(ev)
        return ev

    def unregister(self, submission_id: int, ev: asyncio.Event) -> None:
        events = self._by_id.get(submission_id)
        if events is not None:
            events.discard(ev)
            if not events:
                self._by_id.pop(submission_id, None)

    def wake(self, submission_id: int) -> None:
        """Thread-safe: called from job threads (inline) or the Redis listener."""
        loop = self._loop
        if loop is None or submission_id not in self._by_id:
            return
        loop.call_soon_threadsafe(self._set, submission_id)

    def _set(self, submission_id: int) -> None:
        for ev in self._by_id.get(submission_id, ()):
            ev.set()
