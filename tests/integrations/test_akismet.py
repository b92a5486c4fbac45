"""The Akismet-compatible API, driven by the maintained ``akismet`` client from PyPI.

The client posts to ``https://rest.akismet.com/1.1/...``; it takes our own ``httpx.Client``, so
the test routes it to the app: in-process (Starlette's TestClient is an ``httpx.Client``) and
over real loopback HTTP to uvicorn (a transport that sends every request to the test server).
"""

from __future__ import annotations

import akismet
import httpx
import pytest
from sqlalchemy import select

from moderation.api import create_app
from moderation.integrations import akismet as akismet_map
from moderation.integrations.schema import IntegrationLabel
from moderation.models import Decision, Evidence, Reason
from moderation.store.schema import DecisionRow, Submission
from tests.integrations.conftest import Env
from tests.service.support import ServerThread

BLOG = "https://news.example"
SPAM = "Earn $500 a day from home! Call 0555 123 4567 or visit bit.ly/xyz"
HAM = "A thoughtful piece on the budget; the figures in the second table surprised me."


def client(env: Env, key: str | None = None,
           http: httpx.Client | None = None) -> akismet.SyncClient:
    return akismet.SyncClient(config=akismet.Config(key=key or env.akismet_key, url=BLOG),
                              http_client=http or env.client)


def test_verify_key(env: Env) -> None:
    assert client(env).verify_key() is True
    assert client(env, key=env.all_key).verify_key() is True
    assert client(env, key="0" * 40).verify_key() is False
    assert client(env, key=env.perspective_key).verify_key() is False  # wrong scope
    with pytest.raises(akismet.APIKeyError):
        akismet.SyncClient.validated_client(
            config=akismet.Config(key="0" * 40, url=BLOG), http_client=env.client)
    assert akismet.SyncClient.validated_client(
        config=akismet.Config(key=env.akismet_key, url=BLOG), http_client=env.client)


def test_comment_check_verdicts_and_storage(env: Env) -> None:
    c = client(env)
    ham = c.comment_check(user_ip="203.0.113.7", comment_content=HAM, comment_type="comment",
                          comment_author="reader1", permalink=f"{BLOG}/budget",
                          user_agent="Mozilla/5.0", referrer=f"{BLOG}/")
    assert ham == akismet.CheckResponse.HAM
    spam = c.comment_check(user_ip="203.0.113.8", comment_content=SPAM,
                           comment_type="comment", comment_author="deals",
                           permalink=f"{BLOG}/budget", comment_date_gmt="2026-11-26T09:00:00Z")
    assert spam == akismet.CheckResponse.DISCARD  # a rule (phone, shortener) rejected it
    html = c.comment_check(user_ip="203.0.113.9",
                           comment_content="<p>you are an <b>idiot</b></p>",
                           comment_type="comment", comment_author="troll",
                           permalink=f"{BLOG}/budget")
    assert html in (akismet.CheckResponse.SPAM, akismet.CheckResponse.DISCARD)
    with env.rt.db.session() as s:
        subs = s.scalars(select(Submission).order_by(Submission.id)).all()
        actions = [s.scalars(select(DecisionRow.action).where(
            DecisionRow.submission_id == sub.id)).one() for sub in subs]
        assert [sub.text for sub in subs] == [HAM, SPAM, "<p>you are an <b>idiot</b></p>"]
        assert actions == ["approve", "reject", "reject"]
        assert subs[1].article == {"id": f"{BLOG}/budget", "url": f"{BLOG}/budget"}
        assert subs[1].author_id == "deals" and subs[1].submitted_at is not None
    # the same check again is the same submission, never a second decision
    assert c.comment_check(user_ip="203.0.113.8", comment_content=SPAM,
                           comment_type="comment", comment_author="deals",
                           permalink=f"{BLOG}/budget", comment_date_gmt="2026-11-26T09:00:00Z"
                           ) == akismet.CheckResponse.DISCARD
    with env.rt.db.session() as s:
        assert len(s.scalars(select(Submission)).all()) == 3


def test_wordpress_key_shape_and_key_in_host(env: Env) -> None:
    assert len(env.akismet_key) == 12  # WordPress's plugin refuses other lengths unasked
    # older clients put the key in the host name instead of the form
    r = env.client.post(f"https://{env.akismet_key}.rest.akismet.com/1.1/comment-check",
                        data={"blog": BLOG, "user_ip": "203.0.113.7", "comment_content": SPAM})
    assert r.status_code == 200 and r.text == "true"
    assert r.headers["X-akismet-pro-tip"] == "discard"
    r = env.client.post("https://rest.akismet.com/1.1/comment-check",
                        data={"blog": BLOG, "user_ip": "203.0.113.7", "comment_content": SPAM})
    assert r.text == "invalid" and r.headers["X-akismet-debug-help"] == "Invalid key"


def test_invalid_key_raises_in_the_client(env: Env) -> None:
    with pytest.raises(akismet.APIKeyError):
        client(env, key="0" * 40).comment_check(user_ip="203.0.113.7", comment_content=HAM)


def test_submit_spam_and_ham_are_labels(env: Env) -> None:
    c = client(env)
    c.comment_check(user_ip="203.0.113.7", comment_content=HAM, comment_type="comment")
    assert c.submit_spam(user_ip="203.0.113.7", comment_content=HAM, comment_type="comment",
                         comment_author="reader1") is True
    assert c.submit_ham(user_ip="203.0.113.8", comment_content="You are so wrong, mate.",
                        comment_type="comment", recheck_reason="edit") is True
    with env.rt.db.session() as s:
        rows = s.scalars(select(IntegrationLabel).order_by(IntegrationLabel.id)).all()
        sub = s.scalars(select(Submission)).one()
        assert [(r.source, r.label, r.attributes["akismet"]) for r in rows] == [
            ("akismet:submit-spam", "reject", "spam"), ("akismet:submit-ham", "approve", "ham")]
        assert rows[0].submission_id == sub.id and rows[1].submission_id is None
        assert rows[0].attributes["comment_author"] == "reader1"
        assert rows[1].attributes["recheck_reason"] == "edit"
        assert "user_ip" not in rows[0].attributes  # not kept


def test_blatant_means_rule_evidence_not_model_confidence() -> None:
    common = {"policy_id": "p", "policy_version": "1", "engine_version": "e"}
    model_only = Decision(action="reject", reasons=[Reason(
        category="toxicity", source="model", action="reject", label="toxicity", score=0.999,
        threshold=0.995)], **common)
    ruled = Decision(action="reject", reasons=[Reason(
        category="promotion", source="rule", action="reject", rule_id="promotion.phone",
        evidence=[Evidence(start=0, end=4, text="0555")])], **common)
    review = Decision(action="review", reasons=[Reason(
        category="promotion", source="rule", action="review", rule_id="promotion.link",
        evidence=[Evidence(start=0, end=4, text="a.bz")])], **common)
    assert akismet_map.check_answer(model_only) == ("true", {})
    assert akismet_map.check_answer(ruled) == ("true", {"X-akismet-pro-tip": "discard"})
    assert akismet_map.check_answer(review) == ("false", {})
    assert akismet_map.check_answer(None) == ("false", {})


class ToServer(httpx.HTTPTransport):
    """Sends every request (whatever its host) to the test server on loopback."""

    def __init__(self, base: str) -> None:
        super().__init__()
        self.base = httpx.URL(base)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(scheme=self.base.scheme, host=self.base.host,
                                            port=self.base.port)
        return super().handle_request(request)


def test_over_real_http(env: Env) -> None:
    app = create_app(runtime=env.rt, migrate=False, sweeper=False)
    with ServerThread(app) as server, httpx.Client(
            transport=ToServer(server.url), headers={"User-Agent": akismet.USER_AGENT},
            timeout=10) as http:
        c = akismet.SyncClient.validated_client(
            config=akismet.Config(key=env.akismet_key, url=BLOG), http_client=http)
        assert c.comment_check(user_ip="203.0.113.7", comment_content=HAM) == \
            akismet.CheckResponse.HAM
        assert c.comment_check(user_ip="203.0.113.7", comment_content=SPAM) == \
            akismet.CheckResponse.DISCARD
        assert c.submit_ham(user_ip="203.0.113.7", comment_content=HAM) is True
