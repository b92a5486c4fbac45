"""``confirm_at``: a model score rejects what a rule already sends to review, never on its own and
never what the rules read as framed (issue 12: violating news comments were only reviewed).

The scorer is a stub with fixed scores, so each case shows the engine's combination rule, not the
shipped model's opinion."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from pydantic import ValidationError

from moderation.engine import Engine
from moderation.models import STANDARD_LABELS, Comment
from moderation.policy import Policy
from moderation.policy.schema import ModelThresholds


class Fixed:
    name = "stub:fixed"
    labels = STANDARD_LABELS

    def __init__(self, insult: float, toxicity: float) -> None:
        self.insult, self.toxicity = insult, toxicity

    def score(self, texts: Sequence[str]) -> list[dict[str, float]]:
        return [{"insult": self.insult, "toxicity": self.toxicity} for _ in texts]


def _confirm_at(policy: Policy) -> float:
    th = policy.categories["personal_attack"].model
    assert th is not None and th.confirm_at is not None
    return th.confirm_at


# "clown" alone is a review-level word of the shipped lists; the rule reviews, it never rejects.
MILD = "Our town elected a clown for mayor."


def test_rule_review_plus_score_at_confirm_rejects(policy: Policy) -> None:
    assert Engine(policy).decide(Comment(id="1", text=MILD)).action == "review"
    at = _confirm_at(policy)
    d = Engine(policy, Fixed(insult=at, toxicity=0.0)).decide(Comment(id="1", text=MILD))
    assert d.action == "reject"
    confirmed = [r for r in d.reasons if r.source == "model" and r.action == "reject"]
    assert confirmed and "confirm threshold" in confirmed[0].message


def test_toxicity_confirms_another_categorys_rule_review(policy: Policy) -> None:
    th = policy.categories["toxicity"].model
    assert th is not None and th.confirm_at is not None
    assert "personal_attack" in th.confirm_with
    d = Engine(policy, Fixed(insult=0.0, toxicity=th.confirm_at)).decide(
        Comment(id="1", text=MILD))
    assert d.action == "reject"
    assert [r.category for r in d.reasons if r.action == "reject"] == ["toxicity"]


def test_score_below_confirm_stays_review(policy: Policy) -> None:
    at = _confirm_at(policy)
    d = Engine(policy, Fixed(insult=at - 0.01, toxicity=0.0)).decide(Comment(id="1", text=MILD))
    assert d.action == "review"


def test_score_alone_without_a_rule_is_not_confirmed(policy: Policy) -> None:
    d = Engine(policy, Fixed(insult=0.9, toxicity=0.9)).decide(
        Comment(id="1", text="The council meets again on Tuesday about the bridge."))
    assert d.action == "review"


def test_framed_words_are_not_confirmed(policy: Policy) -> None:
    d = Engine(policy, Fixed(insult=0.97, toxicity=0.98)).decide(
        Comment(id="1", text="this plan is stupid"))
    assert d.action == "review"


@pytest.mark.parametrize("kwargs", [
    {"labels": ["insult"], "confirm_at": 0.7},                      # no review_at to upgrade
    {"labels": ["insult"], "review_at": 0.8, "confirm_at": 0.7},    # below review_at
    {"labels": ["insult"], "review_at": 0.5, "reject_at": 0.6, "confirm_at": 0.7},
])
def test_confirm_at_must_sit_between_review_and_reject(kwargs: dict) -> None:
    with pytest.raises(ValidationError):
        ModelThresholds(**kwargs)
