"""Where a stored submission goes to be decided: RQ jobs (with Redis) or inline (embedded mode).

Both dispatchers take submission ids (never payloads: the database is the source of truth, so a
job lost with Redis can be recreated from it) and delivery ids for callback retries.
RQ job ids are deterministic (``moderate-<id>``) so the sweeper can ask Redis whether a
submission's job still exists.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from moderation.runtime import Runtime

log = logging.getLogger(__name__)

MODERATE_JOB = "workers.jobs.moderate"
DELIVER_JOB = "workers.jobs.deliver"
#: RQ statuses that mean "a job for this id is still going to run".
PENDING_STATUSES = frozenset({"queued", "scheduled", "deferred"})


def moderate_job_id(submission_id: int) -> str:
    return f"moderate-{submission_id}"


class Dispatcher(Protocol):
    mode: str

    def enqueue_moderation(self, submission_ids: Iterable[int]) -> None: ...

    def enqueue_delivery(self, delivery_ids: Iterable[int]) -> None: ...

    def pending(self, submission_ids: Iterable[int]) -> set[int]: ...

    def depth(self) -> int: ...

    def close(self) -> None: ...


class InlineDispatcher:
    """Runs the job functions in the API process: one thread decides (the model is not shared
    across threads), two deliver callbacks (network waits must not hold up decisions)."""

    mode = "inline"

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._decide = ThreadPoolExecutor(1, thread_name_prefix="moderation-decide")
        self._deliver = ThreadPoolExecutor(2, thread_name_prefix="moderation-deliver")
        self._queued: set[int] = set()

    def enqueue_moderation(self, submission_ids: Iterable[int]) -> None:
        for sid in submission_ids:
            if sid in self._queued:
                continue
            self._queued.add(sid)
            self._decide.submit(self._run_moderation, sid)

    def _run_moderation(self, sid: int) -> None:
        from moderation.processing import process_submission

        try:
            for attempt in range(self.runtime.settings.job_retries + 1):
                try:
                    process_submission(self.runtime, sid)
                    return
                except Exception as exc:
                    log.warning("inline job for submission %s failed (attempt %d): %s",
                                sid, attempt + 1, exc)
                    time.sleep(min(0.1 * 4**attempt, 5.0))
            # still failing: the sweeper picks it up again after MODERATION_SWEEP_STALE_S
        finally:
            self._queued.discard(sid)

    def enqueue_delivery(self, delivery_ids: Iterable[int]) -> None:
        from moderation.callbacks import deliver

        for did in delivery_ids:
            self._deliver.submit(self._safe, deliver, did)

    def _safe(self, fn: Any, arg: int) -> None:
        try:
            fn(self.runtime, arg)
        except Exception:
            log.exception("inline delivery %s failed", arg)

    def pending(self, submission_ids: Iterable[int]) -> set[int]:
        return {sid for sid in submission_ids if sid in self._queued}

    def depth(self) -> int:
        return len(self._queued)

    def close(self) -> None:
        self._decide.shutdown(wait=True, cancel_futures=False)
        self._deliver.shutdown(wait=True, cancel_futures=False)


class RQDispatcher:
    """Enqueues RQ jobs; workers (``moderation worker``) run them."""

    mode = "rq"

    def __init__(self, redis: Any, queue_name: str, job_timeout_s: int, retries: int) -> None:
        from rq import Queue

        self.redis = redis
        self.queue = Queue(queue_name, connection=redis, default_timeout=job_timeout_s)
        self.retries = retries

    def _retry(self) -> Any:
        from rq import Retry

        return Retry(max=self.retries, interval=[1, 4, 16][: self.retries] or [1])

    def enqueue_moderation(self, submission_ids: Iterable[int]) -> None:
        from rq import Queue

        jobs = [
            Queue.prepare_data(MODERATE_JOB, args=(sid,), job_id=moderate_job_id(sid),
                               retry=self._retry() if self.retries else None,
                               result_ttl=0, failure_ttl=86400)
            for sid in submission_ids
        ]
        if jobs:
            self.queue.enqueue_many(jobs)

    def enqueue_delivery(self, delivery_ids: Iterable[int]) -> None:
        from rq import Queue

        jobs = [Queue.prepare_data(DELIVER_JOB, args=(did,), result_ttl=0, failure_ttl=86400)
                for did in delivery_ids]
        if jobs:
            self.queue.enqueue_many(jobs)

    def pending(self, submission_ids: Iterable[int]) -> set[int]:
        ids = list(submission_ids)
        if not ids:
            return set()
        pipe = self.redis.pipeline(transaction=False)
        for sid in ids:
            pipe.hget(f"rq:job:{moderate_job_id(sid)}", "status")
        out = set()
        for sid, status in zip(ids, pipe.execute(), strict=True):
            if status is not None:
                status = status.decode() if isinstance(status, bytes) else status
                if status in PENDING_STATUSES:
                    out.add(sid)
        return out

    def depth(self) -> int:
        return int(self.queue.count)

    def close(self) -> None:
        pass


def make_dispatcher(runtime: Runtime) -> Dispatcher:
    s = runtime.settings
    if runtime.redis is None:
        return InlineDispatcher(runtime)
    return RQDispatcher(runtime.redis, s.queue_name, s.job_timeout_s, s.job_retries)
