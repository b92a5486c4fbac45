"""decide(comment, policy, scorer) -> Decision. Pure: no I/O, no clock in the verdict.

Rules carry the decision where the guidelines are explicit (a slur, a threat, a phone number);
the model is a signal that sends uncertain comments to a person and rejects on its own only at
the very high confidence the policy sets (docs/model-notes.md says why: on news comments a
plain classifier cannot judge alone). The comment text is never modified.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from moderation import ENGINE_VERSION
from moderation.errors import ModerationError, TextTooLong
from moderation.languages.coverage import covered_languages
from moderation.languages.detect import detect, warm
from moderation.languages.near import NearMatcher
from moderation.languages.scope import not_covered, scope
from moderation.languages.unless import PatternUnless
from moderation.models import Comment, Decision, Reason
from moderation.normalize import normalize
from moderation.policy import Policy
from moderation.rules import RuleSet
from moderation.scorers.base import Explainer, NullScorer, Scorer

_SEVERITY = {"flag": 0, "review": 1, "reject": 2}


class EmptyComment(ModerationError):
    """Nothing to moderate: the CMS should not submit empty comments (the API answers 422)."""

    def __init__(self) -> None:
        super().__init__("comment text is empty (or only white space)")


class Engine:
    """A policy version's rules, compiled once, plus a scorer."""

    def __init__(self, policy: Policy, scorer: Scorer | None = None) -> None:
        self.policy = policy
        self.scorer: Scorer = scorer if scorer is not None else NullScorer()
        self.rules = RuleSet.build(policy)
        self.covered = covered_languages(policy)
        self._not_covered_action = policy.doc.languages.not_covered
        self.near = NearMatcher(policy, set(self.rules.categories))
        self.pattern_unless = PatternUnless(policy, set(self.rules.categories))
        self._order = {name: i for i, name in enumerate(policy.categories)}
        warm()
        self._model_rules = [
            (name, cat.model, cat.action)
            for name, cat in policy.categories.items()
            if cat.enabled and cat.model is not None
            and any(label in self.scorer.labels for label in cat.model.labels)
        ]
        #: category -> (confirm_at, categories whose rule review it confirms)
        self._confirm: dict[str, tuple[float, frozenset[str]]] = {
            name: (th.confirm_at, frozenset(th.confirm_with or [name]))
            for name, th, action in self._model_rules
            if th.confirm_at is not None and action != "flag"
        }
        #: category -> its model labels (a confirm_only pattern's score is their highest)
        self._labels: dict[str, list[str]] = {name: th.labels for name, th, _ in self._model_rules}

    def check(self, text: str) -> None:
        """Raise the error a comment would get before any work is done on it."""
        if len(text) > self.policy.max_length:
            raise TextTooLong(len(text), self.policy.max_length)
        if not text.strip():
            raise EmptyComment()

    def decide(self, comment: Comment) -> Decision:
        return self.decide_batch([comment])[0]

    def decide_batch(self, comments: Sequence[Comment]) -> list[Decision]:
        """Decide many comments at once: the scorer sees them as one batch (much faster)."""
        t0 = time.perf_counter()
        for c in comments:
            self.check(c.text)
        scores: list[dict[str, float]] = (
            self.scorer.score([c.text for c in comments]) if self._model_rules
            else [{} for _ in comments]
        )
        decisions: list[Decision] = []
        for comment, sc in zip(comments, scores, strict=True):
            nt = normalize(comment.text)
            framed: set[str] = set()
            pending: list[Reason] = []  # confirm_only pattern hits: count only when confirmed
            reasons = self.rules.match(nt, comment.article, framed_out=framed,
                                       confirm_out=pending)
            detection = detect(comment.text)
            if self.near.languages and detection.may_be(self.near.languages):
                reasons.extend(self.near.match(nt))
                reasons.sort(key=self._category_order)
            if reasons and (self.pattern_unless.rules or self.pattern_unless.quoted):
                reasons = self.pattern_unless.filter(reasons, nt)
            if reasons:
                reasons = scope(reasons, detection, self.covered)
            uncovered = not_covered(detection, self.covered, self._not_covered_action,
                                    comment.text)
            if uncovered is not None:
                reasons.append(uncovered)
            model = self._model_reasons(sc)
            if framed and not any(r.action == "reject" for r in reasons):
                _hold_for_review(model, framed)
            elif self._confirm:
                self._confirm_rule_reviews(model, reasons)
            if pending and self._confirm:  # its own span was checked for frames: other
                self._confirm_patterns(pending, sc, reasons)  # words' frames don't hold it
            reasons.extend(model)
            decision = self._decision(reasons, sc, detection.languages)
            if decision.action == "review":
                self._explain(comment.text, decision.reasons)
            decisions.append(decision)
        per_comment = (time.perf_counter() - t0) * 1000 / max(len(comments), 1)
        for d in decisions:
            d.elapsed_ms = round(per_comment, 3)
        return decisions

    def _confirm_rule_reviews(self, model: list[Reason], reasons: list[Reason]) -> None:
        """A model score at ``confirm_at`` rejects what a rule of a ``confirm_with`` category
        already sends to review: the rule found the words (a mild insult, "X is a liar"), the
        model reads the comment as hostile. Either alone is not trusted to reject (a bare
        "stupid" may be self-mockery; a high score alone rejects banter), together they are
        (benchmarks/dev_misses.py, policies/default.yaml's note on thresholds)."""
        reviewed = {r.category for r in reasons if r.source == "rule" and r.action == "review"}
        if not reviewed:
            return
        for r in model:
            confirm = self._confirm.get(r.category)
            if (r.action == "review" and confirm is not None and r.score is not None
                    and r.score >= confirm[0] and reviewed & confirm[1]):
                by = ", ".join(sorted(c.replace("_", " ") for c in reviewed & confirm[1]))
                r.action, r.threshold = "reject", confirm[0]
                r.message = (f"{r.category.replace('_', ' ')}: model score {r.label}="
                             f"{r.score:.3f} >= confirm threshold {confirm[0]}, with the "
                             f"{by} rule's review")

    def _confirm_patterns(self, pending: list[Reason], scores: dict[str, float],
                          reasons: list[Reason]) -> None:
        """A ``confirm_only`` pattern's hit ("you are a ...", said of a genius as of a fool)
        becomes a reject reason when its category's model score is at ``confirm_at``, naming
        the words and the score (a moderator reads both); below it, nothing at all."""
        added = False
        for r in pending:
            confirm = self._confirm.get(r.category)
            labels = self._labels.get(r.category)
            if confirm is None or not labels:
                continue
            label, score = _top_label(labels, scores)
            if score < confirm[0]:
                continue
            r.label, r.score, r.threshold = label, round(score, 4), confirm[0]
            r.message += (f", confirmed by the model: {label}={score:.3f} >= confirm "
                          f"threshold {confirm[0]}")
            reasons.append(r)
            added = True
        if added:
            reasons.sort(key=self._category_order)

    def _category_order(self, r: Reason) -> int:
        """Reasons in policy category order, as the rule layer gives them."""
        return self._order.get(r.category, len(self._order))

    def _model_reasons(self, scores: dict[str, float]) -> list[Reason]:
        reasons: list[Reason] = []
        for name, thresholds, cat_action in self._model_rules:
            label, score = _top_label(thresholds.labels, scores)
            action = None
            if thresholds.reject_at is not None and score >= thresholds.reject_at:
                action, threshold = "reject", thresholds.reject_at
            elif thresholds.review_at is not None and score >= thresholds.review_at:
                action, threshold = "review", thresholds.review_at
            if action is None:
                continue
            if cat_action == "flag":
                action = "flag"
            reasons.append(Reason(
                category=name, source="model", action=action, label=label,  # type: ignore[arg-type]
                score=round(score, 4), threshold=threshold,
                message=f"{name.replace('_', ' ')}: model score {label}={score:.3f} "
                        f">= {action} threshold {threshold}"))
        return reasons

    def _explain(self, text: str, reasons: list[Reason]) -> None:
        """Give model reasons the words that pushed their score (when the scorer can say), so a
        moderator sees what a model-only flag is about. Only for comments sent to review, the
        ones a person reads: explaining costs about twice scoring (benchmarks/bench_explain.py),
        and paying it for every flagged comment halved the engine's batch throughput."""
        model = [r for r in reasons if r.source == "model" and r.label]
        if not model or not isinstance(self.scorer, Explainer):
            return
        spans = self.scorer.explain(text, [r.label or "" for r in model])
        for r in model:
            r.evidence = list(spans.get(r.label or "", []))

    def _decision(self, reasons: list[Reason], scores: dict[str, float],
                  languages: list[str]) -> Decision:
        worst = max((_SEVERITY[r.action] for r in reasons), default=0)
        action = {2: "reject", 1: "review"}.get(worst, "approve")
        return Decision(
            action=action,  # type: ignore[arg-type]
            reasons=reasons,
            scores={k: round(v, 4) for k, v in scores.items()},
            policy_id=self.policy.id,
            policy_version=self.policy.version,
            engine_version=ENGINE_VERSION,
            scorer=self.scorer.name,
            languages=languages,
        )


def decide(comment: Comment, policy: Policy, scorer: Scorer | None = None) -> Decision:
    """One-off convenience; services keep an Engine per policy version instead."""
    return Engine(policy, scorer).decide(comment)


def _hold_for_review(model_reasons: list[Reason], framed: set[str]) -> None:
    """The rules found the words a model score rests on and read them as quoted, reported,
    negated, condemned or said of a thing ("this plan is stupid", "the court heard him shout 'I
    will kill you'"). A bag-of-n-grams model cannot see that frame, so its score alone may not
    reject: a person decides."""
    for r in model_reasons:
        if r.action == "reject":
            r.action = "review"
            r.message += (f" (held for review, not rejected: the rules read the "
                          f"{', '.join(sorted(c.replace('_', ' ') for c in framed))} words as "
                          f"quoted, reported, negated or said of a thing)")


def _top_label(labels: Sequence[str], scores: dict[str, float]) -> tuple[str, float]:
    """A category's highest model label and its score (the first label on ties): what its
    model reason reports and what a confirm_only pattern is confirmed by."""
    label, score = "", -1.0
    for lb in labels:
        value = scores.get(lb, 0.0)
        if value > score:
            label, score = lb, value
    return label, score
