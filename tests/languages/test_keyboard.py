"""Persian typed on an Arabic keyboard, and Arabic typed in Latin letters (Arabizi).

Persian written with Arabic ي and ك (phones, tweets) and without پ چ ژ گ used to be read as
Arabic (its function words were looked up only in their Persian spelling), so the Persian lists
stopped counting in longer comments; Arabizi words were split or misread at their digits by the
leetspeak decoding ("a2tlak" -> "a" "tlak", "ra7" -> "rat"), so no Arabizi entry but a few
matched. The cases in tests/languages/keyboard/ (tests/languages/README.md) were written before
the fix, in two halves: the tuning half must be decided as written; the held-out half was
measured before and after only, so no target is asserted on it beyond the issue's (>= 70 % of
the hateful cases rejected, <= 10 % of the contrasts).
"""

from __future__ import annotations

import csv

import pytest

from moderation.engine import Engine
from moderation.languages.detect import detect
from moderation.models import Comment
from moderation.normalize import arabizi_form, normalize
from tests.languages.conftest import HERE, reject_shares

SETS = ("fa_arabic_letters", "arabizi")


def _cases(name: str) -> list[dict[str, str]]:
    with open(HERE / "keyboard" / f"{name}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("name", SETS)
def test_case_files_are_well_formed(name: str) -> None:
    rows = _cases(name)
    assert list(rows[0]) == ["id", "half", "function", "expected", "text"]
    assert len(rows) >= 40
    assert len({r["id"] for r in rows}) == len({r["text"] for r in rows}) == len(rows)
    for half in ("tune", "held"):
        part = [r for r in rows if r["half"] == half]
        assert len(part) >= 20, half
        assert {r["expected"] for r in part} == {"reject", "approve"}, half


@pytest.mark.parametrize("name", SETS)
def test_tuning_half_is_decided_as_written(engine: Engine, name: str) -> None:
    rows = [r for r in _cases(name) if r["half"] == "tune"]
    decisions = engine.decide_batch([Comment(text=r["text"]) for r in rows])
    wrong = [(r["id"], r["expected"], d.action) for r, d in zip(rows, decisions, strict=True)
             if (d.action == "reject") != (r["expected"] == "reject")]
    assert not wrong


@pytest.mark.parametrize("name", SETS)
def test_held_out_half_meets_the_targets(engine: Engine, name: str) -> None:
    rows = [r for r in _cases(name) if r["half"] == "held"]
    decisions = engine.decide_batch([Comment(text=r["text"]) for r in rows])
    hateful, contrasts = reject_shares(rows, decisions)
    assert hateful >= 0.70
    assert contrasts <= 0.10


@pytest.mark.parametrize("text", [
    "اين نويسنده فكر ميكند ما نميفهميم و هر روز همين حرفها را تكرار ميكند",
    "عربها و كردها قرنهاست كه در اين منطقه با هم زندگي ميكنند",
    "خبرنگار گزارش داد كه سه نفر در درگيري ديروز كشته شدند",
])
def test_persian_with_arabic_yeh_and_kaf_is_persian(text: str) -> None:
    sentences = detect(text).sentences
    assert [s.language for s in sentences] == ["fa"]


@pytest.mark.parametrize("text", [
    "هذا المقال في غاية الاهمية وكان يجب ان ينشر قبل الانتخابات",
    "يا ريت الحكومة تسمع كلام الناس في الشارع",
    "شو رأيك بالقرار الجديد للحكومة؟",
])
def test_arabic_stays_arabic(text: str) -> None:
    sentences = detect(text).sentences
    assert [s.language for s in sentences] == ["ar"]
    assert "fa" not in sentences[0].candidates


def test_shut_up_addresses_the_reader_in_persian(engine: Engine) -> None:
    assert engine.decide(Comment(text="خفه شو احمق")).action == "reject"
    assert engine.decide(Comment(text="خفه شو كثافت، تو هيچي نميدوني")).action == "reject"
    # "suffocated" in a report has no aimed word next to it
    assert engine.decide(Comment(
        text="خفه شدن دو كودك در استخر خيلي دردناك بود")).action == "approve"


@pytest.mark.parametrize(("word", "form"), [
    ("7mar", "حmar"), ("a2tlak", "aءtlak"), ("3arabi", "عarabi"), ("wa6i", "waطi"),
    ("ra7", "raح"), ("covid19", None), ("2025", None), ("2x", None), ("h8", None),
    ("ki77", None), ("mp3", "mpع"), ("kalb", None),
])
def test_arabizi_form(word: str, form: str | None) -> None:
    assert arabizi_form(word) == form


def test_arabizi_word_is_one_token_with_its_arabizi_form() -> None:
    tokens = normalize("ra7 a2tlak").tokens
    assert [(t.form, t.alts) for t in tokens] == [("rat", ("raح",)), ("atlak", ("aءtlak",))]
    assert normalize("ra7 a2tlak").stream == "rat atlak"


@pytest.mark.parametrize(("text", "action"), [
    ("ra7 a2tlak", "reject"), ("wallah la2tlak", "reject"), ("kalb 3arabi", "reject"),
    ("ya 5anzeer", "reject"), ("yel3an abouk", "reject"), ("5ara 3aleik", "reject"),
    # the same letters without the digits are other words, and Arabizi entries never match them
    ("rat atlak", "approve"), ("sara", "approve"), ("Sara and Kalb went home", "approve"),
    # the leetspeak reading of an Arabizi entry ("a7a" -> "ata") is not the entry: Turkish Ata
    ("Ata bize yol gösterdi", "approve"), ("ata", "approve"),
])
def test_arabizi_entries_match_only_arabizi(engine: Engine, text: str, action: str) -> None:
    assert engine.decide(Comment(text=text)).action == action


@pytest.mark.parametrize("text", [
    # "بی ناموس" is in the Sorani and the Persian list: the Sorani evidence used to swallow the
    # Persian one (the same span), then counted only where Sorani may be
    "تو بی ناموس هستی",
    "شما كه هميشه براي اين دولت دروغ مينويسيد خيلي بي ناموس هستيد",
    # ديوث is in the Arabic and the Persian list: the word index kept only the first language's
    # hit, which does not count in a Persian sentence
    "اين مهاجرها كه ميايند فقط كثافت هستند و بايد بيرون بروند، ديوث ها",
    # Turkish piç behind the Kurmanji list's entry of the same form
    "bu haberi yazan adam tam bir piç, utanmadan yalan yazıyor",
])
def test_a_word_in_two_languages_lists_counts_in_each(engine: Engine, text: str) -> None:
    assert engine.decide(Comment(text=text)).action == "reject"
