"""Prometheus metrics: latency histograms observed in-process, counts read from the store.

Counts that several processes contribute to (decisions, deliveries, queue depth) are computed at
scrape time from the database and Redis by :class:`StoreCollector`, so ``/metrics`` on any API
process tells the whole truth without Prometheus multiprocess mode. Histograms are per process
(webhook latency in the API; engine and callback latency where the job ran).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from prometheus_client import Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    from moderation.service.runtime import Runtime

log = logging.getLogger(__name__)

_FAST = (0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.5, 5.0)

WEBHOOKS = Counter("moderation_webhooks_total", "Webhook requests by HTTP status", ["status"])
WEBHOOK_ACK = Histogram("moderation_webhook_ack_seconds",
                        "POST /v1/comments time to answer (stored + enqueued)", ["wait"],
                        buckets=_FAST)
DECISION_SECONDS = Histogram("moderation_engine_seconds", "Engine time per decision (this process)",
                             buckets=_FAST)
DECIDED = Counter("moderation_decisions_made_total", "Decisions made by this process",
                  ["action", "category"])
CALLBACK_ATTEMPTS = Counter("moderation_callback_attempts_total",
                            "Callback attempts by this process", ["result"])
CALLBACK_SECONDS = Histogram("moderation_callback_seconds", "Callback attempt duration",
                             buckets=_FAST)
ENQUEUE_ERRORS = Counter("moderation_enqueue_errors_total",
                         "Stored submissions whose enqueue failed (the sweeper re-enqueues them)")


def observe_decision(row: Any, seconds: float) -> None:
    DECISION_SECONDS.observe(seconds)
    DECIDED.labels(row.action, row.category or "none").inc()


def observe_callback(status: str, ok: bool, seconds: float) -> None:
    CALLBACK_ATTEMPTS.labels("ok" if ok else ("failed" if status == "failed" else "retry")).inc()
    CALLBACK_SECONDS.observe(seconds)


class StoreCollector(Collector):
    """Scrape-time gauges from the database and the queue (cached briefly: scrapes are cheap)."""

    def __init__(self, rt: Runtime, ttl_s: float = 2.0) -> None:
        self.rt = rt
        self.ttl_s = ttl_s
        self._cache: tuple[float, list[Any]] = (0.0, [])

    def collect(self) -> Iterator[Any]:
        now = time.monotonic()
        if now - self._cache[0] > self.ttl_s:
            try:
                self._cache = (now, self._families())
            except Exception as exc:
                log.warning("metrics from store unavailable: %s", exc)
        yield from self._cache[1]

    def _families(self) -> list[Any]:
        from moderation.store import repository as repo
        from moderation.store.schema import CallbackDelivery, Submission

        with self.rt.db.reading() as s:
            decisions = repo.decision_counts(s)
            subs = repo.count_by(s, Submission.status)
            deliveries = repo.count_by(s, CallbackDelivery.status)
        fams = []
        d = GaugeMetricFamily("moderation_decisions", "Stored engine decisions",
                              labels=["action", "category"])
        for (action, category), n in sorted(decisions.items()):
            d.add_metric([action, category], n)
        fams.append(d)
        sub = GaugeMetricFamily("moderation_submissions", "Submissions by status",
                                labels=["status"])
        for status in ("queued", "decided", "in_review"):
            sub.add_metric([status], subs.get(status, 0))
        fams.append(sub)
        cb = GaugeMetricFamily("moderation_callback_deliveries",
                               "Callback deliveries by status (failed = gave up)",
                               labels=["status"])
        for status in ("pending", "delivered", "failed"):
            cb.add_metric([status], deliveries.get(status, 0))
        fams.append(cb)
        q = GaugeMetricFamily("moderation_queue_depth", "Jobs waiting in the queue",
                              labels=["mode"])
        try:
            q.add_metric([self.rt.dispatcher.mode], self.rt.dispatcher.depth())
        except Exception:
            q.add_metric([self.rt.dispatcher.mode], float("nan"))
        fams.append(q)
        return fams
