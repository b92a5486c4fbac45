"""The evasion table and the hard-negative table of issue 2, run through the rules alone.

Every evasion must get exactly the action the policy gives its category (reject, not merely
"reject or review") with evidence whose (start, end) is exactly the disguised text in the
ORIGINAL comment; every hard negative (Scunthorpe words, war reporting, identity terms used
neutrally, cited sources) must be approved.
"""

from __future__ import annotations

import pytest

from moderation.engine import Engine
from moderation.models import Comment
from moderation.policy import Policy

ZW = "\u200b"

# (comment, category expected among the reasons, the original text the evidence must be exactly
# -- its first occurrence in the comment gives the expected (start, end) --, and optionally the
# decision's action when it is not the policy's "reject": a fourth field, so three-field rows
# keep meaning "rejected").
EVASIONS: list[tuple[str, str, str] | tuple[str, str, str, str]] = [
    # profanity, however written
    ("what the fuck is this", "profanity", "fuck"),
    ("ｆｕｃｋ this government", "profanity", "ｆｕｃｋ"),  # fullwidth
    ("𝐟𝐮𝐜𝐤 this", "profanity", "𝐟𝐮𝐜𝐤"),  # mathematical bold (NFKC)
    ("fu\u200bck off", "profanity", "fu\u200bck"),  # zero-width space
    ("sh\u00adit article", "profanity", "sh\u00adit"),  # soft hyphen
    ("f\u2060u\u2060c\u2060k", "profanity", "f\u2060u\u2060c\u2060k"),  # word joiner
    ("ѕhit reporting", "profanity", "ѕhit"),  # Cyrillic dze
    ("what a sһіt show", "profanity", "sһіt"),  # Cyrillic shha + i
    ("fücк you", "profanity", "fücк"),  # diaeresis + Cyrillic ka
    ("sh1t happens", "profanity", "sh1t"),
    ("$hit", "profanity", "$hit"),
    ("you a55hole", "profanity", "a55hole"),
    ("b!tch please", "profanity", "b!tch"),
    ("f u c k you all", "profanity", "f u c k"),
    ("f  u  c  k", "profanity", "f  u  c  k"),
    ("fuuuuuck this", "profanity", "fuuuuuck"),
    ("shiiiit", "profanity", "shiiiit"),
    ("f*ck the mayor", "profanity", "f*ck"),
    ("f**k off", "profanity", "f**k"),
    ("f.u.c.k this", "profanity", "f.u.c.k"),
    ("f-u-c-k", "profanity", "f-u-c-k"),
    ("F_U_C_K", "profanity", "F_U_C_K"),
    ("<b>fuck</b>", "profanity", "fuck"),
    ("motherfuckingidiots everywhere", "profanity", "motherfuckingidiots"),
    # threats: intent against a person, direct or veiled
    ("I will find you", "threat", "I will find you"),
    ("i'll find you and your family", "threat", "i'll find you"),
    ("someone should shoot the journalist", "threat", "someone should shoot the journalist"),
    ("we know where your office is", "threat", "we know where your office"),
    ("be careful on the road tonight", "threat", "be careful on the road"),
    ("k i l l yourself", "threat", "k i l l yourself"),
    ("kys", "threat", "kys"),
    ("He should be shot for this", "threat", "He should be shot"),
    ("I hope you die", "threat", "I hope you die"),
    ("watch your back, writer", "threat", "watch your back"),
    # personal attacks
    ("you idiot", "personal_attack", "you idiot"),
    ("You're a m0r0n", "personal_attack", "You're a m0r0n"),
    ("What an idiot.", "personal_attack", "What an idiot"),
    ("The author is a complete moron", "personal_attack", "is a complete moron"),
    ("Only a dumbass would write this", "personal_attack", "dumbass"),
    ("shut up", "personal_attack", "shut up"),
    # vulgarity and abuse
    ("nice b00bs", "vulgarity", "b00bs"),
    ("suck my dick", "vulgarity", "suck my dick"),
    ("muslims are rats", "racism", "muslims are rats"),
    ("kill all the kurds", "racism", "kill all the kurds"),
    ("n1gger", "racism", "n1gger"),
    ("women belong in the kitchen", "sexism", "women belong in the kitchen"),
    ("what a sl*t", "sexism", "sl*t"),
    ("f4ggot", "homophobia", "f4ggot"),
    ("gays are an abomination", "homophobia", "gays are an abomination"),
    ("go back to your country", "xenophobia", "go back to your country"),
    ("refugees are parasites", "xenophobia", "refugees are parasites"),
    # promotion and obfuscated contacts/links
    ("Check out my channel!!", "promotion", "Check out my"),
    ("earn $500 a day from home", "promotion", "earn $500 a day"),
    ("best deals at cheapwatches.com", "promotion", "cheapwatches.com"),
    # an unlisted link with hardly any words: review (policy's links.unknown_link_action)
    ("visit example dot com", "promotion", "example dot com", "review"),
    ("see example(dot)com", "promotion", "example(dot)com", "review"),
    ("click bit . ly/x4f", "promotion", "bit . ly"),
    ("mail name [at] mail [dot] com", "promotion", "name [at] mail [dot] com"),
    ("write to john(at)gmail(dot)com", "promotion", "john(at)gmail(dot)com"),
    ("john at gmail dot com", "promotion", "john at gmail dot com"),
    ("call 0791 112 3456 now", "promotion", "0791 112 3456"),
    ("+44 7911 123456", "promotion", "+44 7911 123456"),
    ("text nine one seven five five five one two three four", "promotion",
     "nine one seven five five five one two three four"),
    ("whatsapp me +964 750 123 4567", "promotion", "whatsapp me +964 750 123 4567"),
    ("contact me on telegram", "promotion", "contact me on telegram"),
    ("join t.me/freesignals", "promotion", "t.me/freesignals"),
    ("crypto trading signals 100% guaranteed returns", "promotion", "crypto trading"),
]

# Comments that must be approved by the rules: no reason may reject or review them.
HARD_NEGATIVES: list[str] = [
    # Scunthorpe words
    "The assassination of the archduke started the war.",
    "Sussex police said the cocktail bar was closed.",
    "My therapist reads Dickens; his analysis is sharp.",
    "Add shiitake mushrooms. The working class pays for this.",
    "Scunthorpe and Penistone councils met in Middlesex.",
    "He graduated magna cum laude from Cumbria.",
    "Dick Cheney defended the invasion.",
    "The cockpit voice recorder was recovered; Hancock resigned.",
    "Assessing the bass section of the classic passage.",
    "Turkish officials discussed the niggling problems of the assessment.",
    # violent vocabulary in reporting and opinion
    "Russian and US airstrikes kill civilians in Syria, again.",
    "Turkish airstrikes kill Kurds in Syria and nobody says anything.",
    "Russia would launch strikes against terrorist groups who have not joined the ceasefire.",
    "The bombing killed 20 people and wounded 40.",
    "Soldiers were shot at the checkpoint, the ministry said.",
    "ISIS fighters executed prisoners, a report says.",
    "They will destroy Nusra's supply lines if the ceasefire fails.",
    "Kill the bill, it is a bad law.",
    "The rebels want to overthrow Assad, and Russia wants to stop them.",
    "The murder rate fell by 10% last year.",
    "A sniper fired on the convoy near Aleppo.",
    "I will find you the source for this figure.",
    "We will beat them at the ballot box.",
    # identity terms used neutrally
    "Muslims celebrated Eid across the region.",
    "Kurdish refugees arrived in Erbil last week.",
    "The gay community marched in Istanbul despite the ban.",
    "Women should have equal pay; the law must change.",
    "Immigrants are vital to the economy of Germany.",
    "Jews, Christians and Muslims lived in Mosul for centuries.",
    "Black people and white people voted differently in this election.",
    "Queer writers won three awards this year.",
    # criticism is welcome
    "The article is biased; Rudaw should check its sources.",
    "The plan is a disaster for the Kurdistan Region.",
    "The minister's answer was evasive and the numbers do not add up.",
    # links to sources, numbers that are not phones
    "Source: https://www.reuters.com/world/middle-east/syria-ceasefire-2016-05-20/",
    "The UN report (un.org/sg/en) says otherwise.",
    "See bbc.co.uk/news/world for the full story.",
    "In 2014 2015 2016 the budget was $1,200,000,000 for 138 units.",
    "Call the ceasefire what it is. Co-operation between the US and Russia is overdue.",
    "The dot com bubble burst in 2000.",
    "It was 25 May 2016 at 10:30.",
    # false hits measured on real news comments, now fixed
    "The watch is fashion already.It was never about utility.",
    "Every resident, he/she included, pays the tax.",
    "Why ask about 45's tax returns?",
    "How do we assess the income brackets?",
    "How can there be 2.124.821.694 views already?",
    "Posted 06/07/2012, updated 2018-09-14 23:56; see 401 U. S. 815.",
    "Kellie Leitch is running for the leadership.",
    "It was a tough act to follow (my view, anyway).",
    "He got slapped real hard on the face by the verdict.",
    "This budget makes me want to drink bleach.",
    "Thank you @USER . America needs more of this.",
    "Put up or shut up, minister: publish the figures.",
    "Every tom, dick and harry has an opinion on the budget.",
    "Cut him some slack, he is retired.",
    "Anthony Weiner resigned from Congress.",
    "Homo sapiens left Africa long ago.",
    "George and Dick's war in Iraq.",
    "The he## is in the details.",
    "Long comment citing a blog for the figures on rents, taxes and wages across the province: "
    "see https://www.examplestats-blog.com/rents/2016 for the methodology and the tables.",
    # emoji, RTL, other scripts
    "👍👍👍",
    "هذا مقال جيد جدا",
    "Москва и Вашингтон договорились.",
    "Ev gotarek baş e, spas.",
]


# Blunt criticism with an insulting adjective: never rejected; a person may look at it, since
# on Civil Comments "stupid" stood in 13 toxic comments for every 2 clean ones.
CRITICISM: list[str] = [
    "This policy is stupid and will backfire.",
    "What a stupid decision by the government.",
    "The ignorant claims in this op-ed need a correction.",
]


@pytest.mark.parametrize("text", CRITICISM)
def test_criticism_is_never_rejected(rules_engine: Engine, text: str) -> None:
    assert rules_engine.decide(Comment(text=text)).action in ("approve", "review")


def _evasion_params() -> list[pytest.param]:
    """Rows as (text, category, covered, action); a three-field row expects "reject"."""
    rows = []
    for row in EVASIONS:
        text, category, covered = row[:3]
        action = row[3] if len(row) > 3 else "reject"
        rows.append(pytest.param(text, category, covered, action, id=text[:40]))
    return rows


@pytest.mark.parametrize(("text", "category", "covered", "action"), _evasion_params())
def test_evasion_is_caught_with_evidence(rules_engine: Engine, policy: Policy, text: str,
                                         category: str, covered: str, action: str) -> None:
    assert covered in text, f"table error: {covered!r} is not part of {text!r}"
    if action == "reject":
        # the guideline itself must say reject: a policy that only reviews these would not pass
        assert policy.categories[category].action == "reject", policy.categories[category]
    decision = rules_engine.decide(Comment(text=text))
    assert decision.action == action, (text, [(r.rule_id, r.action) for r in decision.reasons])
    reasons = [r for r in decision.reasons if r.category == category]
    assert reasons, f"{text!r}: expected {category}, got {[r.rule_id for r in decision.reasons]}"
    assert any(r.action == action for r in reasons), [(r.rule_id, r.action) for r in reasons]
    want_start = text.index(covered)
    want = (want_start, want_start + len(covered))
    spans = [(e.start, e.end) for r in reasons for e in r.evidence]
    assert want in spans, f"{text!r}: want evidence {want} ({covered!r}), got {spans}"
    for r in reasons:
        for e in r.evidence:
            assert e.text == text[e.start:e.end]


@pytest.mark.parametrize("text", HARD_NEGATIVES)
def test_hard_negative_is_approved(rules_engine: Engine, text: str) -> None:
    decision = rules_engine.decide(Comment(text=text))
    assert decision.action == "approve", [(r.rule_id, [e.text for e in r.evidence])
                                          for r in decision.reasons]
