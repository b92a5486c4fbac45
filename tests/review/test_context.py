"""What a moderator sees beside a comment (issue 13, item 11): the comment it replies to, the same
author's other comments with their decisions, and the reject reason the page preselects."""

from __future__ import annotations

import pytest

from moderation.review.items import score_label
from moderation.store.schema import DecisionRow
from tests.review.conftest import APPROVE_TEXT, Env

REJECT_TEXT = "call me on +44 7911 123456"  # promotion: contact details -> reject

pytestmark = pytest.mark.usefixtures("env")


def test_reply_shows_its_parent_and_the_authors_history(env: Env) -> None:
    env.submit(APPROVE_TEXT, comment_id="p-1", author={"id": "alice"})
    env.submit(REJECT_TEXT, comment_id="b-1", author={"id": "bob"})
    older = env.review_item(comment_id="b-2", author={"id": "bob"})
    env.submit(APPROVE_TEXT, "site2", comment_id="x-1", author={"id": "bob"})  # other site
    sid = env.review_item(comment_id="b-3", author={"id": "bob"}, parent_id="p-1")

    item = env.get("mod1", f"/v1/review/items/{sid}").json()
    parent = item["context"]["parent"]
    assert parent == {"comment_id": "p-1", "known": True, "text": APPROVE_TEXT,
                      "author_id": "alice", "status": "decided", "action": "approve"}
    author = item["context"]["author"]
    assert author["author_id"] == "bob"
    assert (author["total"], author["rejected"], author["in_review"]) == (2, 1, 1)
    assert [r["comment_id"] for r in author["recent"]] == ["b-2", "b-1"]  # newest first
    assert author["recent"][1]["action"] == "reject"
    assert author["recent"][1]["category"] == "promotion"
    assert author["recent"][1]["decided_by"] == "engine"
    assert author["recent"][0]["status"] == "in_review" and author["recent"][0]["action"] is None

    # the queue carries the same context; a moderator's decision shows in the history
    env.post("mod1", f"/v1/review/items/{older}/claim")
    assert env.post("mod1", f"/v1/review/items/{older}/decision",
                    {"action": "reject", "reason": "threat"}).status_code == 200
    page = env.get("mod1", "/v1/review/queue").json()
    mine = next(i for i in page["items"] if i["submission_id"] == sid)
    author = mine["context"]["author"]
    assert (author["total"], author["rejected"], author["in_review"]) == (2, 2, 0)
    assert author["recent"][0]["decided_by"] == "mod1"
    assert author["recent"][0]["category"] == "threat"


def test_unknown_parent_and_no_author(env: Env) -> None:
    sid = env.review_item(comment_id="r-1", parent_id="never-sent", author={"id": "carol"})
    ctx = env.get("mod1", f"/v1/review/items/{sid}").json()["context"]
    assert ctx["parent"] == {"comment_id": "never-sent", "known": False, "text": None,
                             "author_id": None, "status": None, "action": None}
    assert ctx["author"]["total"] == 0 and ctx["author"]["recent"] == []


def test_rule_flag_preselects_its_category(env: Env) -> None:
    sid = env.review_item()
    item = env.get("mod1", f"/v1/review/items/{sid}").json()
    assert item["suggested_reason"] == "threat"  # the threat patterns matched
    assert item["score_label"] is None  # rules only: no model score to label


def test_score_label_names_the_highest_score() -> None:
    row = DecisionRow(scores={"toxicity": 0.62, "insult": 0.83, "threat": 0.1})
    assert score_label(row) == "insult"
    assert score_label(DecisionRow(scores={})) is None and score_label(None) is None


def test_author_counts_cover_the_latest_window_only(env: Env, monkeypatch: pytest.MonkeyPatch
                                                    ) -> None:
    from moderation.review import context

    monkeypatch.setattr(context, "WINDOW", 3)
    env.submit(REJECT_TEXT, comment_id="w-0", author={"id": "dave"})  # oldest: out of the window
    for i in range(1, 4):
        env.review_item(comment_id=f"w-{i}", author={"id": "dave"})
    sid = env.review_item(comment_id="w-4", author={"id": "dave"})
    author = env.get("mod1", f"/v1/review/items/{sid}").json()["context"]["author"]
    assert (author["total"], author["more"], author["rejected"], author["in_review"]) == (
        3, True, 0, 3)
    assert [r["comment_id"] for r in author["recent"]] == ["w-3", "w-2", "w-1"]
    oldest = env.get("mod1", "/v1/review/comments/site1/w-1/history").json()["item"]
    author = oldest["context"]["author"]  # seen from an older comment: still the latest 3
    assert [r["comment_id"] for r in author["recent"]] == ["w-4", "w-3", "w-2"]
    assert (author["total"], author["rejected"], author["in_review"]) == (3, 0, 3)
