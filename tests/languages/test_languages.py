"""Detection, folding, stems, scoping, the not-covered choice and the policy's checks."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from moderation.engine import Engine
from moderation.errors import PolicyError
from moderation.languages.detect import detect
from moderation.languages.morphology import expand
from moderation.models import Comment, Decision
from moderation.normalize import fold, normalize
from moderation.policy import load_policy, parse_policy_text
from tests.engine.conftest import DATASETS

REPO_POLICIES = Path(__file__).resolve().parents[2] / "policies"

# Short comments written for this test (not from any data set), by language.
SAMPLES = {
    "ar": ["هذا المقال جيد جدا", "لماذا لم تذكروا رأي الحكومة؟", "شكرا على التقرير",
           "الوضع في المدينة صعب"],
    "ckb": ["ئەمە وتارێکی زۆر باشە", "بۆچی ڕای حکومەت باس نەکراوە؟", "سوپاس بۆ ڕاپۆرتەکە",
            "بارودۆخی شارەکە خراپە"],
    "fa": ["این مقاله خیلی خوب است", "چرا نظر دولت را ننوشتید؟", "ممنون برای گزارش",
           "وضع شهر خیلی بد است"],
    "kmr": ["Ev gotareke pir baş e", "Çima nêrîna hikûmetê nehat nivîsandin?",
            "Spas ji bo raporê", "Rewşa bajêr xirab e"],
    "tr": ["Bu makale çok iyi", "Hükümetin görüşü neden yazılmadı?", "Rapor için teşekkürler",
           "Şehirdeki durum kötü"],
    "en": ["This article is very good", "Why was the government's view not reported?",
           "Thanks for the report", "The situation in the city is bad"],
}


@pytest.mark.parametrize("lang", sorted(SAMPLES))
def test_detects_the_sites_languages(lang: str) -> None:
    for text in SAMPLES[lang]:
        assert detect(text).languages[0] == lang, text


def test_mixed_comment_is_judged_sentence_by_sentence(engine: Engine) -> None:
    text = "Great reporting on Kobani, thank you. Ereb hemû kûçik in."
    d = engine.decide(Comment(text=text))
    assert d.languages == ["en", "kmr"]
    assert d.action == "reject"
    [reason] = [r for r in d.reasons if r.action == "reject"]
    assert reason.rule_id == "racism.kmr.dehumanizing"
    assert all(text.index("Ereb") <= e.start for e in reason.evidence)


def test_arabic_script_folding_keeps_offsets(engine: Engine) -> None:
    # tatweel, harakat, alef with hamza, Persian yeh and kaf in an Arabic word
    text = "يا حمـــارُ، أنتَ كلبی"
    folded, origin = fold(text)
    assert "ـ" not in folded and "ُ" not in folded
    assert origin is not None and len(origin) == len(folded)
    d = engine.decide(Comment(text=text))
    assert d.action == "reject"
    for r in d.reasons:
        for e in r.evidence:
            assert text[e.start:e.end] == e.text
    # Arabic-Indic and Persian digits are digits: the phone rule reads them
    d = engine.decide(Comment(text="تواصل معي على ٠٧٧٠١٢٣٤٥٦٧"))
    assert "promotion.phone" in [r.rule_id for r in d.reasons]
    # the zero-width non-joiner inside a Persian word does not hide it
    assert normalize("می‌کشمت").tokens[0].form == normalize("میکشمت").tokens[0].form


def test_turkish_and_kurmanji_letters_fold_to_ascii_stand_ins(engine: Engine) -> None:
    for text in ("Şerefsiz", "serefsiz", "ŞEREFSİZ", "şerefsizler"):
        assert engine.decide(Comment(text=text)).action == "reject", text
    for text in ("Bênamûs", "benamus"):
        assert engine.decide(Comment(text=text)).action == "reject", text


def test_stems_expand_with_the_languages_affixes() -> None:
    arabic = set(expand(("كلب*",), "arabic"))
    assert {"كلب", "الكلب", "ياكلب", "كلبك", "والكلب", "كلاب"} - arabic == {"كلاب"}
    turkish = set(expand(("şerefsiz*",), "turkish"))
    assert {"serefsiz", "serefsizler", "serefsizsin"} <= turkish
    assert expand(("kahpe",), "turkish") == ["kahpe"]  # no star: as written


def test_words_that_insult_only_when_aimed(engine: Engine) -> None:
    assert engine.decide(Comment(text="يا حمار")).action == "reject"
    assert engine.decide(Comment(text="اشتريت حمارا للمزرعة")).action == "approve"
    assert engine.decide(Comment(text="Sen köpeksin")).action == "reject"
    assert engine.decide(Comment(text="Köpeğim oyun oynamayı seviyor")).action == "approve"


def test_quoted_abuse_condemned_in_another_sentence(engine: Engine) -> None:
    """Quotation marks plus a condemning word anywhere in the comment read as counter-speech;
    the quotation alone, or the condemnation of an unquoted claim, does not."""
    assert engine.decide(Comment(text="«العرب حشرات». هذا كلام عنصري")).action == "approve"
    assert engine.decide(Comment(text='"Kürtler haindir". Bu ırkçılık')).action == "approve"
    assert engine.decide(Comment(text="«العرب حشرات»")).action == "reject"
    assert engine.decide(Comment(text="العرب حشرات. هذا كلام عنصري؟ لا")).action == "reject"


def test_condemning_phrases_stop_near_rules(engine: Engine) -> None:
    """Multi-word 'unless' entries ("it is not true") match word after word; their words alone
    ("true") do not."""
    assert engine.decide(Comment(text="ليس صحيحا أن العرب حشرات")).action == "approve"
    assert engine.decide(Comment(text="Kürtler hain demek doğru değil")).action == "approve"
    assert engine.decide(Comment(text="العرب حشرات وهذا صحيح")).action == "reject"
    assert engine.decide(Comment(text="Kürtler haindir, bu doğru")).action == "reject"


def _policy_with(languages_yaml: str, tmp_path: Path, lists: dict[str, str]):  # type: ignore[no-untyped-def]
    for name, text in lists.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    base = (REPO_POLICIES / "default.yaml").resolve()
    doc = f"id: langtest\nextends: {base}\n" + textwrap.dedent(languages_yaml)
    return parse_policy_text(doc, str(tmp_path / "langtest.yaml"), tmp_path)


def test_a_languages_words_count_only_in_its_sentences(tmp_path: Path) -> None:
    """A Turkish list word that is also English ("got": "arse") is not read in English."""
    policy = _policy_with("""
        languages:
          covered:
            tr:
              name: Turkish
              morphology: turkish
              categories:
                vulgarity: {words: [{file: words/tr_extra.txt}]}
        """, tmp_path, {"words/tr_extra.txt": "got\n"})
    engine = Engine(policy)
    assert engine.decide(Comment(text="I got it, thanks for the article")).action == "approve"
    d = engine.decide(Comment(text="Senin bu yazın çok kötü, got"))
    assert d.action == "reject" and d.reasons[0].rule_id == "vulgarity.tr.words"


def test_language_not_covered_is_the_editors_choice(engine: Engine, tmp_path: Path) -> None:
    italian = Comment(text="Questo articolo non è molto chiaro, ma è una buona sintesi")
    d = engine.decide(italian)
    assert d.action == "approve" and d.languages == ["it"]
    assert [r.rule_id for r in d.reasons] == ["language.not_covered"]
    assert d.reasons[0].action == "flag"
    strict = _policy_with("languages: {not_covered: review}\n", tmp_path, {})
    assert Engine(strict).decide(italian).action == "review"
    # English and the covered languages never get the flag
    for text in ("Thanks for the report", "شكرا على التقرير", "Rapor için teşekkürler"):
        assert not Engine(strict).decide(Comment(text=text)).reasons


@pytest.mark.parametrize(("yaml_text", "lists", "expected"), [
    ("languages: {covered: {ar: {name: Arabic, categories: {nonsense: {}}}}}", {},
     "unknown category 'nonsense'"),
    ("languages: {covered: {ar: {name: Arabic, categories: {profanity: {words: "
     "[{file: words/x.txt}]}}}}}", {"words/x.txt": "كس*\n"}, "a stem needs at least 3"),
    ("languages: {covered: {ar: {name: Arabic, categories: {profanity: {words: "
     "[{file: words/x.txt}]}}}}}", {"words/x.txt": "ك*لب\n"}, "'*' may only end a word"),
    ("languages: {covered: {ar: {name: Arabic, categories: {racism: {near: "
     "[{id: x, first: nope, then: ar_groups}]}}}}}", {}, "unknown list(s) nope"),
    ("languages: {covered: {arabic: {name: Arabic}}}", {}, "ISO 639 code"),
    ("languages: {not_covered: reject}", {}, "not_covered"),
])
def test_policy_checks_language_sections(tmp_path: Path, yaml_text: str,
                                         lists: dict[str, str], expected: str) -> None:
    with pytest.raises(PolicyError) as err:
        _policy_with(yaml_text, tmp_path, lists)
    assert expected in str(err.value)


def test_decision_keeps_its_schema() -> None:
    old = {"action": "approve", "policy_id": "default", "policy_version": "x",
           "engine_version": "0.1.0"}
    assert Decision.model_validate(old).languages == []


def test_english_decisions_unchanged_by_the_language_rules(tmp_path: Path) -> None:
    """The default policy with and without its languages section decides real English
    comments identically (the first 3,000 of the shared labelled sets)."""
    from moderation.training import datasets as ds

    sets = ds.load_sets(DATASETS, dict(list(ds.TRAIN_LOADERS.items())[:3]))
    texts = [ex.text[:10000] for examples in sets.values() for ex in examples][:3000]
    if not texts:
        pytest.skip(f"data sets not found at {DATASETS}")
    full = load_policy(REPO_POLICIES / "default.yaml")
    yaml_text = (REPO_POLICIES / "default.yaml").read_text(encoding="utf-8")
    english_only = parse_policy_text(yaml_text.split("\nlanguages:\n")[0] + "\n",
                                     str(REPO_POLICIES / "default.yaml"), REPO_POLICIES)
    with_langs, without = Engine(full), Engine(english_only)
    changed = []
    for t in texts:
        a = with_langs.decide(Comment(text=t))
        b = without.decide(Comment(text=t))
        rules_a = [(r.rule_id, r.action) for r in a.reasons if r.category != "language"]
        if a.action != b.action and not any(r.category == "language" for r in a.reasons):
            changed.append((t[:80], b.action, a.action, rules_a))
    assert not changed, changed[:5]
