"""The database unreachable: every integration answers in its protocol's "try later" and keeps
nothing; once it is back, the same requests are stored and decided (PostgreSQL behind a TCP proxy
that can cut it off)."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import make_url

from moderation.api import create_app
from moderation.policy.registry import PolicyRegistry
from moderation.service.wiring import build_runtime
from moderation.store.schema import Submission
from tests.integrations.conftest import CORAL_SECRET, SITE, build_env
from tests.integrations.support import coral_payload, coral_request
from tests.service.conftest import make_settings
from tests.service.support import TcpProxy


def test_store_down_answers_503_and_keeps_nothing(db_url: str,
                                                   real_registry: PolicyRegistry) -> None:
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        pytest.skip("needs a server database to cut off")
    direct = build_runtime(make_settings(db_url), registry=real_registry)
    env = build_env(direct)  # site, Coral secret and keys, through a direct connection
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432).start()
    proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    rt = build_runtime(make_settings(proxied, db_timeout_s=1.0), registry=real_registry)
    try:
        with TestClient(create_app(runtime=rt, migrate=False, sweeper=False),
                        raise_server_exceptions=False) as c:

            def coral(text: str) -> int:
                raw, headers = coral_request(coral_payload(text), [CORAL_SECRET])
                return c.post(f"/v1/integrations/coral/{SITE}", content=raw,
                              headers=headers).status_code

            def perspective(text: str):  # type: ignore[no-untyped-def]
                body = json.dumps({"comment": {"text": text}, "doNotStore": False,
                                   "requestedAttributes": {"PROFANITY": {}}})
                return c.post(f"/v1alpha1/comments:analyze?key={env.perspective_key}",
                              content=body)

            def akismet(text: str):  # type: ignore[no-untyped-def]
                return c.post("/1.1/comment-check", data={
                    "api_key": env.akismet_key, "blog": "https://b", "user_ip": "1.2.3.4",
                    "comment_content": text})

            assert coral("before") == 200  # warms the site, secret and key caches too
            assert perspective("before p").status_code == 200
            assert akismet("before a").text == "false"
            proxy.cut()
            assert coral("down") == 503
            r = perspective("down p")
            assert r.status_code == 503 and r.json()["error"]["status"] == "UNAVAILABLE"
            r = akismet("down a")
            assert r.status_code == 503 and "Traceback" not in r.text
            proxy.restore()
            assert coral("after") == 200
        with direct.db.session() as s:
            texts = set(s.scalars(select(Submission.text)))
        assert texts == {"before", "before p", "before a", "after"}
    finally:
        proxy.cut()
        rt.close()
        direct.close()
