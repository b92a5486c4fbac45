"""Site lookups for the webhook, cached a few seconds to keep a database round trip off each call.

A rotated secret reaches the cache within ``ttl_s``; the previous secret stays valid meanwhile,
so rotation never rejects a correctly signed request.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool

from moderation.service.runtime import Runtime
from moderation.store import repository as repo


@dataclass(frozen=True)
class SiteInfo:
    id: str
    secrets: tuple[str, ...]
    policy_id: str
    callback_url: str | None
    max_length: int


class SitesCache:
    def __init__(self, rt: Runtime, ttl_s: float = 5.0) -> None:
        self.rt = rt
        self.ttl_s = ttl_s
        self._entries: dict[str, tuple[float, SiteInfo | None]] = {}

    def _load(self, site_id: str) -> SiteInfo | None:
        with self.rt.db.reading() as s:
            site = repo.get_site(s, site_id)
            if site is None:
                return None
            info = (site.id, tuple(site.secrets), site.policy_id, site.callback_url)
        return SiteInfo(*info, max_length=self.rt.registry.max_length(info[2]))

    async def get(self, site_id: str) -> SiteInfo | None:
        now = time.monotonic()
        hit = self._entries.get(site_id)
        if hit is not None and now - hit[0] < self.ttl_s:
            return hit[1]
        info = await run_in_threadpool(self._load, site_id)
        if info is not None:  # unknown sites are not cached: a new site works at once
            self._entries[site_id] = (now, info)
        return info

    def invalidate(self) -> None:
        self._entries.clear()
