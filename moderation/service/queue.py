"""Where a stored submission goes to be decided: RQ jobs (with Redis) or inline (embedded mode).

Both dispatchers take submission ids (never payloads: the database is the source of truth, so a
job lost with Redis can be recreated from it) and delivery ids for callback retries.

With RQ, a stored submission does not get a job of its own: the webhook makes sure a *drain*
job will look (``workers.jobs.drain``, ids ``drain-<hex>``), and a worker running it claims every
claimable submission in batches until none is left (``processing.drain``). A Redis flag
(``<queue>:drain-kick``, set with ``NX``) says "a drain job is queued or running and will look
again", which keeps a webhook to one Redis command; a job clears the flag just before its last
look (after lingering ``processing.LINGER_S`` on an empty queue), so a submission stored after
that sets the flag again and gets a new job. A job that finds a backlog (a full batch) queues a
helper for an idle worker when none is waiting. The sweeper asks whether a drain job is waiting
(``pending``) and, if none is, queues one for submissions left behind.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from moderation.service.runtime import Runtime

log = logging.getLogger(__name__)

MODERATE_JOB = "workers.jobs.moderate"
DRAIN_JOB = "workers.jobs.drain"
DELIVER_JOB = "workers.jobs.deliver"
DRAIN_PREFIX = "drain-"
#: How long the kick flag may outlive a lost drain job (then the next webhook queues another).
KICK_TTL_MS = 10_000
#: RQ statuses that mean "a job for this id is still going to run".
PENDING_STATUSES = frozenset({"queued", "scheduled", "deferred"})


def moderate_job_id(submission_id: int) -> str:
    """Id of a one-submission job (queued by versions before drain jobs; still honoured)."""
    return f"moderate-{submission_id}"


def drain_job_id() -> str:
    return DRAIN_PREFIX + uuid.uuid4().hex


class Dispatcher(Protocol):
    mode: str

    def enqueue_moderation(self, submission_ids: Iterable[int], *, force: bool = False) -> None:
        ...

    def kick(self, force: bool = False) -> None: ...

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

    def enqueue_moderation(self, submission_ids: Iterable[int], *, force: bool = False) -> None:
        for sid in submission_ids:
            if sid in self._queued:
                continue
            self._queued.add(sid)
            self._decide.submit(self._run_moderation, sid)

    def _run_moderation(self, sid: int) -> None:
        from moderation.service.processing import process_submission

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

    def kick(self, force: bool = False) -> None:
        """Nothing to wake: inline jobs are submitted by id (deliveries too)."""

    def enqueue_delivery(self, delivery_ids: Iterable[int]) -> None:
        from moderation.service.callbacks import deliver

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

    @property
    def kick_key(self) -> str:
        return f"{self.queue.name}:drain-kick"

    def enqueue_moderation(self, submission_ids: Iterable[int], *, force: bool = False) -> None:
        """Make sure a drain job will see these (stored) submissions. ``force``: queue one even
        if the flag says one is waiting (the sweeper, which checked that none is)."""
        if any(True for _ in submission_ids):
            self.kick(force)

    def kick(self, force: bool = False) -> None:
        """Queue a drain job unless one is already waiting (one Redis command then)."""
        if not self.redis.set(self.kick_key, b"1", nx=True, px=KICK_TTL_MS):
            if not force:
                return
            self.redis.set(self.kick_key, b"1", px=KICK_TTL_MS)
        try:
            self._enqueue_drain()
        except Exception:
            try:  # let the next webhook try again rather than wait for the flag to expire
                self.redis.delete(self.kick_key)
            except Exception:
                pass
            raise

    def _enqueue_drain(self) -> None:
        self.queue.enqueue_call(DRAIN_JOB, job_id=drain_job_id(),
                                retry=self._retry() if self.retries else None,
                                result_ttl=0, failure_ttl=86400)

    def drain_released(self) -> None:
        """Called by a drain job before its last look: later submissions need a new job."""
        self.redis.delete(self.kick_key)

    def want_help(self) -> None:
        """A drain job found a backlog: queue another one (for an idle worker) unless a job is
        already waiting. The flag is left alone: it says some job will look again."""
        if self.redis.llen(self.queue.key) == 0:
            self._enqueue_drain()

    def _drain_waiting(self) -> bool:
        from rq.registry import ScheduledJobRegistry

        ids = self.queue.get_job_ids() + ScheduledJobRegistry(queue=self.queue).get_job_ids()
        return any(i.startswith(DRAIN_PREFIX) for i in ids)

    def enqueue_delivery(self, delivery_ids: Iterable[int]) -> None:
        from rq import Queue

        jobs = [Queue.prepare_data(DELIVER_JOB, args=(did,), result_ttl=0, failure_ttl=86400)
                for did in delivery_ids]
        if jobs:
            self.queue.enqueue_many(jobs)

    def pending(self, submission_ids: Iterable[int]) -> set[int]:
        """The submissions a waiting job will see: all of them while a drain job is queued (it
        claims whatever is claimable), else those with a one-submission job of their own."""
        ids = list(submission_ids)
        if not ids:
            return set()
        if self._drain_waiting():
            return set(ids)
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
