"""``confirm_only`` patterns (issue 12): a shape that is an insult as often as praise ("you are a
...") is silent on its own, and rejects, naming the words and the score, only when its category's
model score is at ``confirm_at``.

The cases are our own (tests/engine/data/confirm_you_cases.tsv). Stub scorers show the
combination rule; ``test_shipped_model_on_own_cases`` runs the shipped sklearn model and checks
each decision against the score it printed, so it holds whatever the model says."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from moderation.engine import Engine
from moderation.errors import PolicyError
from moderation.models import STANDARD_LABELS, Comment, Decision
from moderation.policy import Policy, load_policy
from tests.engine.case_files import case_rows

RULE = "personal_attack.you_are_a"
CASES = Path(__file__).parent / "data" / "confirm_you_cases.tsv"


def cases() -> list[tuple[str, ...]]:
    return case_rows(CASES, 4)


SHAPES = {"you_are_a"}  # the shapes the pattern finds; the others are contrasts
SHAPED = [c[3] for c in cases() if c[2] in SHAPES]
UNSHAPED = [c[3] for c in cases() if c[2] not in SHAPES]


class Fixed:
    name = "stub:fixed"
    labels = STANDARD_LABELS

    def __init__(self, insult: float) -> None:
        self.insult = insult

    def score(self, texts: Sequence[str]) -> list[dict[str, float]]:
        return [{"insult": self.insult} for _ in texts]


@pytest.fixture(scope="module")
def at(policy: Policy) -> float:
    return _confirm_at(policy)


@pytest.fixture(scope="module")
def engines(policy: Policy, at: float) -> dict[str, Engine]:
    """Built once: rules only, a score just below confirm_at, and one at it."""
    return {"rules": Engine(policy), "below": Engine(policy, Fixed(at - 0.01)),
            "at": Engine(policy, Fixed(at))}


def _confirm_at(policy: Policy) -> float:
    th = policy.categories["personal_attack"].model
    assert th is not None and th.confirm_at is not None
    return th.confirm_at


def _ours(d: Decision) -> list:
    return [r for r in d.reasons if r.rule_id == RULE]


def _rules_only_hit(engine: Engine, text: str) -> bool:
    """Does the pattern find its shape? (the rule layer's silent output)"""
    from moderation.normalize import normalize

    pending: list = []
    engine.rules.match(normalize(text), confirm_out=pending)
    return any(r.rule_id == RULE for r in pending)


def test_the_shape_is_found_in_every_shaped_case_and_no_other(engines: dict) -> None:
    assert [t for t in SHAPED if not _rules_only_hit(engines["rules"], t)] == []
    assert [t for t in UNSHAPED if _rules_only_hit(engines["rules"], t)] == []


@pytest.mark.parametrize("text", SHAPED)
def test_silent_without_a_model_score(engines: dict, text: str) -> None:
    """Rules only, and with a score below confirm_at: no reason, no flag of the pattern."""
    assert _ours(engines["rules"].decide(Comment(id="1", text=text))) == []
    assert _ours(engines["below"].decide(Comment(id="1", text=text))) == []


@pytest.mark.parametrize("text", SHAPED)
def test_rejects_at_confirm_at_naming_words_and_score(engines: dict, at: float,
                                                       text: str) -> None:
    d = engines["at"].decide(Comment(id="1", text=text))
    assert d.action == "reject"
    (r,) = _ours(d)
    assert r.action == "reject" and r.source == "rule"
    assert r.label == "insult" and r.score == at and r.threshold == at
    assert r.evidence and all(text[e.start:e.end] == e.text for e in r.evidence)
    assert f'"{r.evidence[0].text}"' in r.message
    assert f"insult={at:.3f} >= confirm threshold {at}" in r.message


def test_reason_text(policy: Policy) -> None:
    d = Engine(policy, Fixed(0.8)).decide(Comment(id="1", text="What a hypocrite you are!"))
    (r,) = _ours(d)
    assert r.message == ('personal attack: you are a "What a hypocrite you are", confirmed by '
                         'the model: insult=0.800 >= confirm threshold 0.6')


def test_framed_shape_stays_silent(engines: dict) -> None:
    """Reported or negated, the shape is not an attack for the model to confirm."""
    for text in ("He told me you are a clown.", "I never said you are a fool."):
        assert _ours(engines["at"].decide(Comment(id="1", text=text))) == [], text


def test_wider_span_hides_no_other_rules_evidence(engines: dict) -> None:
    """A listed word inside the shape keeps its own reason, with or without the model."""
    text = "you are a moron"
    plain = engines["rules"].decide(Comment(id="1", text=text))
    confirmed = engines["at"].decide(Comment(id="1", text=text))
    rules = [(r.rule_id, [e.text for e in r.evidence]) for r in plain.reasons]
    assert rules and all(x in [(r.rule_id, [e.text for e in r.evidence])
                               for r in confirmed.reasons] for x in rules)


def test_shipped_model_on_own_cases(policy: Policy, capsys: pytest.CaptureFixture) -> None:
    """The shipped model decides: each shaped case is rejected by the pattern exactly when its
    printed insult score is at confirm_at, and never otherwise."""
    from moderation.scorers import load_scorer

    try:
        scorer = load_scorer("sklearn")
    except Exception as exc:  # noqa: BLE001 - no model in this install
        pytest.skip(f"shipped model not available: {exc}")
    at = _confirm_at(policy)
    engine = Engine(policy, scorer)
    texts = [c[3] for c in cases()]
    decisions = engine.decide_batch([Comment(id=str(i), text=t) for i, t in enumerate(texts)])
    confirmed = 0
    with capsys.disabled():
        print()
        for (_, expected, shape, text), d in zip(cases(), decisions, strict=True):
            score = d.scores["insult"]
            ours = _ours(d)
            print(f"  insult={score:.3f} {shape:9s} {expected:7s} -> {d.action:7s} "
                  f"{'[you_are_a]' if ours else '           '} {text[:60]}")
            assert bool(ours) == (shape in SHAPES and score >= at), text
            if ours:
                confirmed += 1
                assert d.action == "reject" and ours[0].score == pytest.approx(score, abs=1e-4)
        print(f"  {confirmed} of {len(SHAPED)} shaped cases confirmed at insult >= {at}")


BASE = """\
id: test
categories:
  personal_attack:
    description: insults
    action: reject
    patterns:
      - id: you_are_a
        confirm_only: true
        pattern: '\\byou\\s+are\\s+an?\\s+\\w+'
{extra}"""


def _problems(tmp_path: Path, text: str) -> list[str]:
    p = tmp_path / "policy.yaml"
    p.write_text(text)
    with pytest.raises(PolicyError) as err:
        load_policy(p)
    return err.value.problems


MODEL = "    model: {labels: [insult], review_at: 0.6, confirm_at: 0.6}\n"
NO_CONFIRM = "    model: {labels: [insult], review_at: 0.6}\n"


def test_valid_with_confirm_at(tmp_path: Path) -> None:
    p = tmp_path / "policy.yaml"
    p.write_text(BASE.format(extra=MODEL))
    assert load_policy(p).categories["personal_attack"].patterns[0].confirm_only


@pytest.mark.parametrize(("extra", "action", "wanted"), [
    ("", "", "needs this category's model.confirm_at"),
    (NO_CONFIRM, "", "needs this category's model.confirm_at"),
    (MODEL, "        action: review\n", "takes no 'action'"),
])
def test_bad_config_gives_a_clear_error(tmp_path: Path, extra: str, action: str,
                                        wanted: str) -> None:
    text = BASE.format(extra=extra).replace("        confirm_only: true\n",
                                            "        confirm_only: true\n" + action)
    (msg,) = _problems(tmp_path, text)
    assert "patterns.you_are_a: confirm_only" in msg and wanted in msg, msg


def test_flag_category_is_refused(tmp_path: Path) -> None:
    text = BASE.format(extra=MODEL).replace("action: reject", "action: flag")
    (msg,) = _problems(tmp_path, text)
    assert "confirm_only" in msg and "'flag'" in msg, msg
