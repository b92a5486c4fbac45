"""Issue 12 leftovers (session 4): veiled threats, fans' chants and sports idioms, "you are a
liar and a coward", "X doing what X do best" followed by a good deed, "Are you insane?" then an
argument, apostrophes read as quotation marks, Arabizi ``manyak`` in Turkish text, evasions and
spaced-out ordinary words (tests/engine/data/leftovers_*.tsv; benchmarks/leftovers_cases.py
prints the figures).

The tuning half is asserted row by row (rules alone). The held-out half was written before the
rules and is never tuned on: only its total is held to the figure measured after the change."""

from __future__ import annotations

import pytest

from moderation.engine import Engine
from moderation.languages.detect import detect
from moderation.models import Comment
from moderation.rules.targets import quoted_span
from tests.engine.leftovers_data import leftovers_rows, right

#: tuning rows the rules still get wrong: "ya" is an Arabizi word as much as a Turkish one
KNOWN_MISSES = {"Hoca manyak ya"}


@pytest.mark.parametrize(("expected", "item", "text"), leftovers_rows("tuning"))
def test_tuning_rows(rules_engine: Engine, expected: str, item: str, text: str) -> None:
    d = rules_engine.decide(Comment(text=text))
    if text in KNOWN_MISSES:
        assert not right(expected, d.action)  # remove it from KNOWN_MISSES once it is right
        return
    assert right(expected, d.action), (item, d.action, [(r.rule_id, r.action) for r in d.reasons])


def test_held_out_total(rules_engine: Engine) -> None:
    rows = leftovers_rows("heldout")
    decisions = rules_engine.decide_batch([Comment(text=t) for _, _, t in rows])
    ok = sum(right(e, d.action) for (e, _, _), d in zip(rows, decisions, strict=True))
    assert ok >= 30, ok  # measured 2026-12-05: 25/41 before the change, 30/41 after


@pytest.mark.parametrize(("text", "word", "quoted"), [
    ("The migrants' fucking 'rights' lawyers", "fucking", False),  # plural possessive
    ("the mayor's 'plan' is shit", "shit", False),
    ("the mayor's 'plan' is shit", "plan", True),
    ("They shouted 'go home you paki' at my dad", "paki", True),
    ("The kids' coach was heard saying 'retard' to a player", "retard", True),
    ("'cause you're a 'moron' ok", "moron", True),  # an unclosed opening apostrophe
    ("\u2018retard\u2019 he said", "retard", True),
    ("don\u2019t be a retard\u2019s friend", "retard", False),
    ('he said "you idiot" twice', "idiot", True),
])
def test_apostrophes_are_not_quotation_marks(text: str, word: str, quoted: bool) -> None:
    a = text.index(word)
    assert quoted_span(text, a, a + len(word)) is quoted


def test_turkish_guess_keeps_arabizi_lists_out() -> None:
    (s,) = detect("Bu manyak").sentences
    assert s.language == "tr" and s.candidates == {"tr", "kmr"} and s.guessed
    (s,) = detect("ya manyak").sentences  # "ya" is an Arabizi function word: Arabic still reads
    assert "ar" in s.candidates
    assert not detect("Dumb").sentences[0].candidates  # one word: nothing known


def test_spaced_ordinary_word_is_read_whole(rules_engine: Engine) -> None:
    assert rules_engine.decide(Comment(text="c l a s s")).action == "approve"
    assert rules_engine.decide(Comment(text="a s s a s s i n")).action == "approve"
    assert rules_engine.decide(Comment(text="you a s s")).action == "reject"
    # a listed word spaced out inside a longer run still counts
    assert rules_engine.decide(Comment(text="y o u f u c k i n g i d i o t")).action == "reject"
