"""``moderation users ...`` and ``moderation export-labels``, and that the export is read by
``moderation train --extra`` (its loader) and ``moderation evaluate`` as documented."""

from __future__ import annotations

import csv
import re
from datetime import timedelta
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import update

from moderation.cli import main
from moderation.review import accounts
from moderation.store.schema import DecisionRow, utcnow
from tests.review.conftest import Env


def run(env: Env, *args: str):  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(main, list(args),
                                env={"MODERATION_DATABASE_URL": env.rt.settings.database_url})
    return result


def test_users_add_prints_a_working_token_once(env: Env) -> None:
    r = run(env, "users", "add", "dana", "--role", "admin")
    assert r.exit_code == 0, r.output
    token = re.search(r"token: (\S+)", r.output).group(1)
    with env.rt.db.session() as s:
        who = accounts.authenticate_token(s, token)
    assert who is not None and (who.name, who.role) == ("dana", "admin")
    me = env.client.get("/v1/review/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json() == {"name": "dana", "role": "admin"}
    listing = run(env, "users", "list")
    assert listing.exit_code == 0
    assert re.search(r"^dana\s+admin\s+active", listing.output, re.M)
    assert token not in listing.output
    assert run(env, "users", "add", "dana").exit_code != 0  # exists
    assert run(env, "users", "add", "eve", "--role", "owner").exit_code != 0
    r = run(env, "users", "disable", "dana")
    assert r.exit_code == 0
    assert env.client.get("/v1/review/me",
                          headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert run(env, "users", "enable", "dana").exit_code == 0
    assert env.client.get("/v1/review/me",
                          headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert run(env, "users", "disable", "nobody").exit_code != 0


def test_export_labels_writes_the_decisions_in_force(env: Env, tmp_path: Path) -> None:
    tricky = 'you will regret this, "friend"\nsecond line; <b>bold</b>'
    a = env.review_item(tricky, site="site1")
    b = env.review_item(site="site1")
    c = env.review_item(site="site2")
    pending = "you will regret this, nobody has decided yet"
    env.review_item(pending, site="site1")  # never decided: not exported
    env.post("mod1", f"/v1/review/items/{a}/decision", {"action": "reject", "reason": "threat"})
    env.post("mod1", f"/v1/review/items/{b}/decision", {"action": "reject", "reason": "threat"})
    env.post("mod2", f"/v1/review/items/{c}/decision", {"action": "approve"})
    # b is overturned: the export carries the overturned outcome, once
    env.post("boss", f"/v1/review/items/{b}/overturn", {"action": "approve", "note": "appeal"})
    out = tmp_path / "labels.csv"
    r = run(env, "export-labels", "--out", str(out))
    assert r.exit_code == 0, r.output
    assert "wrote 3 decision(s)" in r.output
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["text", "action", "category"]
    got = sorted((row["text"], row["action"], row["category"]) for row in rows)
    assert got == sorted([(tricky, "reject", "threat"),
                          ("you will regret this", "approve", ""),
                          ("you will regret this", "approve", "threat")])
    assert all(row["text"] not in ("", pending) for row in rows)

    # --site and --since
    r = run(env, "export-labels", "--out", str(tmp_path / "s2.csv"), "--site", "site2")
    assert "wrote 1 decision(s)" in r.output
    with env.rt.db.session() as s:  # pretend c's decision is a week old
        s.execute(update(DecisionRow).where(DecisionRow.submission_id == c,
                                            DecisionRow.kind == "human")
                  .values(decided_at=utcnow() - timedelta(days=7)))
    since = (utcnow() - timedelta(days=1)).date().isoformat()
    r = run(env, "export-labels", "--out", str(tmp_path / "recent.csv"), "--since", since)
    assert "wrote 2 decision(s)" in r.output
    bad = run(env, "export-labels", "--out", str(tmp_path / "x.csv"), "--since", "yesterday")
    assert bad.exit_code != 0 and "--since" in bad.output

    # what `moderation train --extra FILE --text-column text --label-column action` loads
    from moderation.training.datasets import load_extra_csv

    examples = load_extra_csv(out, "text", "action")
    assert len(examples) == 3
    assert sorted(e.labels.get("toxicity", 0) for e in examples) == [0, 0, 1]
    assert tricky in {e.text for e in examples}

    # and `moderation evaluate FILE --text-column text --label-column action` runs on it
    report = tmp_path / "eval"
    r = CliRunner().invoke(main, ["evaluate", str(out), "--text-column", "text",
                                  "--label-column", "action", "--category-column", "category",
                                  "--scorer", "none", "--out", str(report)])
    assert r.exit_code == 0, r.output
    assert (report / "report.md").exists()
