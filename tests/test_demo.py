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


def test_demo_run_twice_adds_nothing_and_says_so(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 13, item 10: a second run added every seed to the review queue again."""
    from sqlalchemy import create_engine, text

    monkeypatch.chdir(tmp_path)
    for var in ("MODERATION_DATABASE_URL", "MODERATION_REDIS_URL", "MODERATION_SCORER"):
        monkeypatch.delenv(var, raising=False)
    first = CliRunner().invoke(main, ["demo"])
    assert first.exit_code == 0, first.output
    engine = create_engine(f"sqlite:///{tmp_path / 'data' / 'moderation.db'}")

    def stored() -> tuple[int, int]:
        with engine.connect() as c:
            return (c.scalar(text("SELECT count(*) FROM submissions")),
                    c.scalar(text("SELECT count(*) FROM submissions WHERE status = 'in_review'")))

    after_first = stored()
    second = CliRunner().invoke(main, ["demo"])
    assert second.exit_code == 0, second.output
    assert stored() == after_first  # nothing added, the review queue unchanged
    engine.dispose()
    seeds = len((Path(__file__).resolve().parents[1] / "seeds" / "comments.jsonl")
                .read_text(encoding="utf-8").splitlines())
    assert after_first[0] == seeds and after_first[1] > 0
    assert f"{seeds} of them were stored by an earlier demo run" in second.output
    assert "delete ./data/moderation.db" in second.output
    assert "; 0 callbacks received" in second.output  # not sent twice
    # the same decisions are shown both times
    pick = re.compile(r"^(APPROVE|REJECT|REVIEW)\s+(\S+)", re.M)
    assert pick.findall(second.output) == pick.findall(first.output)
