"""``moderation sites set-coral-secret | issue-key | keys | revoke-key | labels``."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from moderation.cli import main
from moderation.integrations import store as istore
from moderation.store.db import Database


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("MODERATION_DATABASE_URL", url)
    return url


def run(*args: str) -> str:
    r = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return r.output


def test_secret_and_keys(cli_env: str) -> None:
    run("sites", "add", "paper")
    assert "Coral secret set for paper (1 active)" in run(
        "sites", "set-coral-secret", "paper", "empsec_" + "a" * 64)
    assert "(2 active)" in run("sites", "set-coral-secret", "paper", "empsec_" + "b" * 64,
                               "--keep-previous", "600")
    out = run("sites", "issue-key", "paper", "--scope", "akismet")
    key = out.strip().splitlines()[-1]
    assert len(key) == 12 and key.isalnum()  # WordPress's Akismet plugin needs 12
    db = Database.connect(cli_env)
    with db.session() as s:
        assert istore.site_for_key(s, key, "akismet") == "paper"
        assert istore.site_for_key(s, key, "perspective") is None
        assert [c.secret[-1] for c in istore.active_coral_secrets(s, "paper")] == ["b", "a"]
    assert f"{key[:4]}  scope=akismet" in run("sites", "keys", "paper")
    assert "revoked 1 key(s)" in run("sites", "revoke-key", "paper", key[:4])
    with db.session() as s:
        assert istore.site_for_key(s, key, "akismet") is None
    db.dispose()
    assert "label,source" in run("sites", "labels", "paper")


def test_unknown_site(cli_env: str) -> None:
    r = CliRunner().invoke(main, ["sites", "issue-key", "nope"])
    assert r.exit_code != 0 and "unknown site" in r.output
