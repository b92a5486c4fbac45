"""Protocol mapping without HTTP: HTML text extraction, Coral signatures and answers,
Perspective attribute scores."""

from __future__ import annotations

import pytest

from moderation.integrations import coral, perspective
from moderation.integrations.html_text import to_plain_text
from moderation.models import Decision, Evidence, Reason

COMMON = {"policy_id": "default", "policy_version": "1", "engine_version": "e"}


@pytest.mark.parametrize("body, text", [
    ("plain text, no markup", "plain text, no markup"),
    ("<div>Hello <b>world</b></div>", "Hello world\n"),
    ("a<br>b<br/>c", "a\nb\nc"),
    ("fish &amp; chips &lt;3 &#233;t&#xE9; &nbsp;x", "fish & chips <3 été \xa0x"),
    ("f<b>uc</b>k", "fuck"),
    ("<p>a</p><script>alert(1)</script><p>b</p>", "a\nb\n"),
    ("<!-- note -->ok", "ok"),
    ("1 < 2 and 3 > 2", "1 < 2 and 3 > 2"),
    ("AT&T rocks", "AT&T rocks"),
])
def test_plain_text(body: str, text: str) -> None:
    assert to_plain_text(body).text == text


def test_offsets_map_back_to_the_original() -> None:
    body = "<div>you are an <i>id&#105;ot</i></div>"
    plain = to_plain_text(body)
    start = plain.text.index("you")
    end = plain.text.index("idiot") + len("idiot")
    s, e = plain.span_in_original(start, end)
    assert body[s:e] == "you are an <i>id&#105;ot"


def test_coral_signature() -> None:
    body = b'{\n  "action": "NEW"\n}'
    header = coral.signature_header(["s1", "s2"], body)
    assert header.count("sha256=") == 2
    assert coral.verify(header, body, ["s2"])
    assert coral.verify(header, body, ["other", "s1"])
    assert not coral.verify(header, body, ["other"])
    assert not coral.verify(header, body + b" ", ["s1"])
    assert not coral.verify(None, body, ["s1"])
    assert not coral.verify("sha1=abc", body, ["s1"])
    assert not coral.verify(header.replace("sha256=", "v1="), body, ["s1"])


def test_coral_answers() -> None:
    guidelines = {"racism": "We will not tolerate abuse such as racism.",
                  "promotion": "We will not tolerate commercial or personal promotion."}
    rejected = Decision(action="reject", reasons=[
        Reason(category="racism", source="rule", action="reject", message="slur"),
        Reason(category="promotion", source="rule", action="reject", message="phone"),
        Reason(category="off_topic", source="rule", action="flag", message="off topic"),
    ], **COMMON)
    out = coral.response(rejected, guidelines)
    assert out == {
        "status": "REJECTED",
        "moderationAction": {"status": "REJECTED", "rejectionReason": {
            "code": "HATE_SPEECH",
            "detailedExplanation": "We will not tolerate abuse such as racism. We will not "
                                   "tolerate commercial or personal promotion."}},
        "actions": [{"actionType": "FLAG", "reason": "COMMENT_DETECTED_TOXIC"},
                    {"actionType": "FLAG", "reason": "COMMENT_DETECTED_SPAM"}],
    }
    custom = Decision(action="reject", reasons=[
        Reason(category="my_custom", source="rule", action="reject", message="custom rule")],
        **COMMON)
    assert coral.response(custom, {})["moderationAction"]["rejectionReason"] == {
        "code": "OTHER", "detailedExplanation": "custom rule"}
    undecidable = Decision(action="review", reasons=[
        Reason(category="not_decidable", source="rule", action="review", message="too long")],
        **COMMON)
    assert coral.response(undecidable, {}) == {"status": "SYSTEM_WITHHELD", "actions": []}
    approved = Decision(action="approve", **COMMON)
    assert coral.response(approved, {}) == {"status": "APPROVED"}
    assert coral.response(approved, {}, approve_status="NONE") is None
    assert coral.response(None, {}) is None


def test_perspective_scores_from_decision() -> None:
    d = Decision(action="review", scores={"toxicity": 0.3, "insult": 0.62, "spam": 0.01},
                 reasons=[Reason(category="personal_attack", source="model", action="review",
                                 label="insult", score=0.62, threshold=0.6),
                          Reason(category="threat", source="rule", action="review",
                                 evidence=[Evidence(start=3, end=9, text="unaliv")])],
                 **COMMON)
    assert perspective.attribute_score("INSULT", d) == (0.9, [])
    assert perspective.attribute_score("TOXICITY", d) == (0.9, [(3, 9)])
    assert perspective.attribute_score("THREAT", d) == (0.9, [(3, 9)])
    assert perspective.attribute_score("SEVERE_TOXICITY", d) == (0.0, [])  # reviews only
    assert perspective.attribute_score("SPAM", d) == (0.01, [])
    assert perspective.utf16_offset("😀a", 1) == 2


def test_supported_attributes() -> None:
    assert perspective.supported_attributes([], []) == set()
    assert perspective.supported_attributes([], ["promotion"]) == {"SPAM"}
    assert perspective.supported_attributes(["toxicity", "obscene"], []) == {
        "TOXICITY", "PROFANITY", "SEXUALLY_EXPLICIT"}
