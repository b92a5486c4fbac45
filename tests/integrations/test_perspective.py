"""The Perspective-compatible endpoint, driven as Coral's Perspective client drives it."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from moderation.integrations import store as istore
from moderation.integrations.schema import IntegrationLabel
from moderation.store.schema import DecisionRow, Submission
from tests.integrations.conftest import SITE, Env
from tests.integrations.support import (
    perspective_analyze_body,
    perspective_suggest_body,
    perspective_url,
)

ENDPOINT = "http://testserver/v1alpha1"  # what a site types into Coral's "endpoint" setting
ALL = ["TOXICITY", "SEVERE_TOXICITY", "IDENTITY_ATTACK", "INSULT", "PROFANITY", "THREAT",
       "SEXUALLY_EXPLICIT", "SPAM"]
CORAL_THRESHOLD = 0.8  # TOXICITY_THRESHOLD_DEFAULT / 100 in Coral


def analyze(env: Env, body: bytes, key: str | None = None):  # type: ignore[no-untyped-def]
    url = perspective_url(ENDPOINT, "comments:analyze", key or env.perspective_key)
    return env.client.post(url, content=body, headers={"Content-Type": "application/json"})


def coral_is_toxic(env: Env, text: str, model: str = "TOXICITY") -> bool:
    """Coral's toxic phase: ``attributeScores[model].summaryScore.value > threshold``."""
    r = analyze(env, perspective_analyze_body(text, model))
    assert r.status_code == 200, r.text
    return r.json()["attributeScores"][model]["summaryScore"]["value"] > CORAL_THRESHOLD


def count(env: Env, table) -> int:  # type: ignore[no-untyped-def]
    with env.rt.db.session() as s:
        return int(s.scalar(select(func.count()).select_from(table)))


def test_coral_client_request_and_response_shape(env: Env) -> None:
    r = analyze(env, perspective_analyze_body("You are an idiot and a liar."))
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["languages"] == ["en"]
    score = out["attributeScores"]["TOXICITY"]["summaryScore"]
    assert score["type"] == "PROBABILITY" and 0 <= score["value"] <= 1
    assert set(out["attributeScores"]) == {"TOXICITY"}


def test_verdicts_through_coral_threshold(env: Env) -> None:
    assert coral_is_toxic(env, "You are an idiot and a liar.")
    assert coral_is_toxic(env, "I will find you and kill you.")
    assert coral_is_toxic(env, "I will find you and kill you.", model="THREAT")
    assert not coral_is_toxic(env, "Thanks, a clear and balanced article on the budget.")
    assert not coral_is_toxic(env, "The minister is wrong about this and the policy will fail.")


def test_do_not_store_stores_nothing(env: Env) -> None:
    analyze(env, perspective_analyze_body("You are an idiot.", do_not_store=True))
    assert count(env, Submission) == 0 and count(env, DecisionRow) == 0


def test_stored_when_allowed_and_review_queue(env: Env) -> None:
    text = "Interesting point, more about it at www.example-blog.biz"
    r = analyze(env, perspective_analyze_body(text, model="SPAM", do_not_store=False))
    assert r.status_code == 200
    assert r.json()["attributeScores"]["SPAM"]["summaryScore"]["value"] >= 0.9
    with env.rt.db.session() as s:
        [sub] = s.scalars(select(Submission)).all()
        assert sub.text == text and sub.site_id == SITE and sub.status == "in_review"
    again = analyze(env, perspective_analyze_body(text, model="SPAM", do_not_store=False))
    assert again.json() == r.json()
    assert count(env, Submission) == 1 and count(env, DecisionRow) == 1


def test_all_attributes_and_spans_in_utf16(env: Env) -> None:
    text = "😀😀 you are an idiot, call me on 0555 123 4567"
    body = json.dumps({"comment": {"text": text}, "requestedAttributes": {a: {} for a in ALL},
                       "spanAnnotations": True, "doNotStore": True,
                       "clientToken": "tok-1"}).encode()
    out = analyze(env, body).json()
    assert set(out["attributeScores"]) == set(ALL)
    assert out["clientToken"] == "tok-1"
    insult = out["attributeScores"]["INSULT"]
    assert insult["summaryScore"]["value"] >= 0.99
    spans = [(s["begin"], s["end"]) for s in insult["spanScores"]]
    utf16 = text.encode("utf-16-le")
    texts = {utf16[b * 2:e * 2].decode("utf-16-le") for b, e in spans}
    assert "you are an idiot" in texts  # begin/end count UTF-16 units: each emoji is 2
    spam_spans = out["attributeScores"]["SPAM"]["spanScores"]
    assert any("0555 123 4567" in utf16[s["begin"] * 2:s["end"] * 2].decode("utf-16-le")
               for s in spam_spans)
    assert out["attributeScores"]["THREAT"]["spanScores"] == []


def test_score_threshold_leaves_attributes_out(env: Env) -> None:
    body = json.dumps({"comment": {"text": "Thanks for the article."},
                       "requestedAttributes": {"TOXICITY": {"scoreThreshold": 0.5},
                                               "INSULT": {}}}).encode()
    out = analyze(env, body).json()
    assert set(out["attributeScores"]) == {"INSULT"}


def test_errors_in_perspective_shape(env: Env) -> None:
    r = analyze(env, perspective_analyze_body("hello", model="FLIRTATION"))
    assert r.status_code == 400
    assert r.json() == {"error": {"code": 400, "status": "INVALID_ARGUMENT",
                                  "message": "Attribute FLIRTATION does not exist in "
                                             "languages: en."}}
    r = analyze(env, perspective_analyze_body("ciao", language="it"))
    assert r.status_code == 400 and "does not support request languages: it" in \
        r.json()["error"]["message"]
    r = analyze(env, json.dumps({"comment": {"text": ""},
                                 "requestedAttributes": {"TOXICITY": {}}}).encode())
    assert r.status_code == 400 and r.json()["error"]["status"] == "INVALID_ARGUMENT"
    r = analyze(env, b"{not json")
    assert r.status_code == 400 and r.json()["error"]["code"] == 400


def test_keys(env: Env) -> None:
    body = perspective_analyze_body("hello")
    r = env.client.post("/v1alpha1/comments:analyze", content=body)
    assert r.status_code == 403 and r.json()["error"]["status"] == "PERMISSION_DENIED"
    r = analyze(env, body, key="0" * 40)
    assert r.status_code == 400 and r.json()["error"]["message"].startswith("API key not valid")
    assert analyze(env, body, key=env.akismet_key).status_code == 400  # wrong scope
    assert analyze(env, body, key=env.all_key).status_code == 200
    r = env.client.post("/v1alpha1/comments:analyze", content=body,
                        headers={"X-Goog-Api-Key": env.perspective_key})
    assert r.status_code == 200
    with env.rt.db.session() as s:
        prefix = env.perspective_key[:8]
        assert istore.revoke_key(s, SITE, prefix) == 1
    env.client.app.state.integrations._cache.clear()
    assert analyze(env, body).status_code == 400


def test_suggestscore_from_coral_is_a_label(env: Env) -> None:
    text = "You are an idiot."
    analyze(env, perspective_analyze_body(text, do_not_store=False))
    body = perspective_suggest_body(text, "c-123", "https://news.example/story", "DELETED",
                                    "https://news.example/", parent_id="c-100")
    url = perspective_url(ENDPOINT, "comments:suggestscore", env.perspective_key)
    r = env.client.post(url, content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 200, r.text
    assert r.json() == {"clientToken": "comment:c-123"}
    ok = perspective_suggest_body("Fine comment", "c-124", "https://news.example/story",
                                  "APPROVED", "https://news.example/")
    assert env.client.post(url, content=ok).status_code == 200
    with env.rt.db.session() as s:
        rows = s.scalars(select(IntegrationLabel).order_by(IntegrationLabel.id)).all()
        sub = s.scalars(select(Submission)).one()
        assert [(r.label, r.attributes, r.external_id, r.source) for r in rows] == [
            ("reject", {"TOXICITY": 1.0}, "c-123", "perspective:suggestscore"),
            ("approve", {"TOXICITY": 0.0}, "c-124", "perspective:suggestscore")]
        assert rows[0].submission_id == sub.id and rows[1].submission_id is None
        assert rows[0].text == text and rows[0].details["communityId"] == \
            "Coral:https://news.example/"
    bad = json.dumps({"comment": {"text": "x"},
                      "attributeScores": {"NOPE": {"summaryScore": {"value": 1}}}}).encode()
    r = env.client.post(url, content=bad)
    assert r.status_code == 400 and r.json()["error"]["status"] == "INVALID_ARGUMENT"


def test_covered_languages_accepted(env: Env) -> None:
    """A Coral site with an Arabic, Kurdish or Turkish locale sends its language: the policy
    covers them, so they are judged (and abuse in them scores high); Italian is not covered."""
    for lang, text in [("ar", "يلعن ابوك يا كلب"), ("ku", "Dayika te bigim"),
                       ("ckb", "دایکت بگێم"), ("tr", "Siktir git orospu çocuğu"),
                       ("fa", "کس ننت"), ("ar-IQ", "يا حمار")]:
        r = analyze(env, perspective_analyze_body(text, language=lang))
        assert r.status_code == 200, (lang, r.text)
        assert r.json()["languages"] == [lang]
        assert _toxic(r), lang
    r = analyze(env, perspective_analyze_body("شكرا على المقال", language="ar"))
    assert r.status_code == 200 and not _toxic(r)
    r = analyze(env, perspective_analyze_body("Grazie", language="it"))
    assert r.status_code == 400


def _toxic(r) -> bool:  # type: ignore[no-untyped-def]
    return r.json()["attributeScores"]["TOXICITY"]["summaryScore"]["value"] > CORAL_THRESHOLD
