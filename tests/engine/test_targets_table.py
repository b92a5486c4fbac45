"""Who is attacked and how (issue 12): the target-aware rules, their evasions and contrasts.

Each row gives the exact action the default policy takes, the rule that decides it and the exact
original text its evidence covers; contrasts (negation, questions, reported speech,
counter-speech, neutral mentions) must be approved by the rules alone.
"""

from __future__ import annotations

import pytest

from moderation.engine import Engine
from moderation.models import Comment
from moderation.policy import PolicyError, parse_policy_text
from tests.engine.case_files import DATA, case_rows

# (comment, action, rule id, the original text the evidence covers, words the term must name)
HITS: list[tuple[str, str, str, str, str]] = [
    # group abuse without a slur: hatred, disgust, derogation, dehumanisation
    ("I detest immigrants", "reject", "xenophobia.targets.hate_emotion", "I detest immigrants",
     "target: immigrants (migrant status); predicate: hate_emotion \"detest\""),
    ("gay people disgust me", "reject", "homophobia.targets.disgust", "gay people disgust me",
     "gay people (sexual orientation)"),
    ("I can't stand Muslims like you", "reject", "racism.targets.hate_emotion",
     "I can't stand Muslims like you", "muslims (religion)"),
    ("Isn't it obvious that I hate Jews?", "reject", "racism.targets.hate_emotion",
     "I hate Jews", "jews (religion)"),
    ("I firmly believe disabled people are worthless", "reject", "abuse.targets.derogation",
     "disabled people are worthless", "disabled people (disability)"),
    ("Gypsies should be treated like animals", "reject",
     "racism.targets.dehumanising_comparison", "Gypsies should be treated like animals",
     "dehumanisation \"like animals\""),
    ("Trans people aren't even human.", "reject", "homophobia.targets.not_human",
     "Trans people aren't even human", "trans people (gender identity)"),
    ("Women can never be as smart as anyone else", "reject", "sexism.targets.negated_positive",
     "Women can never be as smart", "never be as smart"),
    ("human rights should not apply to refugees", "reject", "xenophobia.targets.rights_denied",
     "human rights should not apply to refugees", "refugees (migrant status)"),
    ("there is no place on this planet for trans people", "reject",
     "homophobia.targets.no_place", "there is no place on this planet for trans people",
     "exclusion"),
    ("women belong in the kitchen", "reject", "sexism.targets.belong_in",
     "women belong in the kitchen", "women (gender)"),
    # the hateful part refers back to a group named in an earlier sentence
    ("I have met many Muslims. I hate them all.", "reject", "racism.targets.hate_emotion",
     "I hate them", "them = muslims (religion)"),
    # threats and calls to violence against a group
    ("I'll slaughter any Jew like you", "reject", "racism.targets.call_to_violence",
     "I'll slaughter any Jew like you", "call_to_violence \"slaughter\""),
    ("let's eradicate gays", "reject", "homophobia.targets.call_to_violence",
     "let's eradicate gays", "gays (sexual orientation)"),
    ("Immigrants should all be hanged", "reject", "xenophobia.targets.normative_harm",
     "Immigrants should all be hanged", "threat \"be hanged\""),
    ("I want to end every Muslim's life", "reject", "racism.targets.end_life",
     "end every Muslim's life", "muslim (religion)"),
    ("I hope all refugees drown", "reject", "xenophobia.targets.harm_wish",
     "hope all refugees drown", "harm_wish \"drown\""),
    ("Why are women so stupid?", "reject", "sexism.targets.question_derogation",
     "Why are women so stupid",
     "women (gender)"),
    ("Black lives don't matter", "reject", "racism.targets.lives_worthless",
     "Black lives don't matter", "black (race or ethnicity)"),
    ("I would never hire a woman.", "reject", "sexism.targets.would_never",
     "I would never hire a woman", "exclusion \"never hire\""),
    ("I'd rather die than date a black woman", "reject", "racism.targets.rather_die_than",
     "I'd rather die than date a black", "black (race or ethnicity)"),
    ("Refugees are not worth anything", "reject", "xenophobia.targets.not_worth",
     "Refugees are not worth anything", "refugees (migrant status)"),
    ("Swarms of migrants everywhere.", "reject", "xenophobia.targets.swarms_of",
     "Swarms of migrants", "dehumanisation"),
    ("Muslims are all the same.", "review", "racism.targets.all_the_same",
     "Muslims are all the same", "muslims (religion)"),
    ("I have met many immigrants and I hate every single one of them", "reject",
     "xenophobia.targets.hate_emotion", "I hate every single one of them",
     "one of them = immigrants (migrant status)"),
    ("I am going to shoot the next gay I see", "reject", "homophobia.targets.call_to_violence",
     "going to shoot the next gay", "gay (sexual orientation)"),
    ("If I see a gay couple I'll punch them", "reject", "homophobia.targets.if_i_see",
     "If I see a gay couple I'll punch", "threat \"punch\""),
    # evasions on every lexicon word
    ("I hate wmen", "reject", "sexism.targets.hate_emotion", "I hate wmen", "women (gender)"),
    ("I d e t e s t w o m e n", "reject", "sexism.targets.hate_emotion",
     "I d e t e s t w o m e n", "women (gender)"),
    ("I haet muslims", "reject", "racism.targets.hate_emotion", "I haet muslims",
     "muslims (religion)"),
    ("I have nothing but hatrd for muslims", "reject", "racism.targets.hate_emotion",
     "I have nothing but hatrd for muslims", "muslims (religion)"),
    ("Ihate gays", "reject", "homophobia.targets.hate_emotion", "Ihate gays", "gays"),
    ("let's k\u0456ll all the gays", "reject", "homophobia.targets.call_to_violence",
     "let's k\u0456ll all the gays", "kill"),
    ("I hate mus\u200blims", "reject", "racism.targets.hate_emotion", "I hate mus\u200blims",
     "muslims (religion)"),
    ("\uff49 \uff48\uff41\uff54\uff45 \uff4a\uff45\uff57\uff53", "reject",
     "racism.targets.hate_emotion", "\uff49 \uff48\uff41\uff54\uff45 \uff4a\uff45\uff57\uff53",
     "jews (religion)"),
    ("let's k i l l all the immigrants", "reject", "xenophobia.targets.call_to_violence",
     "let's k i l l all the immigrants", "immigrants"),
    ("1 h4t3 r3fug33s", "reject", "xenophobia.targets.hate_emotion", "1 h4t3 r3fug33s",
     "refugees"),
    ("I despise imigrants", "reject", "xenophobia.targets.hate_emotion", "I despise imigrants",
     "immigrants (migrant status)"),
    # threats in any words, against the person addressed, the author, staff
    ("you're going home in an ambulance", "reject", "threat.ambulance",
     "you're going home in an ambulance", ""),
    ("nice house, shame if something happened to it", "reject",
     "threat.shame_if_something_happened", "shame if something happened to", ""),
    ("the journalist should watch her back", "reject", "threat.should_watch_back",
     "should watch her back", ""),
    ("I hope your family is there when the shells land", "reject", "threat.hope_when_bombs",
     "hope your family is there when the shells land", ""),
    ("I'll break your legs", "reject", "threat.intent_to_injure", "I'll break your legs", ""),
    ("We will burn down your office", "reject", "threat.intent_to_injure",
     "We will burn down your office", ""),
    # personal attacks beyond listed words
    ("were you dropped on your head as a child?", "reject", "personal_attack.dropped_on_head",
     "were you dropped on your head", ""),
    ("Go back to journalism school.", "reject", "personal_attack.back_to_school",
     "Go back to journalism school", ""),
    ("you people are the government's lapdogs", "reject", "personal_attack.demeaning_claim",
     "you people are the government's lapdogs", ""),
    ("how much do they pay you per comment?", "reject", "personal_attack.paid_to_comment",
     "how much do they pay you", ""),
    # an insult said of a plan is criticism; said of the person addressed it is an attack
    ("Your plan is stupid, you idiot.", "reject", "personal_attack.second_person", "you idiot",
     "you idiot"),
    ("He is pathetic.", "review", "personal_attack.words", "pathetic", "pathetic"),
]

# Contrasts: the same words, negated, asked about, reported, condemned, or about no group.
CONTRASTS: list[str] = [
    "I don't hate immigrants",
    "I do not hate Muslims, I hate violence.",
    "Muslims are not animals.",
    "Nobody should kill gays.",
    "Why do people hate immigrants?",
    "Saying immigrants are parasites is racist.",
    "It is wrong to say that women belong in the kitchen.",
    "I hate it when people say women belong in the kitchen.",
    "People who think gays should be hanged are monsters.",
    "\"Refugees are vermin\" is a racist thing to say.",
    "The minister said \"refugees are vermin\". Disgraceful.",
    "The court heard the defendant shout \"I will kill you\".",
    "He was heard shouting that all Muslims should be killed, the court was told.",
    "Graffiti reading 'kill all Jews' was found on the synagogue.",
    "Jews should all be killed. That is what the neo-Nazi leaflet said, and it is vile.",
    "I'm a black woman and racism in this city is real",
    "I love gay people.",
    "Immigrants are vital to the economy of Germany.",
    "Muslims are sick of being blamed for terrorism.",
    "We must fight hate against Jews.",
    "Illegal immigrants should be deported, the law is clear.",
    "There is no place for hatred of Muslims here.",
    "I hate racism against black people.",
    "Disabled people are not worthless.",
    "Women are not inferior to men.",
    "Turkish airstrikes kill Kurds in Syria and nobody says anything.",
    "The patient went home in an ambulance after the crash.",
    "Kids go back to school next week.",
    "Many children learn to read before school.",
    "How much do they pay nurses per hour?",
    "I hate Mondays. They are the worst.",
    "I met many refugees last year. I love them all.",
    "The tried and tested method works.",
    "It was a strange and naive plan.",
    "This plan is stupid.",
    "No Muslim deserves to die.",
    "Not all immigrants are criminals.",
    "Women are treated like animals in that regime.",
    "\"Immigrants are animals\"? Seriously? That's racist.",
    "I do n't hate Asians , I respect Asians .",
    "Black lives matter.",
    "Why do people say immigrants are criminals?",
    "He won't live long now, the doctors said.",
    "What a stupid decision by the government.",
    "The ignorant claims in this op-ed need a correction.",
]


@pytest.mark.parametrize(("text", "action", "rule_id", "covered", "term"), HITS)
def test_target_rule_fires_with_evidence(rules_engine: Engine, text: str, action: str,
                                         rule_id: str, covered: str, term: str) -> None:
    decision = rules_engine.decide(Comment(text=text))
    assert decision.action == action, (text, [r.rule_id for r in decision.reasons])
    reasons = [r for r in decision.reasons if r.rule_id == rule_id]
    assert reasons, f"{text!r}: expected {rule_id}, got {[r.rule_id for r in decision.reasons]}"
    evidence = [e for r in reasons for e in r.evidence]
    assert any(e.text == covered for e in evidence), [e.text for e in evidence]
    for e in evidence:
        assert e.text == text[e.start:e.end]
    assert any(term in (e.term or "") for e in evidence), [e.term for e in evidence]


@pytest.mark.parametrize("text", CONTRASTS)
def test_contrast_is_approved(rules_engine: Engine, text: str) -> None:
    decision = rules_engine.decide(Comment(text=text))
    assert decision.action == "approve", [(r.rule_id, [e.text for e in r.evidence])
                                          for r in decision.reasons]


def test_plain_and_full_paths_agree_on_the_tables(rules_engine: Engine) -> None:
    """The plain-comment fast path never clears a comment the full matcher would flag."""
    from moderation.normalize import normalize

    for text in [row[0] for row in HITS] + CONTRASTS:
        nt = normalize(text)
        fast = rules_engine.rules.match(nt, fast=True)
        slow = rules_engine.rules.match(normalize(text), fast=False)
        assert [r.rule_id for r in fast] == [r.rule_id for r in slow], text


BAD_TARGETS = """
id: broken
lists: {groups_x: words/x.txt}
categories:
  racism: {description: d, action: reject}
targets:
  groups:
    race: {list: groups_missing, category: racism}
    religion: {list: groups_x, category: nowhere}
  predicates:
    - {id: no_target, kind: derogation, pattern: 'x are (?P<predicate>bad)'}
    - {id: unbalanced, kind: derogation, pattern: '<<target>> are (?P<predicate>bad'}
  frames:
    - {id: f, kind: negation, pattern: 'not', applies_to: [nowhere]}
"""


def test_targets_block_is_validated_with_locations(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "words").mkdir()
    (tmp_path / "words" / "x.txt").write_text("xs\n")
    with pytest.raises(PolicyError) as err:
        parse_policy_text(BAD_TARGETS, str(tmp_path / "broken.yaml"), tmp_path)
    text = str(err.value)
    assert "unknown list 'groups_missing'" in text
    assert "unknown category 'nowhere'" in text
    # the list error stops the pattern checks; fix it and the pattern problems show
    fixed = BAD_TARGETS.replace("groups_missing", "groups_x")
    with pytest.raises(PolicyError) as err:
        parse_policy_text(fixed, str(tmp_path / "broken.yaml"), tmp_path)
    text = str(err.value)
    assert "'no_target' has no <<target>>" in text
    assert "'unbalanced' does not compile" in text
    assert "unknown category 'nowhere'" in text


def test_sentence_windows_change_no_target_reason(rules_engine: Engine, real_comments: list[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Predicates run only on the sentences holding their required words: the same reasons as
    running them on the whole comment, on every real comment that names a group."""
    from moderation.normalize import normalize
    from moderation.rules import targets

    rules = rules_engine.rules
    assert rules.targets is not None
    texts = [t for t in real_comments if not rules.targets.named.isdisjoint(t.lower().split())]
    windowed = [[(r.rule_id, [(e.start, e.end) for e in r.evidence])
                 for r in rules.match(normalize(t), fast=False)] for t in texts]
    monkeypatch.setattr(targets, "_sentences_with", lambda stream, words: [(0, len(stream))])
    whole = [[(r.rule_id, [(e.start, e.end) for e in r.evidence])
              for r in rules.match(normalize(t), fast=False)] for t in texts]
    assert len(texts) > 1000
    assert [t for t, a, b in zip(texts, windowed, whole, strict=True) if a != b] == []


@pytest.mark.parametrize(("action", "text"), case_rows(DATA / "targets_examples.tsv", 2))
def test_example_gets_its_action(rules_engine: Engine, action: str, text: str) -> None:
    decision = rules_engine.decide(Comment(text=text))
    assert decision.action == action, [(r.rule_id, [e.term for e in r.evidence])
                                       for r in decision.reasons]
