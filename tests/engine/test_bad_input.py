"""Bad input gets a decision or a clear error, never a crash (issue 2, "Bad input")."""

from __future__ import annotations

import pytest

from moderation.engine import EmptyComment, Engine
from moderation.errors import TextTooLong
from moderation.models import Comment


@pytest.mark.parametrize("text", ["", " ", "\n\t  \u200b"[:4]])
def test_empty_text_is_a_clear_error(rules_engine: Engine, text: str) -> None:
    with pytest.raises(EmptyComment, match="empty"):
        rules_engine.decide(Comment(text=text))


def test_over_the_limit_is_a_clear_error(rules_engine: Engine) -> None:
    limit = rules_engine.policy.max_length
    with pytest.raises(TextTooLong) as err:
        rules_engine.decide(Comment(text="a" * (limit + 1)))
    assert err.value.limit == limit and err.value.length == limit + 1
    assert "at most" in str(err.value)


def test_100kb_text_is_decided_under_a_large_limit(policy) -> None:  # type: ignore[no-untyped-def]
    from moderation.policy import PolicyDocument

    big = policy.doc.model_copy(update={"max_length": 200_000})
    assert isinstance(big, PolicyDocument)
    from moderation.policy import Policy

    engine = Engine(Policy(big, policy.source, policy.version, policy._lists))
    text = ("The ceasefire in Syria is fragile and the talks in Geneva continue. " * 1500)[:100_000]
    d = engine.decide(Comment(text=text + " fuck"))
    assert d.action == "reject"
    assert d.reasons[0].evidence[0].text == "fuck"


# (odd text, the word the rules must still find in it, or None when the text is clean)
ODD_TEXTS: list[tuple[str, str | None]] = [
    ("bad \ud800 surrogate and \udfff another", None),  # lone surrogates (JSON "\ud800")
    ("control \x00\x01\x07\x1b[31m chars", None),
    ("mixed Москва and Ｌａｔｉｎ and العربية", None),
    ("\u202eRTL override\u202c and \u200fmarks", None),
    ("مرحبا بكم في أربيل", None),
    ("😀😀🔥🔥", None),
    ("\ufeff" * 3 + "ok", None),
    # the same oddities around a word the policy rejects: still found, evidence in place
    ("bad \ud800 surrogate \udfff fuck", "fuck"),
    ("\x00\x1b[31m shit \x07", "shit"),
    ("\u202eRTL fuck \u202c\u200f", "fuck"),
    ("😀🔥fuck🔥", "fuck"),
]


@pytest.mark.parametrize(("text", "word"), ODD_TEXTS)
def test_odd_text_gets_a_decision(rules_engine: Engine, text: str, word: str | None) -> None:
    d = rules_engine.decide(Comment(text=text))
    if word is None:
        assert d.action == "approve" and d.reasons == [], d.reasons
        return
    assert d.action == "reject", d.reasons
    start = text.index(word)
    assert [(e.start, e.end) for r in d.reasons for e in r.evidence] == [(start, start + len(word))]
    for r in d.reasons:
        for e in r.evidence:
            assert e.text == text[e.start:e.end]


def test_decision_is_reproducible_and_text_untouched(rules_engine: Engine) -> None:
    text = "You are a f u c k i n g idiot, call +44 7911 123456"
    a = rules_engine.decide(Comment(text=text))
    b = rules_engine.decide(Comment(text=text))
    assert a.model_dump(exclude={"elapsed_ms"}) == b.model_dump(exclude={"elapsed_ms"})
    assert a.policy_id == "default" and a.policy_version == rules_engine.policy.version
    assert {r.category for r in a.reasons} >= {"profanity", "personal_attack", "promotion"}
