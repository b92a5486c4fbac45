"""The review API on the real app and engine (default policy, rules only), SQLite and PostgreSQL:
every route, role and error; claims, decisions, bulk, overturns, stats, history, callbacks."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from moderation.review.schema import ReviewLease, ReviewUser
from moderation.store.schema import (
    AuditEntry,
    CallbackDelivery,
    DecisionRow,
    Submission,
    utcnow,
)
from tests.review.conftest import APPROVE_TEXT, REVIEW_TEXT, Env
from tests.service.support import wait_until

# (method, path, json body, role) - every /v1/review route; {id} is a submission in review
ROUTES = [
    ("GET", "/v1/review/me", None, "moderator"),
    ("GET", "/v1/review/queue", None, "moderator"),
    ("GET", "/v1/review/items/{id}", None, "moderator"),
    ("POST", "/v1/review/items/{id}/claim", None, "moderator"),
    ("POST", "/v1/review/items/{id}/release", None, "moderator"),
    ("POST", "/v1/review/items/{id}/decision", {"action": "approve"}, "moderator"),
    ("POST", "/v1/review/decisions/bulk", {"action": "approve", "ids": ["{id}"]}, "moderator"),
    ("POST", "/v1/review/items/{id}/overturn", {"action": "reject", "reason": "threat",
                                                "note": "x"}, "admin"),
    ("GET", "/v1/review/stats", None, "moderator"),
    ("GET", "/v1/review/items/{id}/history", None, "moderator"),
    ("GET", "/v1/review/comments/site1/{cid}/history", None, "moderator"),
    ("GET", "/v1/review/reasons/default", None, "moderator"),
    ("GET", "/v1/review/users", None, "admin"),
    ("POST", "/v1/review/users", {"name": "newbie", "role": "moderator"}, "admin"),
]


def _fill(value, sid: int, cid: str):  # type: ignore[no-untyped-def]
    if isinstance(value, str):
        return value.replace("{id}", str(sid)).replace("{cid}", cid)
    if isinstance(value, dict):
        return {k: _fill(v, sid, cid) for k, v in value.items()}
    if isinstance(value, list):
        return [sid if v == "{id}" else _fill(v, sid, cid) for v in value]
    return value


def call(env: Env, method: str, path: str, body, headers):  # type: ignore[no-untyped-def]
    return env.client.request(method, path, json=body, headers=headers)


def status_of(env: Env, sid: int) -> str:
    with env.rt.db.session() as s:
        return s.get(Submission, sid).status


def test_route_table_covers_every_review_route(env: Env) -> None:
    documented = {p for p in env.client.app.openapi()["paths"] if p.startswith("/v1/review")}
    listed = {p.replace("{id}", "{submission_id}").replace("site1/{cid}", "{site_id}/{comment_id}")
              .replace("reasons/default", "reasons/{policy_id}") for _, p, _, _ in ROUTES}
    assert documented == listed


def test_every_route_refuses_anonymous_bad_and_disabled_tokens(env: Env) -> None:
    body = env.submit()
    sid, cid = body["submission_id"], body["comment_id"]
    bad = [
        {},
        {"Authorization": "Bearer modtok_not-a-real-token"},
        {"Authorization": "Basic bW9kMTp4"},
        {"Authorization": "Bearer "},
        {"Authorization": f"Bearer {env.tokens['gone']}"},  # disabled account
    ]
    for method, path, payload, _ in ROUTES:
        for headers in bad:
            r = call(env, method, _fill(path, sid, cid), _fill(payload, sid, cid), headers)
            assert r.status_code == 401, (method, path, headers, r.text)
            assert r.json()["error"]["code"] == "unauthorized"
            assert r.headers["www-authenticate"] == "Bearer"
    assert status_of(env, sid) == "in_review"  # nothing happened


def test_admin_routes_refuse_moderators_and_accept_admins(env: Env) -> None:
    body = env.submit()
    sid, cid = body["submission_id"], body["comment_id"]
    for method, path, payload, role in ROUTES:
        if role != "admin":
            continue
        r = call(env, method, _fill(path, sid, cid), _fill(payload, sid, cid), env.auth("mod1"))
        assert r.status_code == 403, (method, path, r.text)
        assert r.json()["error"]["code"] == "forbidden"
    r = env.get("boss", "/v1/review/users")
    assert r.status_code == 200
    assert {u["name"] for u in r.json()} == {"mod1", "mod2", "boss", "gone"}
    assert all("token" not in u or u["token"] is None for u in r.json())


def test_admins_can_use_moderator_routes(env: Env) -> None:
    sid = env.review_item()
    assert env.get("boss", "/v1/review/me").json() == {"name": "boss", "role": "admin"}
    assert env.get("mod1", "/v1/review/me").json() == {"name": "mod1", "role": "moderator"}
    r = env.post("boss", f"/v1/review/items/{sid}/decision", {"action": "reject",
                                                               "reason": "threat"})
    assert r.status_code == 200, r.text


# ---------------------------------------------------------------- queue


def test_queue_lists_only_comments_waiting_for_review(env: Env) -> None:
    sid = env.review_item()
    assert env.submit(APPROVE_TEXT)["status"] == "decided"
    page = env.get("mod1", "/v1/review/queue").json()
    assert page["total"] == 1
    item = page["items"][0]
    assert item["submission_id"] == sid and item["status"] == "in_review"
    assert item["text"] == REVIEW_TEXT
    assert item["article"] == {"id": "a1", "title": "Budget vote",
                               "url": "https://news.example/a1"}
    assert item["engine"]["action"] == "review"
    assert item["engine"]["categories"] == ["threat"]
    assert item["engine"]["reasons"][0]["evidence"][0]["text"] == REVIEW_TEXT
    assert "".join(s["text"] for s in item["segments"]) == REVIEW_TEXT
    assert item["segments"] == [{"text": REVIEW_TEXT, "categories": ["threat"],
                                 "sources": ["rule"]}]
    codes = {c["code"] for c in item["reason_codes"]}
    assert {"threat", "profanity", "personal_attack"} <= codes


def test_queue_shows_markup_exactly_as_submitted(env: Env) -> None:
    text = "<script>alert('x')</script> you will regret this &amp; <b>more</b>"
    sid = env.review_item(text)
    item = env.get("mod1", f"/v1/review/items/{sid}").json()
    assert item["text"] == text
    assert "".join(s["text"] for s in item["segments"]) == text
    marked = [s for s in item["segments"] if s["categories"]]
    assert marked == [{"text": "you will regret this", "categories": ["threat"],
                       "sources": ["rule"]}]


def test_queue_filters_by_site_category_and_age(env: Env) -> None:
    a = env.review_item(site="site1")
    b = env.review_item(site="site2")
    ids = lambda r: [i["submission_id"] for i in r.json()["items"]]  # noqa: E731
    assert ids(env.get("mod1", "/v1/review/queue?site=site1")) == [a]
    assert ids(env.get("mod1", "/v1/review/queue?site=site2")) == [b]
    assert ids(env.get("mod1", "/v1/review/queue?category=threat")) == [a, b]
    assert ids(env.get("mod1", "/v1/review/queue?category=racism")) == []
    # age: make `a` two hours old
    with env.rt.db.session() as s:
        s.execute(update(Submission).where(Submission.id == a)
                  .values(received_at=utcnow() - timedelta(hours=2)))
    assert ids(env.get("mod1", "/v1/review/queue?min_age_s=3600")) == [a]
    assert ids(env.get("mod1", "/v1/review/queue?max_age_s=3600")) == [b]
    r = env.get("mod1", "/v1/review/queue?category=Not-Valid")
    assert r.status_code == 422 and r.json()["error"]["field"] == "category"
    r = env.get("mod1", "/v1/review/queue?order=random")
    assert r.status_code == 422 and r.json()["error"]["field"] == "order"


def test_queue_orders_oldest_first_or_by_score(env: Env) -> None:
    first, second, third = env.review_item(), env.review_item(), env.review_item()
    with env.rt.db.session() as s:  # the rules-only engine gives no scores: set some
        for sid, score in ((first, 0.2), (second, 0.9), (third, 0.5)):
            s.execute(update(DecisionRow).where(DecisionRow.submission_id == sid)
                      .values(scores={"toxicity": score}))
    ids = lambda r: [i["submission_id"] for i in r.json()["items"]]  # noqa: E731
    assert ids(env.get("mod1", "/v1/review/queue")) == [first, second, third]
    assert ids(env.get("mod1", "/v1/review/queue?order=score")) == [second, third, first]
    assert env.get("mod1", "/v1/review/queue?order=score").json()["items"][0]["score"] == 0.9


def test_queue_paginates(env: Env) -> None:
    sids = [env.review_item() for _ in range(5)]
    p1 = env.get("mod1", "/v1/review/queue?limit=2").json()
    p2 = env.get("mod1", "/v1/review/queue?limit=2&offset=2").json()
    p3 = env.get("mod1", "/v1/review/queue?limit=2&offset=4").json()
    assert p1["total"] == p2["total"] == p3["total"] == 5
    got = [i["submission_id"] for p in (p1, p2, p3) for i in p["items"]]
    assert got == sids
    assert env.get("mod1", "/v1/review/queue?limit=0").status_code == 422
    assert env.get("mod1", "/v1/review/queue?limit=201").status_code == 422
    assert env.get("mod1", "/v1/review/queue?offset=-1").status_code == 422


def test_item_404(env: Env) -> None:
    for path in ("/v1/review/items/999999", "/v1/review/items/999999/history",
                 "/v1/review/comments/site1/nope/history"):
        r = env.get("mod1", path)
        assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    assert env.get("mod1", "/v1/review/reasons/no-such-policy").status_code == 404


# ---------------------------------------------------------------- claims


def test_claim_is_exclusive_renewable_and_expires(env: Env) -> None:
    sid = env.review_item()
    r = env.post("mod1", f"/v1/review/items/{sid}/claim")
    assert r.status_code == 200 and r.json()["by"] == "mod1" and r.json()["mine"] is True
    first_until = r.json()["lease_until"]
    r = env.post("mod2", f"/v1/review/items/{sid}/claim")
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "claimed" and r.json()["error"]["holder"] == "mod1"
    r = env.post("mod1", f"/v1/review/items/{sid}/claim")  # renewal
    assert r.status_code == 200 and r.json()["lease_until"] >= first_until
    # others see it claimed; `available` hides it from them but not from its holder
    item = env.get("mod2", f"/v1/review/items/{sid}").json()
    assert item["claim"]["by"] == "mod1" and item["claim"]["mine"] is False
    assert env.get("mod2", "/v1/review/queue?available=true").json()["total"] == 0
    assert env.get("mod1", "/v1/review/queue?available=true").json()["total"] == 1
    # the lease expires: the comment is back in the queue, and mod2 can take it
    with env.rt.db.session() as s:
        s.execute(update(ReviewLease).where(ReviewLease.submission_id == sid)
                  .values(lease_until=utcnow() - timedelta(seconds=1)))
    assert env.get("mod2", "/v1/review/queue?available=true").json()["total"] == 1
    assert env.get("mod2", f"/v1/review/items/{sid}").json()["claim"] is None
    r = env.post("mod2", f"/v1/review/items/{sid}/claim")
    assert r.status_code == 200 and r.json()["by"] == "mod2"
    # and mod1's late decision is refused
    r = env.post("mod1", f"/v1/review/items/{sid}/decision", {"action": "approve"})
    assert r.status_code == 409 and r.json()["error"]["holder"] == "mod2"
    events = [e["event"] for e in env.get("mod1", f"/v1/review/items/{sid}/history")
              .json()["timeline"]]
    assert events.count("claim") == 2 and "claim.expired" in events


def test_claim_errors(env: Env) -> None:
    r = env.post("mod1", "/v1/review/items/999999/claim")
    assert r.status_code == 404
    decided = env.submit(APPROVE_TEXT)["submission_id"]
    r = env.post("mod1", f"/v1/review/items/{decided}/claim")
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_in_review"


def test_release(env: Env) -> None:
    sid = env.review_item()
    assert env.post("mod1", f"/v1/review/items/{sid}/claim").status_code == 200
    r = env.post("mod2", f"/v1/review/items/{sid}/release")
    assert r.status_code == 409 and r.json()["error"]["holder"] == "mod1"
    r = env.post("mod1", f"/v1/review/items/{sid}/release")
    assert r.json() == {"submission_id": sid, "released": True}
    assert env.post("mod1", f"/v1/review/items/{sid}/release").json()["released"] is False
    assert env.post("mod2", f"/v1/review/items/{sid}/claim").status_code == 200
    r = env.post("boss", f"/v1/review/items/{sid}/release")  # an admin frees anyone's claim
    assert r.json()["released"] is True
    assert env.post("mod1", "/v1/review/items/999999/release").status_code == 404


def test_concurrent_claims_have_one_winner(env: Env) -> None:
    sid = env.review_item()
    users = ["mod1", "mod2", "boss"]
    barrier = threading.Barrier(len(users))
    codes: dict[str, int] = {}

    def go(who: str) -> None:
        barrier.wait()
        codes[who] = env.post(who, f"/v1/review/items/{sid}/claim").status_code

    threads = [threading.Thread(target=go, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [u for u, c in codes.items() if c == 200]
    assert len(winners) == 1 and sorted(codes.values()) == [200, 409, 409], codes
    with env.rt.db.session() as s:
        assert s.scalar(select(func.count()).select_from(ReviewLease)) == 1
    assert env.get("mod1", f"/v1/review/items/{sid}").json()["claim"]["by"] == winners[0]


# ---------------------------------------------------------------- decisions


def test_decision_is_final_audited_and_called_back(env: Env) -> None:
    sid = env.review_item()
    assert env.post("mod1", f"/v1/review/items/{sid}/claim").status_code == 200
    r = env.post("mod1", f"/v1/review/items/{sid}/decision",
                 {"action": "reject", "reason": "threat", "note": "veiled threat"})
    assert r.status_code == 200, r.text
    res = r.json()
    assert res["ok"] and res["action"] == "reject" and res["category"] == "threat"
    assert status_of(env, sid) == "decided"
    assert env.get("mod1", "/v1/review/queue").json()["total"] == 0
    # the CMS hears about it, once, signed (the receiver verifies the signature)
    got = wait_until(lambda: env.receiver.received, 10, what="callback")
    body = got[0]["body"]
    assert body["action"] == "reject" and body["categories"] == ["threat"]
    assert body["decided_by"] == "moderator"
    assert got[0]["delivery"] == str(res["callback_delivery_id"])
    assert env.receiver.bad_signatures == 0
    with env.rt.db.session() as s:
        row = s.get(DecisionRow, res["decision_id"])
        assert (row.kind, row.action, row.final, row.decided_by) == ("human", "reject", True,
                                                                     "mod1")
        entry = s.scalars(select(AuditEntry).where(AuditEntry.event == "review_decided")).one()
        assert entry.actor == "moderator:mod1" and entry.submission_id == sid
        assert entry.details["before"]["action"] == "review"
        assert entry.details["before"]["status"] == "in_review"
        assert entry.details["after"]["action"] == "reject"
        assert entry.details["after"]["note"] == "veiled threat"
        assert s.scalar(select(func.count()).select_from(ReviewLease)) == 0
    # the status API says decided, with the moderator's verdict (not the engine's review)
    status = env.status("site1", body["comment_id"])
    assert status["status"] == "decided"
    assert (status["decision"]["action"], status["decision"]["final"]) == ("reject", True)
    # deciding again is refused: changes go through an overturn
    r = env.post("mod2", f"/v1/review/items/{sid}/decision", {"action": "approve"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "already_decided"
    assert r.json()["error"]["decided"]["action"] == "reject"
    assert len(env.receiver.received) == 1


def test_decision_without_claim_and_default_reason(env: Env) -> None:
    sid = env.review_item()
    r = env.post("mod2", f"/v1/review/items/{sid}/decision", {"action": "approve"})
    assert r.status_code == 200 and r.json()["category"] == "threat"  # engine's category


def test_decision_validation(env: Env) -> None:
    sid = env.review_item()
    cases = [
        ({"action": "maybe"}, "action"),
        ({"action": "reject"}, "reason"),
        ({"action": "reject", "reason": "not_a_category"}, "reason"),
        ({"action": "approve", "note": "x" * 2001}, "note"),
        ({"action": "approve", "surprise": 1}, "surprise"),
        ({}, "action"),
    ]
    for body, field in cases:
        r = env.post("mod1", f"/v1/review/items/{sid}/decision", body)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["error"]["field"] == field, (body, r.json())
    assert status_of(env, sid) == "in_review"
    r = env.post("mod1", "/v1/review/items/999999/decision", {"action": "approve"})
    assert r.status_code == 404


def test_claimed_by_someone_else_cannot_be_decided(env: Env) -> None:
    sid = env.review_item()
    env.post("mod1", f"/v1/review/items/{sid}/claim")
    r = env.post("mod2", f"/v1/review/items/{sid}/decision", {"action": "approve"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "claimed"
    assert status_of(env, sid) == "in_review"


def test_concurrent_decisions_store_one(env: Env) -> None:
    sid = env.review_item()
    barrier = threading.Barrier(3)
    codes: list[int] = []

    def go(who: str, action: str) -> None:
        barrier.wait()
        codes.append(env.post(who, f"/v1/review/items/{sid}/decision",
                              {"action": action, "reason": "threat"}).status_code)

    threads = [threading.Thread(target=go, args=a)
               for a in (("mod1", "approve"), ("mod2", "reject"), ("boss", "reject"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [200, 409, 409]
    with env.rt.db.session() as s:
        assert s.scalar(select(func.count()).select_from(DecisionRow).where(
            DecisionRow.submission_id == sid, DecisionRow.kind == "human")) == 1
        assert s.scalar(select(func.count()).select_from(CallbackDelivery)) == 1


def test_bulk_decides_each_item_independently(env: Env) -> None:
    a, b, c = env.review_item(), env.review_item(), env.review_item()
    env.post("mod2", f"/v1/review/items/{b}/claim")  # someone else holds b
    decided = env.submit(APPROVE_TEXT)["submission_id"]
    r = env.post("mod1", "/v1/review/decisions/bulk",
                 {"action": "reject", "reason": "threat", "ids": [a, b, c, decided, 999999, a]})
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["decided"] == 2 and out["failed"] == 3
    by_id = {x["submission_id"]: x for x in out["results"]}
    assert by_id[a]["ok"] and by_id[c]["ok"]
    assert by_id[b]["error"]["code"] == "claimed"
    assert by_id[decided]["error"]["code"] == "already_decided"
    assert by_id[999999]["error"]["code"] == "not_found"
    assert status_of(env, b) == "in_review"
    wait_until(lambda: len(env.receiver.received) >= 3, 10, what="callbacks")  # 2 + the approve
    reviewed = [x["body"] for x in env.receiver.received if x["body"].get("decided_by")]
    assert sorted(x["action"] for x in reviewed) == ["reject", "reject"]


def test_bulk_validation(env: Env) -> None:
    sid = env.review_item()
    r = env.post("mod1", "/v1/review/decisions/bulk", {"action": "approve", "ids": []})
    assert r.status_code == 422 and r.json()["error"]["field"] == "ids"
    r = env.post("mod1", "/v1/review/decisions/bulk",
                 {"action": "approve", "ids": list(range(1, 7))})  # bulk_max is 5 here
    assert r.status_code == 422 and r.json()["error"]["field"] == "ids"
    r = env.post("mod1", "/v1/review/decisions/bulk",
                 {"action": "reject", "ids": [sid], "reason": "nope"})
    assert r.status_code == 200 and r.json()["results"][0]["error"]["field"] == "reason"


# ---------------------------------------------------------------- overturns


def test_overturn_is_explicit_audited_and_called_back(env: Env) -> None:
    sid = env.review_item()
    env.post("mod1", f"/v1/review/items/{sid}/decision", {"action": "approve"})
    wait_until(lambda: len(env.receiver.received) == 1, 10, what="first callback")
    r = env.post("boss", f"/v1/review/items/{sid}/overturn",
                 {"action": "reject", "reason": "threat", "note": "reader report: real threat"})
    assert r.status_code == 200, r.text
    got = wait_until(lambda: env.receiver.received[1:], 10, what="overturn callback")
    body = got[0]["body"]
    assert body["action"] == "reject" and body["decided_by"] == "overturn"
    assert body["overturns"]["action"] == "approve"
    item = env.get("mod1", f"/v1/review/items/{sid}").json()
    assert item["final"]["action"] == "reject" and item["final"]["kind"] == "overturn-1"
    assert item["final"]["note"] == "reader report: real threat"
    with env.rt.db.session() as s:
        kinds = list(s.scalars(select(DecisionRow.kind).where(DecisionRow.submission_id == sid)
                               .order_by(DecisionRow.id)))
        assert kinds == ["engine", "human", "overturn-1"]  # nothing updated in place
        entry = s.scalars(select(AuditEntry).where(AuditEntry.event == "review_overturned")).one()
        assert entry.actor == "admin:boss"
        assert entry.details["before"]["action"] == "approve"
        assert entry.details["after"]["action"] == "reject"
    # same action again: refused; and back again is a second overturn
    r = env.post("boss", f"/v1/review/items/{sid}/overturn",
                 {"action": "reject", "reason": "threat", "note": "again"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "no_change"
    r = env.post("boss", f"/v1/review/items/{sid}/overturn",
                 {"action": "approve", "note": "appeal upheld"})
    assert r.status_code == 200
    assert env.get("mod1", f"/v1/review/items/{sid}").json()["final"]["kind"] == "overturn-2"


def test_overturn_errors(env: Env) -> None:
    sid = env.review_item()
    r = env.post("boss", f"/v1/review/items/{sid}/overturn",
                 {"action": "reject", "reason": "threat", "note": "n"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_final"
    r = env.post("boss", "/v1/review/items/999999/overturn", {"action": "reject", "note": "n"})
    assert r.status_code == 404
    env.post("mod1", f"/v1/review/items/{sid}/decision", {"action": "approve"})
    r = env.post("boss", f"/v1/review/items/{sid}/overturn", {"action": "reject",
                                                               "reason": "threat"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "note"
    r = env.post("boss", f"/v1/review/items/{sid}/overturn",
                 {"action": "reject", "note": "   "})
    assert r.status_code == 422
    r = env.post("boss", f"/v1/review/items/{sid}/overturn",
                 {"action": "reject", "note": "why", "reason": "bogus"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "reason"
    # an engine's final decision can be overturned too (e.g. after a reader report)
    engine_approved = env.submit(APPROVE_TEXT)["submission_id"]
    r = env.post("boss", f"/v1/review/items/{engine_approved}/overturn",
                 {"action": "reject", "reason": "personal_attack", "note": "reader report"})
    assert r.status_code == 200


# ---------------------------------------------------------------- stats, history, users


def test_stats(env: Env) -> None:
    a, b, c = env.review_item(site="site1"), env.review_item(site="site2"), env.review_item()
    with env.rt.db.session() as s:
        s.execute(update(Submission).where(Submission.id == a)
                  .values(received_at=utcnow() - timedelta(minutes=30)))
    env.post("mod2", f"/v1/review/items/{c}/claim")
    st = env.get("mod1", "/v1/review/stats").json()
    assert st["queue_size"] == 3 and st["claimed"] == 1 and st["available"] == 2
    assert 1790 <= st["oldest_age_s"] <= 1900
    assert st["by_site"] == {"site1": 2, "site2": 1}
    assert st["by_category"] == {"threat": 3}
    env.post("mod1", f"/v1/review/items/{a}/decision", {"action": "approve"})
    env.post("mod1", f"/v1/review/items/{b}/decision", {"action": "reject", "reason": "threat"})
    env.post("mod2", f"/v1/review/items/{c}/decision", {"action": "reject", "reason": "threat"})
    env.post("boss", f"/v1/review/items/{a}/overturn", {"action": "reject", "reason": "threat",
                                                        "note": "n"})
    st = env.get("mod1", "/v1/review/stats").json()
    assert st["queue_size"] == 0 and st["oldest_age_s"] is None
    assert st["decided_today_by_me"] == 2
    today = utcnow().date().isoformat()
    rows = {r["moderator"]: r for r in st["decided"]}
    assert rows["mod1"] == {"moderator": "mod1", "day": today, "approve": 1, "reject": 1,
                            "overturn": 0, "total": 2}
    assert rows["mod2"]["reject"] == 1 and rows["boss"]["overturn"] == 1
    assert env.get("mod1", "/v1/review/stats?days=0").status_code == 422
    assert env.get("mod1", "/v1/review/stats?days=91").status_code == 422


def test_history_tells_the_whole_story(env: Env) -> None:
    body = env.submit()
    sid, cid = body["submission_id"], body["comment_id"]
    env.post("mod1", f"/v1/review/items/{sid}/claim")
    env.post("mod1", f"/v1/review/items/{sid}/release")
    env.post("mod2", f"/v1/review/items/{sid}/claim")
    env.post("mod2", f"/v1/review/items/{sid}/decision", {"action": "reject", "reason": "threat",
                                                          "note": "clear threat"})
    wait_until(lambda: env.receiver.received, 10, what="callback")

    def attempts() -> list[str]:
        tl = env.get("mod1", f"/v1/review/items/{sid}/history").json()["timeline"]
        return [e["event"] for e in tl if e["event"] == "callback.attempt"]

    wait_until(attempts, 10, what="recorded attempt")
    h = env.get("mod1", f"/v1/review/items/{sid}/history").json()
    by_cms_ids = env.get("mod1", f"/v1/review/comments/site1/{cid}/history").json()
    assert by_cms_ids["timeline"] == h["timeline"]
    assert by_cms_ids["item"]["submission_id"] == sid
    events = [e["event"] for e in h["timeline"]]
    for expected in ("received", "decision.engine", "claim", "claim.released",
                     "decision.human", "callback.created", "callback.attempt",
                     "audit.review_decided"):
        assert expected in events, (expected, events)
    assert events.index("received") < events.index("decision.engine") < events.index(
        "decision.human")
    human = next(e for e in h["timeline"] if e["event"] == "decision.human")
    assert human["actor"] == "mod2" and "clear threat" in human["summary"]
    assert h["item"]["final"]["action"] == "reject"
    times = [e["at"] for e in h["timeline"]]
    assert times == sorted(times)


def test_users_api_creates_accounts_with_a_working_token(env: Env) -> None:
    r = env.post("boss", "/v1/review/users", {"name": "carol", "role": "moderator"})
    assert r.status_code == 201, r.text
    token = r.json()["token"]
    assert token.startswith("modtok_") and len(token) > 40
    me = env.client.get("/v1/review/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json() == {"name": "carol", "role": "moderator"}
    with env.rt.db.session() as s:  # only a hash is stored
        row = s.scalars(select(ReviewUser).where(ReviewUser.name == "carol")).one()
        assert token not in json.dumps([row.token_sha256, row.name])
        assert len(row.token_sha256) == 64
    r = env.post("boss", "/v1/review/users", {"name": "carol", "role": "moderator"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "user_exists"
    r = env.post("boss", "/v1/review/users", {"name": "x", "role": "owner"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "role"
    r = env.post("boss", "/v1/review/users", {"name": "bad name!", "role": "moderator"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "name"


def test_reason_codes_route(env: Env) -> None:
    codes = env.get("mod1", "/v1/review/reasons/default").json()
    assert "threat" in {c["code"] for c in codes}
    assert all(len(c["description"]) <= 100 for c in codes)


@pytest.mark.parametrize("path", ["/v1/review/queue", "/v1/review/stats"])
def test_store_unreachable_is_503(env: Env, path: str) -> None:
    token = env.tokens["mod1"]
    env.rt.db.engine.dispose()
    good_url = env.rt.db.engine.url
    # point the pool at a database that does not exist
    from sqlalchemy import create_engine
    from sqlalchemy.orm import sessionmaker

    if good_url.get_backend_name() == "sqlite":
        bad = create_engine("sqlite:////nonexistent-dir/x.db")
    else:
        bad = create_engine(good_url.set(port=1), connect_args={"connect_timeout": 1})
    db = env.rt.db
    saved = db.engine, db.sessions, db.read_sessions
    db.engine, db.sessions = bad, sessionmaker(bad, expire_on_commit=False)
    db.read_sessions = sessionmaker(bad, expire_on_commit=False)  # the routes' reads
    try:
        r = env.client.get(path, headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 503 and r.json()["error"]["code"] == "store_unavailable"
        assert "Traceback" not in r.text
    finally:
        db.engine, db.sessions, db.read_sessions = saved
