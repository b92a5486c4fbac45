"""The plain-comment fast path (rules/plain.py and RuleSet._clears_plain) is a pure speed-up: it
must build exactly the tokenizer's phrase stream, cover every word the tokenizer would look up,
and clear a comment only when the full matcher finds nothing in it."""

from __future__ import annotations

import os

import pytest

from moderation.normalize import _ALNUM_RUN, normalize
from moderation.rules import RuleSet
from moderation.rules.phrases import _NON_WORD, any_match, find
from moderation.rules.plain import plain_view
from moderation.rules.prefilter import required_literal, split_alternatives
from tests.engine.test_rule_table import CRITICISM, EVASIONS, HARD_NEGATIVES

TRICKY = [
    "Don't panic: it's fine.", "e.g. the U.S. and the U.K.", "I'm sure i'd say no", "a. b c",
    "f. u. c. k. you", "u\nsuck", "end ... . next", "well-known and/or Q&A", "x  -  y  -  z",
    "don\u2019t \u201cquote\u201d me \u2014 ok", "I have 5 kids and 2 dogs", "1000 people... wow",
    "yes.No", "a-b-c test", "rock'n'roll", "'quoted' (words) [here]", "5 5 5 five", "",
    "   ", "|", "pipe | here", "!!!", "soooo good", "a.a.a test", "word--word", "#tag @user",
]


@pytest.fixture(scope="module")
def rules(policy) -> RuleSet:  # type: ignore[no-untyped-def]
    return RuleSet.build(policy)


def view_problems(text: str) -> list[str]:
    """How the plain view of ``text`` differs from what the tokenizer makes (empty: no
    difference, or not plain)."""
    nt = normalize(text)
    view = plain_view(nt)
    if view is None:
        return []
    problems = []
    if view.stream != nt.stream:
        problems.append(f"stream {view.stream!r} != {nt.stream!r}")
    needed = {f for tok in nt.tokens for f in tok.forms() if len(f) >= 2 and f.isalpha()}
    needed |= set(_NON_WORD.split(nt.stream)) - {""}
    needed |= set(_ALNUM_RUN.findall(nt.folded))
    if not needed <= view.terms:
        problems.append(f"missing terms {sorted(needed - view.terms)}")
    if any(tok.alts or tok.wildcard for tok in nt.tokens):
        problems.append("leetspeak or wildcard token in a plain comment")
    return problems


def fast_differs(rules: RuleSet, text: str) -> bool:
    fast = rules.match(normalize(text))
    slow = rules.match(normalize(text), fast=False)
    return [r.model_dump() for r in fast] != [r.model_dump() for r in slow]


@pytest.mark.parametrize("text", TRICKY + [e[0] for e in EVASIONS] + HARD_NEGATIVES + CRITICISM)
def test_view_and_decision_match_the_full_path(rules: RuleSet, text: str) -> None:
    assert view_problems(text) == []
    assert not fast_differs(rules, text)


def test_view_matches_the_tokenizer_on_real_comments(real_comments: list[str]) -> None:
    plain = 0
    bad = []
    for text in real_comments:
        if plain_view(normalize(text)) is not None:
            plain += 1
            if problems := view_problems(text):
                bad.append((text[:80], problems))
    assert bad == []
    assert plain > len(real_comments) // 4  # the fast path does apply to real comments


def test_cleared_real_comments_have_no_rule_hit(rules: RuleSet, real_comments: list[str]) -> None:
    cleared = [t for t in real_comments if rules._clears_plain(normalize(t), None)]
    wrongly = [t[:80] for t in cleared if rules.match(normalize(t), fast=False)]
    assert wrongly == []
    assert len(cleared) > len(real_comments) // 10  # most sets here are abusive on purpose


def test_alternatives_match_where_the_whole_patterns_do(rules: RuleSet,
                                                        real_comments: list[str]) -> None:
    """For plain comments, "some alternative matches" (fast) == "some pattern matches" (full):
    the categories' patterns and the target analysis's predicates."""
    from moderation.rules.phrases import PatternIndex

    whole = PatternIndex(rules.patterns + (rules.targets.patterns if rules.targets else []))
    wrong = []
    for text in real_comments[::3] + [e[0] for e in EVASIONS] + CRITICISM:
        nt = normalize(text)
        view = plain_view(nt)
        if view is None:
            continue
        full = any(h.end > h.start for h in find(whole, nt))
        if any_match(rules.alternatives, view.stream, view.terms) != full:
            wrong.append(text[:80])
    assert wrong == []


def test_plain_clean_comment_is_cleared_and_abuse_is_not(rules: RuleSet) -> None:
    assert rules._clears_plain(normalize("The council's budget, as reported, looks fair."), None)
    assert not rules._clears_plain(normalize("You are an idiot."), None)
    assert not rules._clears_plain(normalize("Call 555 123 4567 today"), None)
    assert plain_view(normalize("You are a d\u0456ckhead")) is None  # homoglyph: full path


def test_split_alternatives() -> None:
    assert split_alternatives(r"\b(?:work\s+from\s+home|get\s+rich)\b") == [
        r"\b(?:work\s+from\s+home)\b", r"\b(?:get\s+rich)\b"]
    assert split_alternatives(r"\bshut\s+up\b|\bstfu\b") == [r"\bshut\s+up\b", r"\bstfu\b"]
    assert split_alternatives(r"\b(?:i|we)\s+will") == [r"\b(?:i|we)\s+will"]  # not spanning
    assert split_alternatives(r"(?i)a|b") == [r"(?i)a|b"]  # flags apply to the whole
    assert split_alternatives(r"[|(]x|y") == [r"[|(]x", "y"]


def test_required_literal() -> None:
    assert required_literal(r"\b(?:(?:my\s+youtube))") == "youtube"
    assert required_literal(r"\bgo\s+(?:and\s+)?die\b") == "die"
    assert required_literal(r"\b(?:a|b)\s+c") is None


def test_c_loop_gives_the_python_loop_s_views(real_comments: list[str]) -> None:
    """moderation/rules/native/_plainscan.c, when built, must give exactly the pure-Python loop's
    result (it is the same loop; the C one is only faster)."""
    from moderation.rules import plain

    try:
        from moderation.rules.native import _plainscan  # type: ignore[attr-defined]  # noqa: F401
    except ImportError:
        if os.environ.get("MODERATION_REQUIRE_C_SPEEDUP"):
            raise  # CI builds it: a missing module there is a broken build, not a skip
        pytest.skip("the C speed-up is not built here (no C compiler at install)")
    different = []
    for text in real_comments[::2] + TRICKY:
        folded = normalize(text).folded.replace("\n", " | ")
        if plain._scan_c(folded) != plain._scan_python(folded):
            different.append(text[:80])
    assert different == []


def test_c_prefilter_gives_the_python_prefilter_s_candidates(rules: RuleSet,
                                                             real_comments: list[str]) -> None:
    from moderation.rules import phrases

    try:
        from moderation.rules.native import _plainscan  # type: ignore[attr-defined]  # noqa: F401
    except ImportError:
        if os.environ.get("MODERATION_REQUIRE_C_SPEEDUP"):
            raise
        pytest.skip("the C speed-up is not built here (no C compiler at install)")
    different = []
    for text in real_comments[::2] + TRICKY + CRITICISM:
        view = plain_view(normalize(text))
        if view is None:
            continue
        for index in (rules.alternatives, rules.index):
            c = phrases._candidates_c(index, view.stream, view.terms)
            py = phrases._candidates_python(index, view.stream, view.terms)
            if c != py:
                different.append(text[:80])
    assert different == []


def test_sentence_windows_find_what_the_whole_stream_finds(rules: RuleSet,
                                                           real_comments: list[str]) -> None:
    """Patterns that cannot cross a sentence end run on the sentences holding their required
    words only: the same answer as running them on the whole stream, on every comment."""
    wrong = []
    for text in real_comments[::2] + TRICKY + CRITICISM + [e[0] for e in EVASIONS]:
        nt = normalize(text)
        stream = nt.stream
        words = frozenset(_NON_WORD.split(stream)) - {""}
        for index in (rules.alternatives, rules.index):
            if any_match(index, stream, words) != any_match(index, stream, words,
                                                            windows=False):
                wrong.append(text[:80])
    assert wrong == []


def test_sentence_bound() -> None:
    from moderation.rules.prefilter import sentence_bound

    assert sentence_bound(r"\bkill\s+you\b")
    assert sentence_bound(r"(?:^|\|\s+)get\s+lost\b")  # a leading sentence mark is fine
    assert sentence_bound(r"(?<!\bor\s)\bshut\s+up\b")
    assert not sentence_bound(r"\bfoo.bar")  # "." crosses "|"
    assert not sentence_bound(r"\bfoo\W+bar")
    assert not sentence_bound(r"[^a]x")
    assert not sentence_bound(r"\bend$")  # "$" would match at a window's end
