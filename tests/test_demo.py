"""The README's first command: ``moderation demo`` runs the whole flow on embedded defaults."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from moderation.cli import main


def test_demo_posts_the_seeds_through_the_webhook(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # the embedded SQLite file goes to ./data/
    for var in ("MODERATION_DATABASE_URL", "MODERATION_REDIS_URL", "MODERATION_SCORER"):
        monkeypatch.delenv(var, raising=False)
    result = CliRunner().invoke(main, ["demo"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "data" / "moderation.db").is_file()
    summary = re.search(r"(\d+) comments: (.*); (\d+) callbacks received", result.output)
    assert summary, result.output
    total, counts, callbacks = int(summary[1]), summary[2], int(summary[3])
    seeds = Path(__file__).resolve().parents[1] / "seeds" / "comments.jsonl"
    assert total == len(seeds.read_text(encoding="utf-8").splitlines())
    by_action = {a: int(n) for n, a in re.findall(r"(\d+) (approve|reject|review)", counts)}
    assert sum(by_action.values()) == total  # every comment got a decision
    assert by_action.get("reject", 0) > 0 and by_action.get("approve", 0) > 0
    # the CMS is called back for every final decision, never for one waiting for review
    assert callbacks == by_action.get("approve", 0) + by_action.get("reject", 0)
    assert "threat" in result.output and "promotion" in result.output
