"""The reject reason the review page preselects (issue 13, item 11): a rule names its guideline;
a model-only flag preselects a specific guideline only when a specific label points at one."""

from __future__ import annotations

from typing import Any

from moderation.policy import load_policy
from moderation.review.decisions import reason_codes
from moderation.review.suggest import suggested_reason
from moderation.review.views import ReasonCode


class _Registry:
    def policy(self, _: str) -> Any:
        return load_policy(None)  # the shipped default policy


CODES: list[ReasonCode] = reason_codes(_Registry())("default")


def model(category: str, label: str, score: float) -> dict[str, Any]:
    return {"category": category, "source": "model", "action": "review", "label": label,
            "score": score}


def test_codes_carry_the_policy_model_labels() -> None:
    by_code = {c.code: c for c in CODES}
    assert by_code["abuse"].labels == ["identity_attack", "severe_toxicity"]
    assert by_code["toxicity"].labels == ["toxicity"] and by_code["toxicity"].review_at == 0.85
    assert by_code["xenophobia"].labels == []


def test_a_rule_names_the_guideline_even_beside_a_model_flag() -> None:
    reasons = [model("toxicity", "toxicity", 0.9),
               {"category": "xenophobia", "source": "rule", "action": "reject"}]
    assert suggested_reason(reasons, {"toxicity": 0.9}, CODES) == "xenophobia"


def test_toxicity_only_flag_on_identity_abuse_preselects_abuse_not_toxicity() -> None:
    # the model flagged "toxicity" only; identity_attack is high but under its own threshold
    scores = {"toxicity": 0.93, "identity_attack": 0.41, "insult": 0.12}
    assert suggested_reason([model("toxicity", "toxicity", 0.93)], scores, CODES) == "abuse"


def test_toxicity_only_flag_with_no_specific_signal_has_no_default() -> None:
    scores = {"toxicity": 0.9, "identity_attack": 0.05, "insult": 0.2, "threat": 0.01}
    assert suggested_reason([model("toxicity", "toxicity", 0.9)], scores, CODES) is None


def test_one_specific_model_flag_is_preselected() -> None:
    scores = {"toxicity": 0.95, "insult": 0.7, "identity_attack": 0.1}
    reasons = [model("toxicity", "toxicity", 0.95), model("personal_attack", "insult", 0.7)]
    assert suggested_reason(reasons, scores, CODES) == "personal_attack"


def test_insult_flag_on_a_group_directed_comment_has_no_default() -> None:
    # only personal_attack is flagged (insult 0.7), but identity_attack is within reach of the
    # abuse threshold: an insult to the person addressed, or abuse of a group? The moderator says.
    scores = {"toxicity": 0.95, "insult": 0.7, "identity_attack": 0.45}
    reasons = [model("toxicity", "toxicity", 0.95), model("personal_attack", "insult", 0.7)]
    assert suggested_reason(reasons, scores, CODES) is None


def test_two_specific_model_flags_have_no_default() -> None:
    # insult and severe_toxicity both flagged: an insult to a person, or abuse of a group?
    scores = {"toxicity": 0.99, "insult": 0.87, "severe_toxicity": 0.52}
    reasons = [model("personal_attack", "insult", 0.87),
               model("abuse", "severe_toxicity", 0.52), model("toxicity", "toxicity", 0.99)]
    assert suggested_reason(reasons, scores, CODES) is None


def test_catch_all_flag_leaning_two_ways_has_no_default() -> None:
    scores = {"toxicity": 0.9, "identity_attack": 0.4, "insult": 0.5}
    assert suggested_reason([model("toxicity", "toxicity", 0.9)], scores, CODES) is None


def test_xenophobic_comment_with_a_weak_threat_score_is_not_filed_as_a_threat() -> None:
    # the shipped model on "Send them all back, this country is full of them"
    scores = {"toxicity": 0.9729, "threat": 0.3027, "insult": 0.168, "identity_attack": 0.2054}
    assert suggested_reason([model("toxicity", "toxicity", 0.9729)], scores, CODES) is None


def test_a_flag_is_not_a_reason() -> None:
    reasons = [{"category": "off_topic", "source": "rule", "action": "flag"}]
    assert suggested_reason(reasons, {}, CODES) is None
