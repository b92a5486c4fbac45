"""Hostile bodies on every JSON route answer 4xx with a reason, never 500 (issue 13, item 5).

Deep nesting made ``json.loads`` raise RecursionError, a 5,000-digit number a bare ValueError:
both were 500s. The webhook's signature is checked on the raw bytes before the body is parsed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from moderation import safe_json
from moderation.review import accounts
from moderation.service import signing
from tests.integrations.conftest import CORAL_SECRET, SITE, Env
from tests.integrations.support import coral_payload
from tests.service.conftest import SECRET

DEEP = b'{"a":' * 5000 + b"1" + b"}" * 5000
DEEP_ARRAY = b"[" * 100_000 + b"]" * 100_000


def _comment(**extra: Any) -> bytes:
    body = {"site_id": SITE, "comment_id": "h1", "text": "a fine comment",
            "article": {"id": "a1"}, "author": {"id": "u1"}}
    return json.dumps({**body, **extra}).encode()[:-1]  # open: a hostile field is appended


def _close(prefix: bytes, field: bytes) -> bytes:
    return prefix + b', "x": ' + field + b"}"


# Each hostile body, as a tail completing a route's otherwise valid object.
HOSTILE: dict[str, bytes] = {
    "deep_object": DEEP,
    "deep_array": DEEP_ARRAY,
    "huge_integer": b"1" + b"0" * 5000,
    "huge_float": b"1e999",
    "nan": b"NaN",
    "invalid_utf8": b'"\xff\xfe you \xc3 idiot"',
    "lone_surrogate": b'"bad \\ud800 half"',
}


def _routes(env: Env) -> dict[str, Callable[[bytes], Any]]:
    with env.rt.db.session() as s:
        _, admin = accounts.add_user(s, "editor", "admin")
    bearer = {"Authorization": f"Bearer {admin}", "Content-Type": "application/json"}
    c: TestClient = env.client

    def webhook(raw: bytes) -> Any:
        return c.post("/v1/comments", content=raw, headers={
            "Content-Type": "application/json", signing.HEADER: signing.sign(SECRET, raw)})

    def coral(raw: bytes) -> Any:
        sig = "sha256=" + hmac.new(CORAL_SECRET.encode(), raw, hashlib.sha256).hexdigest()
        return c.post(f"/v1/integrations/coral/{SITE}", content=raw,
                      headers={"Content-Type": "application/json", "X-Coral-Signature": sig})

    def analyze(raw: bytes) -> Any:
        return c.post(f"/v1alpha1/comments:analyze?key={env.perspective_key}", content=raw)

    def suggest(raw: bytes) -> Any:
        return c.post(f"/v1alpha1/comments:suggestscore?key={env.perspective_key}",
                      content=raw)

    return {
        "webhook": webhook, "coral": coral, "analyze": analyze, "suggest": suggest,
        "put_policy": lambda raw: c.put(f"/v1/policies/{SITE}", content=raw, headers=bearer),
        "backtest": lambda raw: c.post("/v1/policies/default/backtest", content=raw,
                                       headers=bearer),
        "bulk_decision": lambda raw: c.post("/v1/review/decisions/bulk", content=raw,
                                            headers=bearer),
        "add_user": lambda raw: c.post("/v1/review/users", content=raw, headers=bearer),
    }


def _valid_prefix(route: str) -> bytes:
    """A valid object of the route, left open so that a hostile field can be appended."""
    if route == "webhook":
        return _comment()
    if route == "coral":
        return json.dumps(coral_payload("a fine comment")).encode()[:-1]
    if route == "analyze":
        return b'{"comment": {"text": "a fine comment"}, "requestedAttributes": {"TOXICITY": {}}'
    if route == "suggest":
        return (b'{"comment": {"text": "a fine comment"}, "attributeScores": {"TOXICITY": '
                b'{"summaryScore": {"value": 0.9}}}')
    if route == "put_policy":
        return b'{"yaml": "id: news\\n"'
    if route == "backtest":
        return b'{"last": 0'
    if route == "bulk_decision":
        return b'{"action": "approve", "ids": [1]'
    return b'{"name": "someone", "role": "moderator"'


ROUTES = ["webhook", "coral", "analyze", "suggest", "put_policy", "backtest", "bulk_decision",
          "add_user"]


def _assert_refused(r: Any, what: str) -> None:
    assert 400 <= r.status_code < 500, (what, r.status_code, r.text[:300])
    err = r.json()["error"]
    reason = err.get("reason") or err.get("message")
    assert reason and isinstance(reason, str), (what, r.text[:300])
    assert reason != "There was an error parsing the body", (what, "says nothing to fix")


def test_hostile_bodies_get_a_4xx_with_a_reason_on_every_json_route(env: Env) -> None:
    routes = _routes(env)
    for route in ROUTES:
        send = routes[route]
        for name, field in HOSTILE.items():
            _assert_refused(send(_close(_valid_prefix(route), field)), f"{route}/{name}")
        # the whole body hostile, and bodies of the wrong JSON type
        for name, raw in {"bare_deep": DEEP, "bare_deep_array": DEEP_ARRAY,
                          "array": b"[1, 2]", "string": b'"text"', "null": b"null",
                          "truncated": _valid_prefix(route), "empty": b""}.items():
            _assert_refused(send(raw), f"{route}/{name}")


def test_wrong_types_name_the_problem(env: Env) -> None:
    routes = _routes(env)
    r = routes["webhook"](_comment(text={"nested": ["not", "text"]}) + b"}")
    assert r.status_code == 422 and r.json()["error"]["field"] == "text"
    r = routes["analyze"](b'{"comment": {"text": 5}, "requestedAttributes": {"TOXICITY": {}}}')
    assert r.status_code == 400 and "empty" in r.json()["error"]["message"]
    r = routes["analyze"](b'{"comment": "x", "requestedAttributes": []}')
    assert r.status_code == 400 and "'comment' must be an object" in r.json()["error"]["message"]
    r = routes["put_policy"](b'{"yaml": ["not", "text"]}')
    assert r.status_code == 422 and r.json()["error"]["field"] == "yaml"


def test_deep_nesting_reason_says_so(env: Env) -> None:
    routes = _routes(env)
    for route in ("coral", "webhook", "put_policy", "backtest", "bulk_decision"):
        r = routes[route](_close(_valid_prefix(route), DEEP))
        assert r.status_code == 422, (route, r.text[:300])
        assert f"at most {safe_json.MAX_DEPTH}" in r.json()["error"]["reason"], route
    r = routes["analyze"](_close(_valid_prefix("analyze"), DEEP))
    assert r.status_code == 400 and "levels deep" in r.json()["error"]["message"]


def test_webhook_checks_the_signature_before_parsing(env: Env) -> None:
    """An unsigned body is refused for its signature (401) even when it would not parse:
    the body is not parsed for a stranger."""
    for raw in (_close(_comment(), b"[[[ broken"), _close(_comment(), DEEP),
                _close(_comment(), b"1" + b"0" * 5000)):
        r = env.client.post("/v1/comments", content=raw,
                            headers={"Content-Type": "application/json"})
        assert r.status_code == 401, r.text[:300]
    # wholly hostile and unsigned: no site to check against, refused as a body (not a 500)
    r = env.client.post("/v1/comments", content=DEEP)
    assert r.status_code == 422 and "levels deep" in r.json()["error"]["reason"]


def test_webhook_refuses_a_site_the_parser_reads_differently(env: Env) -> None:
    """Signed for site A but parsed as site B would let A's secret speak for B: refused."""
    raw = _comment() + b', "site_id": "other"}'  # duplicate key: the parser keeps the last
    r = env.client.post("/v1/comments", content=raw, headers={
        "Content-Type": "application/json", signing.HEADER: signing.sign(SECRET, raw)})
    assert r.status_code == 422 and "ambiguous" in r.json()["error"]["reason"], r.text


def test_suggestscore_context_with_hostile_json_text_is_still_recorded(env: Env) -> None:
    """Coral's comment id is JSON inside a string; a deep one there is ignored, not a 500."""
    body = {"comment": {"text": "a fine comment"},
            "attributeScores": {"TOXICITY": {"summaryScore": {"value": 0.9}}},
            "context": {"entries": [{"text": DEEP.decode()}, 5, {"text": 7}]}}
    suggest = _routes(env)["suggest"]
    r = suggest(json.dumps(body).encode())
    assert r.status_code == 200, r.text[:300]
    body["context"] = {"entries": 12}
    assert suggest(json.dumps(body).encode()).status_code == 200


@pytest.mark.parametrize("raw,depth", [(b"{}", 1), (b'{"a": "[[[[{{{"}', 1),
                                       (b'[[["\\"[[["]]]', 3), (DEEP, 5000)])
def test_nesting_depth_ignores_brackets_in_strings(raw: bytes, depth: int) -> None:
    assert safe_json.nesting_depth(raw) in ((depth,) if depth > safe_json.MAX_DEPTH
                                            else range(depth, safe_json.MAX_DEPTH + 1))


def test_top_level_string_reads_only_the_top_level() -> None:
    f = safe_json.top_level_string
    assert f(b'{"x": {"site_id": "inner"}, "site_id": "outer"}', "site_id") == "outer"
    assert f(b'{"site_id": "a", "site_id": "b"}', "site_id") == "a"  # the webhook compares
    assert f(b'{"site\\u005fid": "esc"}', "site_id") == "esc"
    assert f(b'{"site_id": 5}', "site_id") is None
    assert f(b'{"k": "site_id", "v": "x"}', "site_id") is None
    assert f(b'["site_id", "x"]', "site_id") is None
    assert f(b'{"t": "a \\" b", "site_id": "s"}', "site_id") == "s"


def test_akismet_hostile_forms_are_not_a_500(env: Env) -> None:
    """Akismet's API is form-encoded, not JSON: bad bytes and broken encodings still never 500."""
    base = f"api_key={env.akismet_key}&blog=https://news.example&user_ip=1.2.3.4"
    for form in (base + "&comment_content=%ff%fe+you+%c3+idiot",
                 base + "&comment_content=100%+broken%zz",
                 base + "&comment_content=" + "%5B" * 10_000):
        r = env.client.post("/1.1/comment-check", content=form.encode(),
                            headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert r.status_code == 200 and r.text in ("true", "false", "invalid"), r.text[:200]
    r = env.client.post("/1.1/comment-check", content=b"\xff\xfe{{{",
                        headers={"Content-Type": "multipart/form-data"})
    assert 200 <= r.status_code < 500, r.text[:200]


def test_webhook_finds_the_site_wherever_it_is(env: Env) -> None:
    """The flat scan is not fooled by order, nesting or escapes: valid bodies still pass."""
    send = _routes(env)["webhook"]
    bodies = [
        {"comment_id": "w1", "text": "a fine comment", "article": {"id": "a1",
         "site_id": "not-this"}, "author": {"id": "u1"}, "site_id": SITE},
        {"comment_id": "w2", "text": 'quotes \\" and {[ brackets', "article": {"id": "a1"},
         "author": {"id": "u1"}, "site_id": SITE},
    ]
    for body in bodies:
        r = send(json.dumps(body).encode())
        assert r.status_code in (200, 202), r.text[:300]
    escaped = _comment(comment_id="w3").replace(b'"site_id"', b'"site\\u005fid"') + b"}"
    assert send(escaped).status_code in (200, 202)
