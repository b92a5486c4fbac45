"""The moderation job: stored submission -> engine -> stored decision -> callback.

``process_submission`` decides one submission (the inline dispatcher, old ``moderate`` jobs);
``drain`` is what an RQ worker runs (``workers.jobs.drain``): claim a batch of claimable
submissions at once, decide them with ``Engine.decide_batch``, save every decision in one
transaction, send the callbacks concurrently and record them in one transaction; then the same
for due callback retries; until nothing is left. At-least-once safe either way: the processing
lease keeps two live workers off the same submission, and the decisions' unique constraint makes
a repeated or racing save return the first decision instead of storing a second one.
"""

from __future__ import annotations

import functools
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from moderation.errors import ModerationError
from moderation.models import Article, Comment, Decision, Reason
from moderation.service.runtime import Runtime
from moderation.store import batches
from moderation.store import repository as repo
from moderation.store.schema import Site, Submission

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    submission_id: int
    status: str  # decided | in_review | skipped (decided before or leased by another job)
    action: str | None = None
    created: bool = False
    delivery_id: int | None = None


def to_comment(sub: Submission) -> Comment:
    article = Article(**sub.article) if sub.article else None
    return Comment(
        text=sub.text,
        site_id=sub.site_id,
        comment_id=sub.comment_id,
        article=article,
        author_id=sub.author_id,
        parent_id=sub.parent_id,
        submitted_at=sub.submitted_at,
    )


def not_decidable(rt: Runtime, policy_id: str, exc: ModerationError) -> Decision:
    """E.g. accepted under an earlier, longer limit: a person decides, nothing is cut."""
    policy = rt.registry.policy(policy_id)
    from moderation import ENGINE_VERSION

    return Decision(
        action="review",
        reasons=[Reason(category="not_decidable", source="rule", action="review",
                        rule_id=type(exc).__name__, message=str(exc))],
        policy_id=policy.id, policy_version=policy.version, engine_version=ENGINE_VERSION,
    )


def decide(rt: Runtime, site: Site, sub: Submission) -> Decision:
    engine = rt.registry.engine(site.policy_id)
    try:
        return engine.decide(to_comment(sub))
    except ModerationError as exc:
        return not_decidable(rt, site.policy_id, exc)


def decide_many(rt: Runtime, subs: Sequence[Any]) -> list[Decision | Exception]:
    """Decide submissions grouped by policy, each group in one ``decide_batch`` call (the scorer
    sees one batch). If a batch fails, its comments are decided one by one, so one bad comment
    costs only its own decision (returned as the exception)."""
    out: list[Decision | Exception] = [RuntimeError("not decided")] * len(subs)
    groups: dict[str, list[int]] = defaultdict(list)
    sites: dict[str, Any] = {}
    for i, sub in enumerate(subs):
        site = sites.setdefault(sub.site_id, rt.site(sub.site_id))
        if site is None:
            out[i] = LookupError(f"site {sub.site_id!r} is not registered")
            continue
        groups[site.policy_id].append(i)
    for policy_id, idx in groups.items():
        engine = rt.registry.engine(policy_id)
        batch = getattr(engine, "decide_batch", None)
        if batch is not None and len(idx) > 1:
            try:
                for i, d in zip(idx, batch([to_comment(subs[i]) for i in idx]), strict=True):
                    out[i] = d
                continue
            except Exception:  # e.g. one comment over the limit: find it one by one
                pass
        for i in idx:
            try:
                out[i] = engine.decide(to_comment(subs[i]))
            except ModerationError as exc:
                out[i] = not_decidable(rt, policy_id, exc)
            except Exception as exc:
                out[i] = exc
    return out


def process_submission(rt: Runtime, submission_id: int) -> Outcome:
    from moderation.service import callbacks, metrics

    s_settings = rt.settings
    with rt.db.session() as s:
        sub = repo.claim_submission(s, submission_id, lease_s=s_settings.job_timeout_s)
        if sub is None:
            current = s.get(Submission, submission_id)
            return Outcome(submission_id, "skipped" if current else "missing")
    site = rt.site(sub.site_id)
    assert site is not None
    t0 = time.perf_counter()
    try:
        decision = decide(rt, site, sub)
    except Exception:
        with rt.db.session() as s:  # let a retry start at once rather than after the lease
            repo.release_submission(s, submission_id)
        raise
    saved = batches.save_engine_decision(
        rt.db, sub, decision,
        callback_url=site.callback_url,
        callback_body=lambda row: callbacks.build_body(sub, row),
        delivery_lease_s=s_settings.callback_timeout_s + 30,
    )
    if saved.created:
        metrics.observe_decision(saved.row, time.perf_counter() - t0)
    rt.notifier.publish(submission_id)
    if saved.delivery_id is not None:
        if saved.created:  # created leased to us: attempt at once, no claim needed
            callbacks.attempt(rt, saved.delivery_id, saved.delivery_url or "",
                              saved.delivery_body or "", sub.site_id)
        else:
            callbacks.deliver(rt, saved.delivery_id)
    return Outcome(submission_id, "decided" if decision.final else "in_review",
                   saved.row.action, saved.created, saved.delivery_id)


@dataclass
class BatchReport:
    claimed: int = 0
    decided: int = 0
    failed: int = 0
    callbacks: int = 0


def retry_delay_s(rt: Runtime, attempts: int) -> float:
    """Back-off before a submission whose decision failed is claimed again: 1, 4, 16 s..."""
    return float(min(4 ** max(attempts - 1, 0), rt.settings.job_timeout_s))


def process_batch(rt: Runtime, limit: int | None = None) -> BatchReport:
    """Claim up to ``limit`` (``MODERATION_WORKER_BATCH``) submissions, decide, save, call back."""
    from moderation.service import callbacks, metrics

    st = rt.settings
    with rt.db.session() as s:
        subs = batches.claim_submissions(s, limit or st.worker_batch, st.job_timeout_s)
    report = BatchReport(claimed=len(subs))
    if not subs:
        return report
    decisions = decide_many(rt, subs)
    items: list[batches.ToSave] = []
    failed: dict[float, list[int]] = defaultdict(list)
    for sub, d in zip(subs, decisions, strict=True):
        if isinstance(d, Exception):
            log.warning("submission %s not decided (attempt %d): %s", sub.id, sub.attempts, d)
            failed[retry_delay_s(rt, sub.attempts)].append(sub.id)
            continue
        site = rt.site(sub.site_id)
        items.append(batches.ToSave(sub, d, site.callback_url,
                                    functools.partial(callbacks.build_body, sub)))
    if failed:  # leased for the back-off: a later claim (or the sweeper's job) retries them
        with rt.db.session() as s:
            for delay, ids in failed.items():
                batches.retry_later(s, ids, delay)
    report.failed = sum(len(ids) for ids in failed.values())
    saved = batches.save_engine_decisions(rt.db, items,
                                          delivery_lease_s=st.callback_timeout_s + 30)
    report.decided = len(saved)
    leased: list[batches.Due] = []
    others: list[int] = []
    for it, sv in zip(items, saved, strict=True):
        if sv.created:
            metrics.observe_decision(sv.row, it.decision.elapsed_ms / 1000)
        if sv.delivery_id is None:
            continue
        if sv.created:  # created leased to us: attempt at once, no claim needed
            leased.append(batches.Due(sv.delivery_id, sv.delivery_url or "",
                                      sv.delivery_body or "", it.submission.site_id))
        else:
            others.append(sv.delivery_id)
    rt.notifier.publish_many([it.submission.id for it in items])
    callbacks.attempt_many(rt, leased)
    for did in others:
        callbacks.deliver(rt, did)
    report.callbacks = len(leased) + len(others)
    return report


def deliver_due(rt: Runtime, limit: int | None = None) -> int:
    """Claim and send up to ``limit`` due callback deliveries (first tries left to the queue by
    the API's ``?wait`` path, and retries whose back-off has elapsed)."""
    from moderation.service import callbacks

    st = rt.settings
    with rt.db.session() as s:
        due = batches.claim_due_deliveries(s, limit or st.worker_batch,
                                           st.callback_timeout_s + 30)
    callbacks.attempt_many(rt, due)
    return len(due)


@dataclass
class DrainReport:
    batches: int = 0
    decided: int = 0
    callbacks: int = 0
    finished: bool = True  # False: stopped at the time budget with work possibly left


#: How long a drain loop keeps looking after the queue ran dry, and how often: a comment that
#: arrives meanwhile is taken by the running job instead of costing a new RQ job.
LINGER_S = 0.2
LINGER_POLL_S = 0.02
#: After a partial batch, wait this long before the next claim, so batches fill up (each costs
#: a few round trips whatever its size) at the price of that much queueing. At 100 webhooks/s
#: 50 ms instead of 10 took the whole machine from 9.6 to 6.6 ms of CPU per comment
#: (benchmarks/bench_service.py, ack phase, two runs each), leaving the API more of the cores.
GATHER_S = 0.05
#: Due callbacks (left by ``?wait`` requests, retries) are looked for at most this often while
#: submissions keep coming, and always on the last look.
DUE_EVERY_S = 0.25


def drain(rt: Runtime, budget_s: float | None = None, *, linger_s: float = 0.0,
          release: Callable[[], None] | None = None,
          want_help: Callable[[], None] | None = None) -> DrainReport:
    """Process batches until nothing is claimable (or ``budget_s`` is spent: a job must end
    well inside its timeout, which is also the processing lease).

    ``linger_s``: once dry, keep looking that long before stopping. ``release()`` is called
    once before stopping and followed by one more look (the RQ job clears its "a drain job will
    look again" flag there, so nothing stored before the flag went is left behind).
    ``want_help()`` is called after a full batch (a backlog: other workers may join in).
    """
    budget = rt.settings.job_timeout_s / 3 if budget_s is None else budget_s
    deadline = time.monotonic() + budget
    report = DrainReport()
    idle_since: float | None = None
    sent = 0
    next_due = 0.0
    while True:
        b = process_batch(rt)
        now = time.monotonic()
        if sent or now >= next_due or release is None or not b.claimed:
            sent, next_due = deliver_due(rt), now + DUE_EVERY_S
        else:
            sent = 0
        report.batches += 1
        report.decided += b.decided
        report.callbacks += b.callbacks + sent
        if b.claimed or sent:
            idle_since = None
            full = b.claimed >= rt.settings.worker_batch
            if want_help is not None and full:
                want_help()
            if now >= deadline:
                report.finished = False
                return report
            if not full:
                time.sleep(GATHER_S)
            continue
        idle_since = idle_since if idle_since is not None else now
        if now - idle_since < linger_s and now < deadline:
            time.sleep(LINGER_POLL_S)
            continue
        if release is None:
            return report
        release()
        release = None
