"""Backtest figures on a small labelled set whose outcome is computed by hand (rules only).

live = ``base`` (rejects heck, frick; sends gosh to review). new = the same plus "darn" as a
swear word, "golly" as a mild word, and "frick" allowed.

| # | text            | label   | live    | new     | change           |
|---|-----------------|---------|---------|---------|------------------|
| 1 | what the heck   | reject  | reject  | reject  |                  |
| 2 | darn it all     | reject  | approve | reject  | approve->reject  |
| 3 | oh golly        | approve | approve | review  | ->review (mild)  |
| 4 | lovely day      | approve | approve | approve |                  |
| 5 | heck yes great  | approve | reject  | reject  |                  |
| 6 | frick off       | -       | reject  | approve | reject->approve  |
| 7 | darn good       | -       | approve | reject  | approve->reject  |
| 8 | gosh            | approve | review  | review  |                  |

Against the 6 labels (positive = reject): live rejects 1 and 5: tp 1, fp 1, fn 1 -> precision
0.5, recall 0.5; new rejects 1, 2 and 5: tp 2, fp 1, fn 0 -> precision 2/3, recall 1.
Counting review as positive ("flagged"): live 1, 5, 8 -> P 1/3, R 0.5; new 1, 2, 3, 5, 8 ->
P 0.4, R 1.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from moderation.cli import main
from moderation.policy import backtest as bt
from moderation.policy.admin import apply_file
from moderation.store.db import Database
from tests.policy.conftest import write

ROWS = [("what the heck", "reject"), ("darn it all", "reject"), ("oh golly", "approve"),
        ("lovely day", "approve"), ("heck yes great", "approve"), ("frick off", ""),
        ("darn good", ""), ("gosh", "approve")]


@pytest.fixture
def new_policy(policy_dir: Path, tmp_path: Path) -> Path:
    d = tmp_path / "candidate"
    text = (policy_dir / "base.yaml").read_text().replace("allow: [scunthorpe]",
                                                         "allow: [scunthorpe, frick]")
    write(d / "words" / "swears.txt", "heck\nfrick\ndarn\n")
    write(d / "words" / "mild.txt", "gosh\ngolly\n")
    return write(d / "base.yaml", text)


@pytest.fixture
def labels_csv(tmp_path: Path) -> Path:
    p = tmp_path / "labels.csv"
    with p.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["comment", "verdict"])
        w.writerows(ROWS)
    return p


def check_figures(r: dict) -> None:
    assert r["total"] == 8 and r["changed"] == 4 and r["labelled"] == 6
    assert r["transitions"] == {"approve->reject": 2, "reject->approve": 1, "->review": 1}
    assert r["by_category"] == {"profanity": {"approve->reject": 2, "reject->approve": 1},
                                "mild": {"->review": 1}}
    assert r["matrix"] == {"approve->approve": 1, "approve->reject": 2, "approve->review": 1,
                           "reject->approve": 1, "reject->reject": 2, "review->review": 1}
    m = r["metrics"]
    assert m["live"]["reject"] == {"tp": 1, "fp": 1, "fn": 1, "tn": 3, "precision": 0.5,
                                   "recall": 0.5}
    assert m["new"]["reject"] == {"tp": 2, "fp": 1, "fn": 0, "tn": 3, "precision": 0.6667,
                                  "recall": 1.0}
    assert (m["live"]["flagged"]["precision"], m["live"]["flagged"]["recall"]) == (0.3333, 0.5)
    assert (m["new"]["flagged"]["precision"], m["new"]["flagged"]["recall"]) == (0.4, 1.0)
    (ex,) = r["examples"]["reject->approve"]
    assert ex["text"] == "frick off" and ex["category"] == "profanity"
    assert ex["evidence"][0]["evidence"] == ["frick"]  # why live rejected it
    darn = r["examples"]["approve->reject"]
    assert [e["text"] for e in darn] == ["darn it all", "darn good"]
    assert darn[0]["evidence"][0]["evidence"] == ["darn"] and darn[0]["label"] == "reject"


def test_cli_backtest_on_a_labelled_csv(policy_dir: Path, new_policy: Path, labels_csv: Path,
                                        tmp_path: Path) -> None:
    out = tmp_path / "report"
    res = CliRunner().invoke(main, [
        "policy", "backtest", str(new_policy), "--against", str(policy_dir / "base.yaml"),
        "--labels", str(labels_csv), "--text-column", "comment", "--label-column", "verdict",
        "--scorer", "none", "--out", str(out), "--json"])
    assert res.exit_code == 0, res.output
    check_figures(json.loads(res.stdout))
    md = (out / "report.md").read_text()
    assert "| approve->reject | 2 |" in md and "| reject->approve | 1 |" in md
    assert "| category | ->review | approve->reject | reject->approve |" in md
    assert "| profanity | 0 | 2 | 1 |" in md and "| mild | 1 | 0 | 0 |" in md
    assert "66.7%" in md and "100.0%" in md
    for png in ("changes_by_category.png", "precision_recall.png"):
        assert (out / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f"]({png})" in md
    check_figures(json.loads((out / "report.json").read_text()))


def test_stored_comments_with_human_labels(policy_dir: Path, new_policy: Path,
                                           db: Database, db_url: str,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Stored comments replayed against the stored live version; a person's review decision
    (the latest one) is the label."""
    from datetime import UTC, datetime

    from moderation.store import repository as repo
    from moderation.store.schema import DecisionRow

    apply_file(db, policy_dir / "base.yaml", author="t")
    with db.session() as s:
        repo.add_site(s, "site1", secret="x", policy_id="base")
        repo.add_site(s, "other", secret="x", policy_id="default")
    ids = {}
    for i, (text, _) in enumerate(ROWS):
        sub, _ = repo.record_submission(db, {"site_id": "site1", "comment_id": f"c{i}",
                                             "text": text, "article": None})
        ids[text] = sub.id
    repo.record_submission(db, {"site_id": "other", "comment_id": "x", "text": "darn",
                                "article": None})

    def human(text: str, action: str, kind: str = "human") -> None:
        with db.session() as s:
            s.add(DecisionRow(submission_id=ids[text], kind=kind, action=action, final=True,
                              categories=[], reasons=[], scores={}, policy_id="base",
                              policy_version="x", engine_version="x", engine_ms=0.0,
                              queue_ms=0.0, decided_at=datetime.now(UTC), decided_by="mod"))

    human("darn it all", "approve")
    human("darn it all", "reject", kind="overturn-1")  # the later verdict is the label
    human("heck yes great", "approve")
    items = bt.stored_items(db, last=100, policy_id="base")
    assert len(items) == 8  # only the sites using the policy
    assert [i.text for i in bt.stored_items(db, last=3, policy_id="base")] == [
        "gosh", "darn good", "frick off"]  # the newest
    from datetime import timedelta

    now = datetime.now(UTC)
    assert len(bt.stored_items(db, since=now - timedelta(hours=1), until=now + timedelta(
        hours=1), policy_id="base")) == 8
    assert bt.stored_items(db, since=now + timedelta(hours=1), policy_id="base") == []
    assert len(bt.stored_items(db, last=100, site_ids=["other"])) == 1
    labels = {i.text: (i.label, i.label_source) for i in items if i.label}
    assert labels == {"darn it all": ("reject", "human"), "heck yes great": ("approve", "human")}
    monkeypatch.setenv("MODERATION_DATABASE_URL", db_url)
    res = CliRunner().invoke(main, ["policy", "backtest", str(new_policy), "--last", "100",
                                    "--scorer", "none", "--json"])
    assert res.exit_code == 0, res.output
    r = json.loads(res.stdout)
    assert r["live"].startswith("base@1 ") and r["total"] == 8
    assert r["transitions"] == {"approve->reject": 2, "reject->approve": 1, "->review": 1}
    # labelled: "darn it all" (reject; live approve -> fn, new reject -> tp) and
    # "heck yes great" (approve; both reject -> fp)
    assert r["metrics"]["live"]["reject"] == {"tp": 0, "fp": 1, "fn": 1, "tn": 0,
                                              "precision": 0.0, "recall": 0.0}
    assert r["metrics"]["new"]["reject"] == {"tp": 1, "fp": 1, "fn": 0, "tn": 0,
                                             "precision": 0.5, "recall": 1.0}


def test_api_backtest_returns_the_same_figures(policy_dir: Path, new_policy: Path,
                                               db_url: str) -> None:
    from fastapi.testclient import TestClient

    from moderation.api.app import create_app
    from moderation.config import Settings
    from moderation.review import accounts

    app = create_app(Settings(database_url=db_url, scorer="none", policy_dir=policy_dir),
                     sweeper=False)
    rt = app.state.runtime
    apply_file(rt.db, policy_dir / "base.yaml", author="t")
    with rt.db.session() as s:
        _, token = accounts.add_user(s, "editor", "admin")
    files = {k: (new_policy.parent / k).read_text() for k in ("words/swears.txt",
                                                              "words/mild.txt")}
    with TestClient(app) as client:
        r = client.post("/v1/policies/base/backtest", headers={"Authorization":
                                                               f"Bearer {token}"}, json={
            "yaml": new_policy.read_text(), "files": files, "last": 0, "scorer": "none",
            "labels": [{"text": t, "label": lab} for t, lab in ROWS]})
        assert r.status_code == 200, r.text
        check_figures(r.json())
        assert r.json()["live"].startswith("base@1 ")
        r = client.post("/v1/policies/base/backtest", headers={"Authorization":
                                                               f"Bearer {token}"},
                        json={"yaml": "id: base\ncategories: {}\n", "last": 0})
        assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_policy"


def test_parallel_run_gives_the_same_figures(policy_dir: Path, new_policy: Path) -> None:
    """--jobs: chunks decided in spawned processes and merged = the single-process result."""
    from moderation.engine import Engine
    from moderation.policy import load_policy

    live_p, new_p = load_policy(policy_dir / "base.yaml"), load_policy(new_policy)
    items = [bt.Item(t, f"r{i}", None, bt.normalise_label(lab))
             for i, (t, lab) in enumerate(ROWS * 100)] + [bt.Item("x" * 3000, "long")]
    one = bt.run(Engine(new_p), Engine(live_p), items).as_dict()
    seen: list[int] = []
    two = bt.run_parallel(new_p, live_p, items, jobs=2, scorer_name="none", chunk=128,
                          progress=seen.append).as_dict()
    assert sum(seen) == len(items)
    one.pop("elapsed_s"), two.pop("elapsed_s")
    assert two == one
    assert one["total"] == 800 and one["skipped"][0]["ref"] == "long"
    assert one["transitions"] == {"approve->reject": 200, "reject->approve": 100,
                                  "->review": 100}
    assert one["metrics"]["new"]["reject"]["precision"] == 0.6667
