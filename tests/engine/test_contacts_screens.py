"""The cheap screens in rules/contacts.py decide whether the costly link, e-mail, phone and
messenger patterns run at all. A screen may say "maybe" too often, never "no" wrongly: on real
comments (and on the obfuscations the rule table lists) every match of a full pattern lies in a
comment its screen lets through."""

from __future__ import annotations

import pytest

from moderation.normalize import normalize
from moderation.rules import contacts as c
from tests.engine.test_rule_table import EVASIONS, HARD_NEGATIVES

OBFUSCATED = [
    "write to john [at] mail [dot] com", "me @ hotmail . com", "reach me at gmail.com please",
    "bit . ly/x", "example dot com", "cheap-pills (dot) com", "visit www . shop . xyz",
    "h t t p : / / spam.ru", "wa.me/15551234567", "t.me/channel", "whats app +1 415 555 0199",
    "add me on telegram", "nine one seven five five five one two three four",
    "call +44 7911 123 456", "\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669",
    "see news.bbc.co.uk/x", "site.me/page", "go to foo.in now", "read gov.uk/guidance",
]


def screens_hold(text: str) -> list[str]:
    """The screens that would wrongly hide a match of their pattern in ``text``."""
    nt = normalize(text)
    folded, words = nt.folded, nt.alnum_words
    wrong = []
    if not c._may_hold_email(folded, words) and c._EMAIL.search(folded):
        wrong.append("email")
    if not c._may_hold_link(folded, words) and (c._URL.search(folded)
                                                or c._DOMAIN.search(folded)):
        wrong.append("link")
    if not c._may_hold_messenger(folded, words) and c._MESSENGER.search(folded):
        wrong.append("messenger")
    for min_digits in (6, 8):
        if not c._may_hold_phone(folded, words, min_digits) and any(
                len(c.ContactMatcher._phone_digits(m.group(0)) or "") >= min_digits
                for m in c._DIGITS_OR_WORDS.finditer(folded)):
            wrong.append(f"phone>={min_digits}")
    return wrong


@pytest.mark.parametrize("text", OBFUSCATED + [e[0] for e in EVASIONS] + HARD_NEGATIVES)
def test_screens_let_written_cases_through(text: str) -> None:
    assert screens_hold(text) == []


def test_screens_let_real_matches_through(real_comments: list[str]) -> None:
    wrong = [(kinds, t[:80]) for t in real_comments if (kinds := screens_hold(t))]
    assert wrong == []


def test_screens_do_screen() -> None:
    """Not a test that cannot fail: plain prose is screened out by every screen."""
    nt = normalize("The council voted at the meeting. It was one more delay, in my view.")
    folded, words = nt.folded, nt.alnum_words
    assert not c._may_hold_email(folded, words)
    assert not c._may_hold_link(folded, words)
    assert not c._may_hold_messenger(folded, words)
    assert not c._may_hold_phone(folded, words, 8)


def test_chunk_marks_screen_as_the_text_screens_do(policy, real_comments: list[str]) -> None:  # type: ignore[no-untyped-def]
    """The plain-comment path screens from cached chunk marks (ContactMatcher.may_hold): never
    "no" where a text screen says "maybe"."""
    from moderation.rules import RuleSet
    from moderation.rules.plain import plain_view

    matcher = RuleSet.build(policy)._contacts[0]
    cc = matcher.contacts
    assert cc is not None
    wrong = []
    for text in real_comments + OBFUSCATED:
        nt = normalize(text)
        view = plain_view(nt)
        if view is None:
            continue
        folded, words = nt.folded, view.terms
        screens = (c._may_hold_email(folded, words) or c._may_hold_messenger(folded, words)
                   or c._may_hold_link(folded, words)
                   or c._may_hold_phone(folded, words, cc.min_phone_digits))
        if screens and not matcher.may_hold(folded, words, view.marks):
            wrong.append(text[:80])
    assert wrong == []
