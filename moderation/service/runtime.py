"""Per-process shared pieces: settings, database, Redis, policy registry, notifier, dispatcher.

Connected once per process; the entry points (the API app, each worker process, a CLI command)
build it through :mod:`moderation.service.wiring`, which also hands it its dispatcher, so this
module imports nothing of the queue, the processing or the callbacks that use it. Nothing here is
created at import time, so a forking parent never holds a connection or a model its children
would inherit.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from moderation.config import Settings
from moderation.policy.registry import PolicyRegistry
from moderation.service.notify import Notifier
from moderation.store.db import Database

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings
    db: Database
    registry: PolicyRegistry
    redis: Any | None = None
    notifier: Notifier = field(default_factory=Notifier)
    dispatcher: Any = None
    _http: Any = None
    _poster: Any = None
    _callback_pool: Any = None
    _io_pool: Any = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _sites: dict[str, tuple[float, Any]] = field(default_factory=dict)

    def site(self, site_id: str, ttl_s: float = 5.0) -> Any:
        """A site's row (detached), cached ``ttl_s`` seconds: jobs need it on every comment."""
        import time

        from moderation.store.schema import Site

        now = time.monotonic()
        hit = self._sites.get(site_id)
        if hit is not None and now - hit[0] < ttl_s:
            return hit[1]
        with self.db.reading() as s:
            site = s.get(Site, site_id)
        if site is not None:
            self._sites[site_id] = (now, site)
        return site

    @classmethod
    def connect(
        cls, settings: Settings | None = None, *, registry: PolicyRegistry | None = None
    ) -> Runtime:
        """Connect the store (and Redis when configured); no dispatcher yet (see ``wiring``)."""
        settings = settings or Settings.from_env()
        db = Database.connect(settings.database_url, pool_size=settings.db_pool_size,
                              timeout_s=settings.db_timeout_s)
        redis = None
        if settings.redis_url:
            from redis import Redis

            redis = Redis.from_url(settings.redis_url, socket_timeout=5,
                                   socket_connect_timeout=1, health_check_interval=30)
        rt = cls(
            settings=settings,
            db=db,
            registry=registry or PolicyRegistry(settings.policy_dir, settings.scorer, db=db),
            redis=redis,
            notifier=Notifier(redis, channel=f"{settings.queue_name}:decided"),
        )
        return rt

    def http(self) -> Any:
        """One pooled HTTP client per process for callbacks."""
        with self._lock:
            if self._http is None:
                import httpx

                self._http = httpx.Client(timeout=self.settings.callback_timeout_s,
                                          follow_redirects=False)
            return self._http

    def poster(self) -> Any:
        """One keep-alive POST client per process for callbacks (see ``http_post``)."""
        with self._lock:
            if self._poster is None:
                from moderation.service.http_post import PostClient

                self._poster = PostClient(self.settings.callback_timeout_s)
            return self._poster

    def callback_pool(self) -> Any:
        """Threads that send a batch's callbacks concurrently (network waits overlap)."""
        with self._lock:
            if self._callback_pool is None:
                from concurrent.futures import ThreadPoolExecutor

                self._callback_pool = ThreadPoolExecutor(
                    self.settings.callback_concurrency, thread_name_prefix="moderation-callback")
            return self._callback_pool

    def io_pool(self) -> Any:
        """Threads for the webhook's blocking store + enqueue. A plain executor: anyio's
        ``run_in_threadpool`` costs several times more CPU per hop (profiled)."""
        with self._lock:
            if self._io_pool is None:
                from concurrent.futures import ThreadPoolExecutor

                self._io_pool = ThreadPoolExecutor(self.settings.db_pool_size,
                                                   thread_name_prefix="moderation-io")
            return self._io_pool

    def close(self) -> None:
        self.notifier.stop()
        if self._io_pool is not None:
            self._io_pool.shutdown(wait=True)
        if self._callback_pool is not None:
            self._callback_pool.shutdown(wait=True)
        if self._poster is not None:
            self._poster.close()
        if self.dispatcher is not None:
            self.dispatcher.close()
        if self._http is not None:
            self._http.close()
        if self.redis is not None:
            self.redis.close()
        self.db.dispose()

