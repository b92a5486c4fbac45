"""Word-list insults, slurs and swear words quoted in a comment that condemns or reports them
are held for review, not rejected (moderation.languages.unless.PatternUnless._hold_quoted)."""

from __future__ import annotations

import pytest

from moderation.engine import Engine
from moderation.models import Comment

#: (the word said outright, the same word quoted and condemned or reported by its victim)
PAIRS = [
    ("يا ابن الكلب", 'كتب أحدهم "يا ابن الكلب" تحت المقال، وهذا كلام معيب'),
    ("orospu çocuğu", 'Tribünden hakeme "orospu çocuğu" diye bağırdılar, kınıyoruz'),
    ("جنده", "اینکه به زنان «جنده» بگویند فحاشی است"),
    ("bêşeref", 'Wî ji rojnamevan re got "bêşeref", ev şerm e'),
    ("بێشەرەف", "یەکێک بە مامۆستاکەی گوت «بێشەرەف»، ئەمە شەرمە"),
]


@pytest.mark.parametrize(("said", "quoted"), PAIRS)
def test_quoted_and_condemned_word_is_held_for_review(engine: Engine, said: str,
                                                      quoted: str) -> None:
    assert engine.decide(Comment(text=said)).action == "reject"
    d = engine.decide(Comment(text=quoted))
    assert d.action == "review", d.reasons
    assert any("held for review" in r.message for r in d.reasons)


def test_quoted_without_a_counter_word_still_rejects(engine: Engine) -> None:
    assert engine.decide(Comment(text='"يا ابن الكلب" انت')).action == "reject"
    assert engine.decide(Comment(text='Ona "orospu çocuğu" de')).action == "reject"


def test_insult_said_outright_beside_a_quoted_one_still_rejects(engine: Engine) -> None:
    d = engine.decide(Comment(text='"şerefsiz" demek ayıp ama sen gerçekten bir şerefsizsin'))
    assert d.action == "reject", d.reasons
