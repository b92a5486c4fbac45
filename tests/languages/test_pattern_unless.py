"""Language patterns that name a group ("X are not human", "X must be burned") stop, like the
near rules, where the comment reports or condemns the words (moderation.languages.unless)."""

from __future__ import annotations

import pytest

from moderation.engine import Engine
from moderation.models import Comment

PAIRS = [
    ("الشيعة ليسوا بشرا", "من يقول ان الشيعة ليسوا بشرا عنصري"),
    ("Kürtler insan değil", '"Kürtler insan değil" demek ırkçılıktır'),
    ("Suriyeliler sınır dışı edilmeli", '"Suriyeliler sınır dışı edilmeli" sloganını kınıyoruz'),
    ("عرب‌ها را باید سوزاند", "گفتن اینکه «عرب‌ها را باید سوزاند» نفرت‌پراکنی است"),
    ("divê kurd bên kuştin", 'Kesê ku dibêje "divê kurd bên kuştin" nijadperest e'),
    ("عەرەبەکان مرۆڤ نین", "ئەوەی دەڵێت عەرەبەکان مرۆڤ نین ڕەگەزپەرستە"),
    ("Suriyelileri kovmak lazım", '"Suriyelileri kovmak lazım" diyenler ırkçıdır'),
    ("خانه‌های عرب‌ها را آتش بزنید", "شعار «خانه‌های عرب‌ها را آتش بزنید» را محکوم می‌کنیم"),
    ("کردها را نابود کنید", "«کردها را نابود کنید» شعار نژادپرستانه است"),
    ("فارسەکان لەناو ببەن", "ئەوەی دەڵێت فارسەکان لەناو ببەن ڕەگەزپەرستە"),
]


@pytest.mark.parametrize(("abuse", "condemned"), PAIRS)
def test_pattern_stops_where_condemned(engine: Engine, abuse: str, condemned: str) -> None:
    said = engine.decide(Comment(text=abuse))
    assert said.action == "reject", said.reasons
    assert engine.decide(Comment(text=condemned)).action == "approve"


def test_quoted_and_condemned_in_another_sentence(engine: Engine) -> None:
    assert engine.decide(Comment(text="«الشيعة ليسوا بشرا». هذا كلام عنصري")).action == "approve"
    assert engine.decide(Comment(text="الشيعة ليسوا بشرا. اليوم الجو جميل")).action == "reject"


def test_expulsion_reported_in_the_past_is_not_a_call(engine: Engine) -> None:
    """The imperative patterns ("throw X out") do not read news of what was done."""
    assert engine.decide(Comment(text="افغانی‌ها را اخراج کردند")).action == "approve"
    assert engine.decide(Comment(text="تم طرد اللاجئين من المخيم")).action == "approve"
