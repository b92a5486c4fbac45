"""The webhook and status API in the embedded (inline) mode, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from moderation.api import create_app
from moderation.service.runtime import Runtime
from moderation.store.schema import DecisionRow, Submission
from tests.service.conftest import SECRET, add_site, make_runtime, make_settings
from tests.service.support import STUB_MAX_LENGTH, payload, read_headers, signed, wait_until


@pytest.fixture
def rt(db_url: str) -> Iterator[Runtime]:
    runtime = make_runtime(make_settings(db_url))
    add_site(runtime)
    yield runtime
    runtime.close()


@pytest.fixture
def client(rt: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime=rt, migrate=False), raise_server_exceptions=False) as c:
        yield c


def post(client: TestClient, body: dict | bytes, secret: str = SECRET, query: str = "",
         timestamp: int | None = None, headers: dict | None = None):  # type: ignore[no-untyped-def]
    raw, h = signed(body, secret, timestamp)
    h.update(headers or {})
    return client.post("/v1/comments" + query, content=raw, headers=h)


def decided(client: TestClient, comment_id: str, site: str = "site1") -> dict:
    def _get() -> dict | None:
        path = f"/v1/comments/{site}/{comment_id}"
        r = client.get(path, headers=read_headers(path))
        return r.json() if r.status_code == 200 and r.json()["status"] != "queued" else None

    return wait_until(_get, 10, what=f"decision of {comment_id}")


def test_accepts_stores_and_decides(client: TestClient, rt: Runtime) -> None:
    r = post(client, payload("c1"))
    assert r.status_code in (200, 202)
    body = r.json()
    assert body["submission_id"] > 0 and body["duplicate"] is False
    assert body["status_url"] == "/v1/comments/site1/c1"
    assert (r.status_code == 202) == (body["status"] == "queued")
    with rt.db.session() as s:  # durable before the answer
        assert s.scalar(select(func.count()).select_from(Submission)) == 1
    state = decided(client, "c1")
    assert state["status"] == "decided"
    assert state["decision"]["action"] == "approve"
    assert state["decision"]["policy_version"] == "stub-1"
    assert state["text"] == "a perfectly fine comment"


def test_wait_returns_the_decision(client: TestClient) -> None:
    r = post(client, payload("c2", "this has badword in it"), query="?wait=3000")
    assert r.status_code == 200, r.text
    d = r.json()["decision"]
    assert r.json()["status"] == "decided"
    assert d["action"] == "reject" and d["categories"] == ["profanity"]
    assert d["reasons"][0]["evidence"][0] == {"start": 9, "end": 16, "text": "badword",
                                              "term": None}


def test_review_is_not_final(client: TestClient) -> None:
    r = post(client, payload("c3", "maybe rude"), query="?wait=3000")
    assert r.json()["status"] == "in_review"
    assert r.json()["decision"]["action"] == "review"
    assert r.json()["decision"]["final"] is False


def test_wait_is_capped_and_times_out_cleanly(db_url: str) -> None:
    runtime = make_runtime(make_settings(db_url, wait_max_ms=300))
    add_site(runtime)
    try:
        with TestClient(create_app(runtime=runtime, migrate=False)) as c:
            # the stub engine takes 3 s: answered "queued" means the wait ended at the cap
            # (300 ms), not at the 60 s asked for (then the verdict would be in the answer)
            r = post(c, payload("slow1", "slow:3 text"), query="?wait=60000")
            assert r.status_code == 202 and r.json()["status"] == "queued"
            assert "decision" not in r.json() or r.json()["decision"] is None
    finally:
        runtime.close()


def test_duplicate_returns_first_submission_and_one_decision(client: TestClient,
                                                             rt: Runtime) -> None:
    first = post(client, payload("dup", "original text"), query="?wait=3000").json()
    again = post(client, payload("dup", "edited text"))
    assert again.status_code == 200
    assert again.json()["submission_id"] == first["submission_id"]
    assert again.json()["duplicate"] is True
    assert again.json()["decision"]["action"] == first["decision"]["action"]
    with rt.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Submission)) == 1
        assert s.scalar(select(func.count()).select_from(DecisionRow)) == 1
        assert s.scalar(select(Submission.text)) == "original text"


TEXTS = [
    "Ünïcödé ✓ 👍🏽 family 👨‍👩‍👧 e\u0301 \u202eRTL\u202c",
    "line1\r\nline2\n\ttab \u2028 sep \ufeff bom",
    "   leading and trailing spaces   ",
]


@pytest.mark.parametrize("text", TEXTS)
def test_text_round_trips_byte_for_byte(client: TestClient, text: str) -> None:
    cid = "u" + hashlib.md5(text.encode()).hexdigest()[:8]
    r = post(client, payload(cid, text))
    assert r.status_code in (200, 202), r.text
    assert r.json()["text_sha256"] == hashlib.sha256(text.encode("utf-8")).hexdigest()
    path = f"/v1/comments/site1/{cid}"
    got = client.get(path, headers=read_headers(path))
    assert got.json()["text"] == text
    assert json.loads(got.content)["text"].encode("utf-8") == text.encode("utf-8")


def test_rejects_lone_surrogates_with_a_reason(client: TestClient, rt: Runtime) -> None:
    raw = b'{"site_id":"site1","comment_id":"s1","text":"bad \\ud800 half",' \
          b'"article":{"id":"a"},"author":{"id":"u"}}'
    r = post(client, raw)
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["field"] == "text"
    assert "surrogate" in err["reason"] and "U+D800" in err["reason"]
    with rt.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Submission)) == 0


def test_rejects_nul_and_empty(client: TestClient) -> None:
    r = post(client, payload("n1", "nul \x00 here"))
    assert r.status_code == 422 and r.json()["error"]["field"] == "text"
    for blank in ("", "  \n\t "):
        r = post(client, payload("n2", blank))
        assert r.status_code == 422 and r.json()["error"]["code"] == "empty_text"


@pytest.mark.parametrize(
    "mutate,field",
    [
        (lambda p: p.pop("comment_id"), "comment_id"),
        (lambda p: p["article"].pop("id"), "article.id"),
        (lambda p: p.update(author={"id": ""}), "author.id"),
        (lambda p: p.update(submitted_at="yesterday"), "submitted_at"),
        (lambda p: p.update(text=42), "text"),
    ],
)
def test_invalid_body_names_the_field(client: TestClient, mutate, field: str) -> None:  # type: ignore[no-untyped-def]
    body = payload("bad")
    mutate(body)
    r = post(client, body)
    assert r.status_code == 422
    assert r.json()["error"]["field"] == field
    assert r.json()["error"]["reason"]


def test_invalid_json_and_non_object(client: TestClient) -> None:
    r = post(client, b'{"site_id": "site1", ')
    assert r.status_code == 422 and r.json()["error"]["field"] == "body"
    r = post(client, b"[1, 2]")
    assert r.status_code == 422
    r = post(client, b"\xff\xfe{}")
    assert r.status_code == 422 and "UTF-8" in r.json()["error"]["reason"]


def test_signature_failures_are_401(client: TestClient) -> None:
    raw, _ = signed(payload("sig"), SECRET)
    r = client.post("/v1/comments", content=raw)
    assert r.status_code == 401 and "missing" in r.json()["error"]["reason"]
    assert post(client, payload("sig"), secret="wrong").status_code == 401
    stale = int(time.time()) - 301
    r = post(client, payload("sig"), timestamp=stale)
    assert r.status_code == 401 and "window" in r.json()["error"]["reason"]
    # a body changed after signing
    raw, h = signed(payload("sig"), SECRET)
    r = client.post("/v1/comments", content=raw.replace(b"fine", b"FINE"), headers=h)
    assert r.status_code == 401
    r = client.post("/v1/comments", content=raw, headers={"X-Moderation-Signature": "garbage"})
    assert r.status_code == 401


def test_rotation_accepts_several_signatures(client: TestClient, rt: Runtime) -> None:
    from moderation.service import signing
    from moderation.store import repository as repo

    with rt.db.session() as s:
        new = repo.rotate_secret(s, "site1").secrets[0]
    client.app.state.sites.invalidate()
    raw = json.dumps(payload("rot1")).encode()
    both = signing.sign(["not-this-one", new], raw)
    r = client.post("/v1/comments", content=raw, headers={signing.HEADER: both})
    assert r.status_code in (200, 202)
    assert post(client, payload("rot2"), secret=SECRET).status_code in (200, 202)  # previous


def test_unknown_site_is_404(client: TestClient) -> None:
    r = post(client, payload("x", site_id="nope"))
    assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_site"
    missing = "/v1/comments/site1/never-sent"
    assert client.get(missing, headers=read_headers(missing)).status_code == 404


def test_too_long_is_413(client: TestClient, rt: Runtime) -> None:
    r = post(client, payload("long", "x" * (STUB_MAX_LENGTH + 1)))
    assert r.status_code == 413
    assert r.json()["error"]["limit"] == STUB_MAX_LENGTH
    assert post(client, payload("ok", "x" * STUB_MAX_LENGTH)).status_code in (200, 202)
    with rt.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Submission)) == 1


def test_oversized_body_is_413_before_it_is_read(db_url: str) -> None:
    """Refused from Content-Length, or while a chunked body streams in: never buffered whole,
    never stored."""
    runtime = make_runtime(make_settings(db_url, max_body_bytes=2048))
    add_site(runtime)
    try:
        with TestClient(create_app(runtime=runtime, migrate=False),
                        raise_server_exceptions=False) as c:
            raw, h = signed(payload("big", "x" * 4000), SECRET)
            r = c.post("/v1/comments", content=raw, headers=h)
            assert r.status_code == 413, r.text
            assert r.json()["error"] == {"code": "body_too_large", "field": "body",
                                         "reason": f"body is {len(raw)} bytes; at most 2048 "
                                                   "accepted"}
            served = []

            def chunks() -> Iterator[bytes]:  # no Content-Length: sent chunked
                for i in range(0, len(raw), 512):
                    served.append(i)
                    yield raw[i:i + 512]

            r = c.post("/v1/comments", content=chunks(), headers=h)
            assert r.status_code == 413, r.text
            assert r.json()["error"]["reason"] == "body is over 2048 bytes; at most 2048 accepted"
            raw, h = signed(payload("small", "fine"), SECRET)
            assert c.post("/v1/comments", content=raw, headers=h).status_code in (200, 202)
        with runtime.db.session() as s:
            assert s.scalars(select(Submission.comment_id)).all() == ["small"]
    finally:
        runtime.close()


def test_webhook_behind_a_root_path(rt: Runtime) -> None:
    """Served under a prefix (``uvicorn --root-path``): the webhook is still found."""
    with TestClient(create_app(runtime=rt, migrate=False), root_path="/moderation",
                    raise_server_exceptions=False) as c:
        raw, h = signed(payload("rp"), SECRET)
        r = c.post("/moderation/v1/comments", content=raw, headers=h)
        assert r.status_code in (200, 202), r.text
        path = "/moderation/v1/comments/site1/rp"
        assert c.get(path, headers=read_headers(path)).json()["comment_id"] == "rp"
        # status_url, relative to the service's root, is accepted as the signed path too
        rel = r.json()["status_url"]
        assert c.get(path, headers=read_headers(rel)).json()["comment_id"] == "rp"


def test_unexpected_failure_is_a_clean_500(client: TestClient, rt: Runtime,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug in the webhook's handler answers 500 with the usual error body, no trace."""
    from moderation.api import webhook

    def broken(data: dict) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(webhook, "validate", broken)
    r = post(client, payload("boom"))
    assert r.status_code == 500
    assert r.json() == {"error": {"code": "internal_error",
                                  "reason": "internal error (logged on the server)"}}
    assert "secret internals" not in r.text and "Traceback" not in r.text


def test_bad_query_is_422_without_stack_trace(client: TestClient) -> None:
    r = post(client, payload("q"), query="?wait=soon")
    assert r.status_code == 422 and r.json()["error"]["field"] == "wait"
    assert "Traceback" not in r.text


def test_health_ready_metrics_openapi(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["database"] == "ok"
    post(client, payload("m1", "badword"), query="?wait=3000")
    text = client.get("/metrics").text
    assert 'moderation_decisions{action="reject",category="profanity"} 1.0' in text
    assert "moderation_webhook_ack_seconds_bucket" in text
    assert 'moderation_submissions{status="decided"} 1.0' in text
    assert "moderation_queue_depth" in text
    schema = client.get("/openapi.json").json()
    assert "/v1/comments" in schema["paths"]
    assert "article" in schema["components"]["schemas"]["CommentIn"]["properties"]
