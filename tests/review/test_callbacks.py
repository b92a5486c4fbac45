"""Human decisions reach the CMS through the service's callback machinery: RQ workers when Redis
is configured, and the sweeper when the immediate hand-off is lost."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from moderation.api import create_app
from moderation.policy.registry import PolicyRegistry
from moderation.review import accounts
from moderation.service.wiring import build_runtime
from tests.review.conftest import REVIEW_TEXT, Env
from tests.service.conftest import SECRET, add_site, make_settings
from tests.service.support import (
    CallbackReceiver,
    WorkerProcs,
    payload,
    read_headers,
    signed,
    wait_until,
)


def test_lost_dispatch_is_sent_later_by_the_sweeper(env: Env,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    sid = env.review_item()

    def lost(ids: object) -> None:
        raise ConnectionError("queue unreachable")

    monkeypatch.setattr(env.rt.dispatcher, "enqueue_delivery", lost)
    r = env.post("mod1", f"/v1/review/items/{sid}/decision", {"action": "reject",
                                                               "reason": "threat"})
    assert r.status_code == 200, r.text  # the decision and its delivery are stored
    assert env.receiver.received == []
    monkeypatch.undo()  # the queue is back; the sweeper finds the due delivery
    got = wait_until(lambda: env.receiver.received, 40, what="sweeper-sent callback")
    assert got[0]["body"]["action"] == "reject" and got[0]["body"]["decided_by"] == "moderator"


@pytest.mark.redis
@pytest.mark.timeout(180)
def test_rq_workers_deliver_human_decisions(db_url: str, redis_url: str) -> None:
    receiver = CallbackReceiver(SECRET).start()
    settings = make_settings(db_url, redis_url, scorer="none")
    rt = build_runtime(settings, registry=PolicyRegistry(None, "none"))
    add_site(rt, "site1", callback_url=receiver.url)
    with rt.db.session() as s:
        _, token = accounts.add_user(s, "mod1", "moderator", actor="test")
    workers = WorkerProcs(env=settings.to_env(), stub=False).start(1)
    auth = {"Authorization": f"Bearer {token}"}
    try:
        with TestClient(create_app(runtime=rt, migrate=False)) as client:
            raw, headers = signed(payload("rq-1", REVIEW_TEXT), SECRET)
            assert client.post("/v1/comments", content=raw, headers=headers).status_code == 202

            def in_review() -> int | None:
                path = "/v1/comments/site1/rq-1"
                body = client.get(path, headers=read_headers(path)).json()
                return body["submission_id"] if body["status"] == "in_review" else None

            sid = wait_until(in_review, 60, what="a worker sending the comment to review")
            r = client.post(f"/v1/review/items/{sid}/decision", json={"action": "approve"},
                            headers=auth)
            assert r.status_code == 200, r.text
            got = wait_until(lambda: receiver.received, 30, what="callback from a worker")
            assert [x["body"]["action"] for x in got] == ["approve"]
            assert got[0]["body"]["decided_by"] == "moderator"
            assert receiver.bad_signatures == 0
    finally:
        workers.stop()
        receiver.stop()
        rt.close()
