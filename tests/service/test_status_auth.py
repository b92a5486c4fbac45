"""Reading a comment's status needs the site's credentials (issue 13, item 13).

The answer carries the comment's text and the evidence its decision quotes (a phone number, an
e-mail address); CMS comment ids are often sequential. Unsigned, wrongly signed, stale, another
comment's or another site's signature: 401, and none of the text is in the answer.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from moderation.api import create_app
from moderation.service import signing
from moderation.store import migrate
from tests.service.conftest import SECRET, add_site, make_runtime, make_settings
from tests.service.support import payload, read_headers, signed

PHONE_TEXT = "call me on badword +44 7911 123456"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    rt = make_runtime(make_settings(f"sqlite:///{tmp_path / 'status.db'}"))
    migrate.upgrade(rt.db.engine)
    add_site(rt, "site1")
    add_site(rt, "site2", secret="whsec_other_site")
    with TestClient(create_app(runtime=rt, migrate=False, sweeper=False, warm=False),
                    raise_server_exceptions=False) as c:
        for cid in ("c1", "c2", "a b ü"):
            raw, h = signed(payload(cid, PHONE_TEXT), SECRET)
            assert c.post("/v1/comments?wait=3000", content=raw, headers=h).status_code == 200
        yield c
    rt.close()


PATH = "/v1/comments/site1/c1"


def refused(r: object) -> None:
    assert r.status_code == 401, r.text  # type: ignore[attr-defined]
    assert r.json()["error"]["code"] == "bad_signature"  # type: ignore[attr-defined]
    assert "7911" not in r.text and "badword" not in r.text  # type: ignore[attr-defined]


def test_signed_read_answers_with_the_decision(client: TestClient) -> None:
    r = client.get(PATH, headers=read_headers(PATH))
    assert r.status_code == 200, r.text
    assert r.json()["text"] == PHONE_TEXT
    assert r.json()["decision"]["action"] == "reject"
    assert r.headers["cache-control"] == "no-store"


def test_unsigned_read_is_refused(client: TestClient) -> None:
    r = client.get(PATH)
    refused(r)
    assert "missing X-Moderation-Signature" in r.json()["error"]["reason"]


@pytest.mark.parametrize("header", [
    signing.sign_request("not-the-secret", "GET", PATH),  # wrong secret
    signing.sign_request("whsec_other_site", "GET", PATH),  # another site's secret
    signing.sign_request(SECRET, "GET", "/v1/comments/site1/c2"),  # another comment's signature
    signing.sign_request(SECRET, "POST", PATH),  # another method
    signing.sign(SECRET, b""),  # the webhook's scheme over an empty body, no path
    "t=abc,v1=00",  # malformed
])
def test_wrongly_signed_read_is_refused(client: TestClient, header: str) -> None:
    refused(client.get(PATH, headers={signing.HEADER: header}))


def test_stale_signature_is_refused(client: TestClient) -> None:
    old = signing.sign_request(SECRET, "GET", PATH, timestamp=int(time.time()) - 3600)
    r = client.get(PATH, headers={signing.HEADER: old})
    refused(r)
    assert "replay" in r.json()["error"]["reason"]


def test_a_site_cannot_read_another_sites_comment(client: TestClient) -> None:
    path = "/v1/comments/site2/c1"  # site2 never sent c1; even its own signature gets no text
    assert client.get(path, headers=read_headers(path, "whsec_other_site")).status_code == 404
    refused(client.get(PATH, headers=read_headers(PATH, "whsec_other_site")))


def test_rotated_secrets_both_sign(client: TestClient) -> None:
    from moderation.store import repository as repo

    rt = client.app.state.runtime  # type: ignore[attr-defined]
    with rt.db.session() as s:
        new = repo.rotate_secret(s, "site1").secrets[0]
    client.app.state.sites.invalidate()  # type: ignore[attr-defined]
    for secret in (new, SECRET):
        assert client.get(PATH, headers=read_headers(PATH, secret)).status_code == 200


def test_percent_encoded_ids_sign_the_path_as_sent(client: TestClient) -> None:
    path = "/v1/comments/site1/" + quote("a b ü", safe="")
    r = client.get(path, headers=read_headers(path))
    assert r.status_code == 200, r.text
    assert r.json()["comment_id"] == "a b ü"
    refused(client.get(path, headers=read_headers("/v1/comments/site1/a b ü")))


def test_unknown_site_and_comment(client: TestClient) -> None:
    path = "/v1/comments/nope/c1"
    assert client.get(path, headers=read_headers(path)).json()["error"]["code"] == "unknown_site"
    refused(client.get("/v1/comments/site1/never-sent"))  # no signature: not even "not found"
    path = "/v1/comments/site1/never-sent"
    assert client.get(path, headers=read_headers(path)).status_code == 404


def test_request_payload_is_method_and_path() -> None:
    assert signing.request_payload("get", "/v1/comments/s/c%201") == b"GET /v1/comments/s/c%201"
    header = signing.sign_request("k", "GET", "/p", timestamp=1_700_000_000)
    assert header == "t=1700000000,v1=" + signing.compute("k", 1_700_000_000, b"GET /p")
    signing.verify_request(header, "GET", ["/other", "/p"], ["k"], now=1_700_000_000)
    with pytest.raises(signing.SignatureError):
        signing.verify_request(header, "GET", ["/other"], ["k"], now=1_700_000_000)
