"""The moderation job: stored submission -> engine -> stored decision -> callback.

What an RQ worker (``workers.jobs.moderate``) or the inline dispatcher runs for one submission.
At-least-once safe: the processing lease keeps two live jobs off the same submission, and the
decisions' unique constraint makes a repeated job return the first decision instead of storing
a second one. The callback is attempted right away; retries go through the sweeper.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from moderation.errors import ModerationError
from moderation.models import Article, Comment, Decision, Reason
from moderation.runtime import Runtime
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


def decide(rt: Runtime, site: Site, sub: Submission) -> Decision:
    engine = rt.registry.engine(site.policy_id)
    try:
        return engine.decide(to_comment(sub))
    except ModerationError as exc:
        # e.g. accepted under an earlier, longer limit: a person decides, nothing is cut
        policy = rt.registry.policy(site.policy_id)
        from moderation import ENGINE_VERSION

        return Decision(
            action="review",
            reasons=[Reason(category="not_decidable", source="rule", action="review",
                            rule_id=type(exc).__name__, message=str(exc))],
            policy_id=policy.id, policy_version=policy.version, engine_version=ENGINE_VERSION,
        )


def process_submission(rt: Runtime, submission_id: int) -> Outcome:
    from moderation import callbacks, metrics

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
    saved = repo.save_engine_decision(
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
