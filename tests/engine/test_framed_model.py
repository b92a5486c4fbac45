"""A model score alone never rejects what the rules read as quoted, reported, negated or said of a
thing (issue 12: "this plan is stupid" is criticism; a court report quoting a threat is news).

The scorer here is a stub that scores every text as an insult and a threat at 1.0, so each case
shows what the engine does with the rules' reading, whatever the shipped model says."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from moderation.engine import Engine
from moderation.models import STANDARD_LABELS, Comment
from moderation.policy import Policy


class AlwaysToxic:
    name = "stub:always-toxic"
    labels = STANDARD_LABELS

    def score(self, texts: Sequence[str]) -> list[dict[str, float]]:
        return [{lb: (0.0 if lb == "spam" else 1.0) for lb in self.labels} for _ in texts]


@pytest.fixture(scope="module")
def engine(policy: Policy) -> Engine:
    return Engine(policy, AlwaysToxic())


@pytest.mark.parametrize("text", [
    "this plan is stupid",
    "The court heard the defendant shout 'I will kill you'",
])
def test_framed_words_hold_model_rejects_for_review(engine: Engine, text: str) -> None:
    d = engine.decide(Comment(id="1", text=text))
    assert d.action == "review"
    held = [r for r in d.reasons if r.source == "model" and "held for review" in r.message]
    assert held and all(r.action == "review" for r in held)
    assert not any(r.action == "reject" for r in d.reasons)


@pytest.mark.parametrize("text", [
    "you are stupid",                    # a rule rejects: the model's rejects stand beside it
    "The weather was lovely at the match",  # no rule word framed: the model decides as before
])
def test_unframed_comments_keep_model_rejects(engine: Engine, text: str) -> None:
    d = engine.decide(Comment(id="1", text=text))
    assert d.action == "reject"
    assert any(r.source == "model" and r.action == "reject" for r in d.reasons)
    assert not any("held for review" in r.message for r in d.reasons)
