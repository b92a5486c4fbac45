"""Versions: every accepted policy is stored (hash, sequence, author, time, message, files);
history and diff read them back; a refused edit stores nothing and leaves the live version."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from moderation.cli import main
from moderation.errors import PolicyError
from moderation.policy import load_policy, policy_from_bundle
from moderation.policy.admin import apply_file, diff_bundles
from moderation.policy.versions import find_version, history, live_version
from moderation.store.db import Database
from tests.policy.conftest import write


def test_apply_stores_numbered_versions(policy_dir: Path, db: Database) -> None:
    base = policy_dir / "base.yaml"
    first = apply_file(db, base, author="alice", message="first")
    assert first.created and (first.info.seq, first.info.live) == (1, True)
    assert first.info.version == load_policy(base).version
    again = apply_file(db, base, author="bob", message="same content")
    assert not again.created and again.info.seq == 1  # identical content: no new version
    write(policy_dir / "words" / "swears.txt", "heck\nfrick\ndarn\n")
    second = apply_file(db, base, author="bob", message="add darn")
    assert second.created and second.info.seq == 2 and second.info.version != first.info.version
    with db.session() as s:
        rows = history(s, "base")
        live = live_version(s, "base")
        assert [(r.seq, r.author, r.message, r.live) for r in rows] == [
            (2, "bob", "add darn", True), (1, "alice", "first", False)]
        assert rows[0].created_at >= rows[1].created_at
        assert live.seq == 2 and live.source == str(base)
        assert find_version(s, "base@1").version == first.info.version
        assert find_version(s, first.info.version).seq == 1
        assert find_version(s, "base").seq == 2
        assert find_version(s, "2", default_policy="base").seq == 2
        stored = live.bundle
    rebuilt = policy_from_bundle(stored, "base@2")
    assert rebuilt.version == second.info.version and "darn" in rebuilt.words("words/swears.txt")


def test_refused_apply_changes_nothing(policy_dir: Path, db: Database) -> None:
    base = policy_dir / "base.yaml"
    apply_file(db, base, author="alice")
    base.write_text(base.read_text().replace("reject_at: 0.9", "reject_at: 0.1"))
    with pytest.raises(PolicyError) as err:
        apply_file(db, base, author="mallory")
    assert any("must not be above reject_at" in p for p in err.value.problems)
    with db.session() as s:
        assert [r.seq for r in history(s, "base")] == [1]
        assert live_version(s, "base").author == "alice"


def test_diff_shows_yaml_lines_and_list_entries(policy_dir: Path) -> None:
    base = policy_dir / "base.yaml"
    a = load_policy(base)
    base.write_text(base.read_text().replace("reject_at: 0.9", "reject_at: 0.8"))
    write(policy_dir / "words" / "swears.txt", "# reordered, one removed, one added\nheck\ndarn\n")
    b = load_policy(base)
    diffs = {d.key: d for d in diff_bundles(a.bundle, b.bundle, "v1", "v2")}
    assert set(diffs) == {"base.yaml", "words/swears.txt"}
    assert "-      reject_at: 0.9" in diffs["base.yaml"].unified
    assert "+      reject_at: 0.8" in diffs["base.yaml"].unified
    assert (diffs["words/swears.txt"].added, diffs["words/swears.txt"].removed) == (
        ["darn"], ["frick"])


def test_cli_apply_history_diff(policy_dir: Path, db_url: str,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODERATION_DATABASE_URL", db_url)
    runner = CliRunner()
    base = str(policy_dir / "base.yaml")
    res = runner.invoke(main, ["policy", "apply", base, "-m", "initial", "--author", "alice"])
    assert res.exit_code == 0, res.output
    assert "applied: base@1 version" in res.output
    write(policy_dir / "words" / "mild.txt", "gosh\ngolly\n")
    res = runner.invoke(main, ["policy", "apply", base, "-m", "golly", "--author", "bob"])
    assert res.exit_code == 0 and "applied: base@2" in res.output
    bad = write(policy_dir / "bad.yaml", Path(base).read_text().replace("action: review",
                                                                        "action: maybe"))
    res = runner.invoke(main, ["policy", "apply", str(bad)])
    assert res.exit_code == 1
    assert "refused: the live version is unchanged" in res.output and f"{bad}:21:5:" in res.output
    res = runner.invoke(main, ["policy", "history", "base"])
    lines = res.output.splitlines()
    assert res.exit_code == 0 and len(lines) == 2
    assert lines[0].startswith("* base@2") and "bob" in lines[0] and "golly" in lines[0]
    assert lines[1].startswith("  base@1") and "alice" in lines[1] and "initial" in lines[1]
    res = runner.invoke(main, ["policy", "diff", "base@1", "base@2"])
    assert res.exit_code == 0
    assert "word list words/mild.txt (changed): +1 -0 entries" in res.output
    assert "  + golly" in res.output
    res = runner.invoke(main, ["policy", "diff", "base@2", "base@9"])
    assert res.exit_code == 1 and "no such stored version" in res.output
    res = runner.invoke(main, ["policy", "rollback", "base@1", "--author", "carol"])
    assert res.exit_code == 0 and "base@3 (content of base@1" in res.output, res.output
    res = runner.invoke(main, ["policy", "history", "base", "--json"])
    rows = json.loads(res.output)
    assert [(r["seq"], r["live"], r["author"]) for r in rows] == [
        (3, True, "carol"), (2, False, "bob"), (1, False, "alice")]
    assert rows[0]["version"] == rows[2]["version"] and rows[0]["message"] == "rollback to base@1"
