"""The review logic without HTTP: evidence segments, safe links, scores, token storage."""

from __future__ import annotations

from moderation.review import accounts
from moderation.review.items import item_score, safe_url, segments
from moderation.store.schema import DecisionRow


def joined(segs) -> str:  # type: ignore[no-untyped-def]
    return "".join(s.text for s in segs)


def test_segments_rebuild_the_exact_text_and_mark_evidence() -> None:
    text = "Hey idiot, you will regret this!"
    reasons = [
        {"category": "personal_attack", "evidence": [{"start": 4, "end": 9, "text": "idiot"}]},
        {"category": "threat", "evidence": [{"start": 11, "end": 30,
                                             "text": "you will regret this"[:19]}]},
    ]
    segs = segments(text, reasons)
    assert joined(segs) == text
    assert [(s.text, s.categories) for s in segs] == [
        ("Hey ", []), ("idiot", ["personal_attack"]), (", ", []),
        ("you will regret thi", ["threat"]), ("s!", []),
    ]


def test_overlapping_spans_split_and_list_both_categories() -> None:
    text = "abcdefgh"
    reasons = [{"category": "a", "evidence": [{"start": 1, "end": 5, "text": "bcde"}]},
               {"category": "b", "evidence": [{"start": 3, "end": 7, "text": "defg"}]}]
    segs = segments(text, reasons)
    assert joined(segs) == text
    assert [(s.text, s.categories) for s in segs] == [
        ("a", []), ("bc", ["a"]), ("de", ["a", "b"]), ("fg", ["b"]), ("h", [])]


def test_spans_are_code_points_even_with_emoji() -> None:
    # Python offsets count code points; JavaScript would count UTF-16 units. The segments carry
    # the text itself, so the page never converts offsets.
    text = "🙂🙂 you will regret this"
    start = text.index("you")
    segs = segments(text, [{"category": "threat", "evidence": [
        {"start": start, "end": len(text), "text": text[start:]}]}])
    assert joined(segs) == text
    assert segs[1].text == "you will regret this" and segs[1].categories == ["threat"]


def test_spans_that_do_not_match_the_text_are_ignored() -> None:
    text = "hello world"
    bad = [{"category": "x", "evidence": [
        {"start": 0, "end": 5, "text": "HELLO"},   # wrong text
        {"start": 8, "end": 99, "text": "rld"},    # out of range
        {"start": 5, "end": 2, "text": ""},        # reversed
        {"start": "a", "end": 3},                   # garbage
    ]}]
    assert [(s.text, s.categories) for s in segments(text, bad)] == [("hello world", [])]
    assert segments("", []) == []


def test_markup_stays_text() -> None:
    text = "<script>alert(1)</script>"
    assert joined(segments(text, [])) == text


def test_safe_url_only_passes_http_links() -> None:
    assert safe_url("https://news.example/a") == "https://news.example/a"
    assert safe_url("HTTP://news.example/a") == "HTTP://news.example/a"
    for bad in ("javascript:alert(1)", "data:text/html,x", "//evil.example", "", None,
                " javascript:alert(1)"):
        assert safe_url(bad) is None


def test_item_score_takes_the_strongest_signal() -> None:
    row = DecisionRow(scores={"toxicity": 0.3, "insult": 0.7},
                      reasons=[{"category": "x", "score": 0.7}])
    assert item_score(row) == 0.7
    assert item_score(DecisionRow(scores={}, reasons=[])) is None
    assert item_score(None) is None


def test_tokens_are_random_and_only_their_hash_is_kept() -> None:
    a, b = accounts.new_token(), accounts.new_token()
    assert a != b and a.startswith("modtok_") and len(a) >= 7 + 43
    assert accounts.sha256_hex(a) != a and len(accounts.sha256_hex(a)) == 64
    assert accounts.same_token("abc", "abc") and not accounts.same_token("abc", "abd")
    assert not accounts.same_token(None, "x") and not accounts.same_token("", "")


def test_admins_have_moderator_rights_not_the_reverse() -> None:
    admin = accounts.Principal(1, "a", "admin")
    mod = accounts.Principal(2, "m", "moderator")
    assert admin.has("moderator") and admin.has("admin")
    assert mod.has("moderator") and not mod.has("admin")
    assert mod.actor == "moderator:m"


def test_segments_say_whether_a_rule_or_the_model_pointed_at_them() -> None:
    text = "you idiot, honestly"
    reasons = [
        {"category": "personal_attack", "source": "rule",
         "evidence": [{"start": 4, "end": 9, "text": "idiot"}]},
        {"category": "toxicity", "source": "model",
         "evidence": [{"start": 4, "end": 9, "text": "idiot"},
                      {"start": 11, "end": 19, "text": "honestly"}]},
    ]
    segs = segments(text, reasons)
    assert joined(segs) == text
    assert [(s.text, s.categories, s.sources) for s in segs] == [
        ("you ", [], []), ("idiot", ["personal_attack", "toxicity"], ["model", "rule"]),
        (", ", [], []), ("honestly", ["toxicity"], ["model"])]
