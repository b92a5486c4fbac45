"""The ``targets`` block of a policy: who a sentence is about and what it says of them.

The schema (groups per protected characteristic, predicates, frames, respelling), the expansion
of ``<<target>>`` in predicate patterns and the validation of the block; the rule layer compiles
it (moderation/rules/targets.py). Kept apart from ``schema`` so that the schema only imports it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from moderation.policy.regex_safety import static_problems

Action = Literal["reject", "review", "flag"]
TARGET = "<<target>>"
_PLACEHOLDER = re.compile(r"<<([a-z0-9_]+)>>")
_LIKE_YOU = r"(?:\s+like\s+(?:you|u|him|her|them|yours))?"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PolicyLists(Protocol):
    """What expansion needs of a loaded policy: its lists and its placeholder expansion."""

    def words(self, ref: str) -> list[str]: ...

    def expand(self, pattern: str) -> str: ...


PredicateKind = Literal["hate_emotion", "derogation", "dehumanisation", "negated_positive",
                        "exclusion", "threat", "call_to_violence", "harm_wish"]
FrameKind = Literal["negation", "question", "reporting", "counter_speech", "object",
                    "endorsement"]


class TargetGroup(_Strict):
    """A protected characteristic: the list naming its groups and the category it breaks."""

    list: str = Field(description="name under 'lists' holding the group terms")
    category: str = Field(description="category whose guideline abuse of these groups breaks")


class TargetPredicate(_Strict):
    """What is said of a target: a pattern over the phrase stream where ``<<target>>`` stands
    for any group term (or, in a later sentence, a pronoun that refers back to one) and the
    named group ``(?P<predicate>...)`` marks the words that say it."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9_.-]+$")]
    kind: PredicateKind
    pattern: str
    action: Action | None = None
    description: str | None = None
    skip: list[str] = Field(default_factory=list,
                            description="characteristics this predicate never applies to")
    refer_back: bool = Field(True, description=(
        "whether a pronoun of the refer_back list may stand for the group (false for habits "
        "such as \"they lie\", which are said of politicians far more often than of a group "
        "named earlier)"))


class Frame(_Strict):
    """Context that changes what a rule match means: negation, a question, reported speech,
    counter-speech, or an insult aimed at a thing ("this plan is stupid"). A phrase match of a
    listed category (and, with ``words``, a listed-word hit) is dropped when the frame pattern
    matches ``before`` it (in the same sentence, within ``max_gap`` words of the anchor) or
    ``after`` it (within ``max_gap`` words, else to the end of the next sentence); a match inside
    quotation marks is dropped when a reporting or counter-speech frame matches anywhere in the
    comment. ``hold`` frames hold listed-word hits for review instead (a slur quoted or
    reported in a comment that condemns it); an ``endorsement`` frame ("and he was right", "as
    my dad says") frames nothing itself but cancels the reporting, counter-speech and hold frames
    of the matches it applies to."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9_.-]+$")]
    kind: FrameKind
    pattern: str
    where: Literal["before", "after"] = "before"
    anchor: Literal["match", "predicate"] = Field(
        default="match", description="measure 'before' from the match or its predicate")
    max_gap: int | None = Field(default=None, ge=0, le=20,
                                description="most words between the frame and the anchor")
    applies_to: list[str] = Field(min_length=1, description="categories whose matches it frames")
    words: bool = Field(default=False, description="also frame listed-word hits, not only "
                        "phrase patterns")
    hold: bool = Field(default=False, description="frame listed-word hits (and, when "
                       "``quoted``, phrase matches too) and hold them for review (kept as "
                       "evidence, action review) instead of dropping them: a slur quoted or "
                       "reported is still the slur, a person decides")
    quoted: bool = Field(default=False, description="frame only hits inside quotation marks; "
                         "the pattern may match anywhere in the comment")
    description: str | None = None


class Respell(_Strict):
    """Misspellings undone before phrase matching, for every word of the named lists: one pair
    of neighbouring letters swapped or (in longer words) one letter dropped, and verbs glued to
    "i"/"we" ("ihate"). Variants that are ordinary words go in an ``exclude`` list."""

    lists: list[str] = Field(min_length=1)
    exclude: list[str] = Field(default_factory=list, description="lists of words never respelled")
    glue: list[str] = Field(default_factory=list,
                            description="lists of verbs also read when glued to 'i' or 'we'")
    min_length: int = Field(default=5, ge=4, le=12)
    glue_objects: list[str] = Field(
        default_factory=list,
        description="lists of verbs also read when a word of ``objects`` is glued after them "
                    "('killyou', 'shootthe')")
    objects: list[str] = Field(default_factory=list,
                               description="the words read apart when glued after such a verb")
    glue_be: list[str] = Field(default_factory=list,
                               description="lists of participles also read when glued to 'be' "
                                           "('behanged')")
    glue_words: list[str] = Field(
        default_factory=list,
        description="lists of short words also read apart when run into any word of the "
                    "respelled lists, before or after it ('anidiot', 'immigrantsare')")
    skeletons: list[str] = Field(
        default_factory=list,
        description="lists whose words of min_length letters or fewer are also read with "
                    "their inner vowels dropped when no vowel is left ('kll', 'stb')")
    spaced_words: list[str] = Field(
        default_factory=list,
        description="lists of ordinary words that hold a listed word: a run of spaced-out "
                    "letters spelling one ('c l a s s', 'a s s a s s i n') is that word, never "
                    "a listed word inside it")


class TargetAnalysis(_Strict):
    """Who a sentence is about and what it says of them (see docs/policies.md)."""

    description: str | None = None
    action: Action = "reject"
    groups: dict[str, TargetGroup] = Field(min_length=1)
    refer_back: str | None = Field(
        default=None, description="list of pronouns that refer back to a group named earlier")
    predicates: list[TargetPredicate] = Field(default_factory=list)
    frames: list[Frame] = Field(default_factory=list)
    respell: Respell | None = None


def alternation(entries: list[str]) -> str:
    words = sorted(set(entries), key=len, reverse=True)
    return "|".join(r"\s+".join(re.escape(w) for w in e.split()) for e in words)


def group_terms(t: TargetAnalysis, policy: PolicyLists) -> dict[str, str]:
    """Every group term (single-spaced) -> its characteristic; the first characteristic that
    lists a term keeps it."""
    terms: dict[str, str] = {}
    for characteristic, group in t.groups.items():
        for entry in policy.words("@" + group.list):
            terms.setdefault(entry, characteristic)
    return terms


def expand_predicate(t: TargetAnalysis, policy: PolicyLists, pattern: str,
                     refer_back: bool) -> str:
    """A predicate pattern with ``<<target>>`` as a named group of every group term (or, with
    ``refer_back``, of the pronouns that refer back), and the other ``<<list>>`` placeholders
    expanded as in any pattern."""
    if refer_back:
        assert t.refer_back is not None
        target = alternation(policy.words("@" + t.refer_back))
    else:
        target = alternation(list(group_terms(t, policy)))
    parts = policy.expand(pattern.replace(TARGET, "\0")).split("\0")
    out = parts[0]
    for i, part in enumerate(parts[1:], 1):  # each alternative names its own target group
        out += rf"(?P<target{i if i > 1 else ''}>(?:{target})){_LIKE_YOU}" + part
    return out


def target_problems(t: TargetAnalysis, policy: PolicyLists, pos: Any, list_names: set[str],
                    categories: set[str]) -> list[str]:
    """Every problem of the ``targets`` block, located in the YAML by ``pos`` (the policy's
    position tree), for policy loading."""
    problems: list[str] = []
    lists = sorted(list_names)

    def known_list(name: str, loc: tuple[Any, ...]) -> bool:
        if name in list_names:
            return True
        problems.append(f"{pos.locate(loc)}: unknown list {name!r} (allowed: the names under "
                        f"'lists': {', '.join(lists) or 'none defined'})")
        return False

    def known_category(name: str, loc: tuple[Any, ...]) -> None:
        if name not in categories:
            problems.append(f"{pos.locate(loc)}: unknown category {name!r} (allowed: "
                            f"{', '.join(sorted(categories))})")

    ok = True
    for ch, group in t.groups.items():
        ok &= known_list(group.list, ("targets", "groups", ch, "list"))
        known_category(group.category, ("targets", "groups", ch, "category"))
    if t.refer_back is not None:
        ok &= known_list(t.refer_back, ("targets", "refer_back"))
    if t.respell is not None:
        for field in ("lists", "exclude", "glue", "glue_objects", "objects", "glue_be",
                      "skeletons", "glue_words", "spaced_words"):
            for i, name in enumerate(getattr(t.respell, field)):
                known_list(name, ("targets", "respell", field, i))
    if not ok:
        return problems

    def check(kind: str, i: int, ident: str, pattern: str, expanded: Callable[[], str],
              group: str | None) -> None:
        where = pos.locate(("targets", kind, i, "pattern"))
        missing = [n for n in _PLACEHOLDER.findall(pattern)
                   if n != "target" and n not in list_names]
        if missing:
            problems.append(f"{where}: {kind[:-1]} {ident!r} uses unknown list(s) "
                            f"{', '.join(missing)} (allowed: target, {', '.join(lists)})")
            return
        try:
            rx = re.compile(expanded())
        except re.error as exc:
            problems.append(f"{where}: {kind[:-1]} {ident!r} does not compile: {exc} "
                            "(allowed: a Python regular expression)")
            return
        if group is not None and not any(g.startswith(group) for g in rx.groupindex):
            problems.append(f"{where}: {kind[:-1]} {ident!r} needs {group} (allowed: a "
                            "pattern holding <<target>> and a (?P<predicate>...) group)")
        for text in static_problems(rx.pattern):
            problems.append(f"{where}: {kind[:-1]} {ident!r} can backtrack catastrophically: "
                            f"{text}")
            break

    for i, pred in enumerate(t.predicates):
        if TARGET not in pred.pattern:
            problems.append(f"{pos.locate(('targets', 'predicates', i, 'pattern'))}: predicate "
                            f"{pred.id!r} has no <<target>> (allowed: a pattern holding it)")
            continue
        check("predicates", i, pred.id, pred.pattern,
              lambda p=pred: expand_predicate(t, policy, p.pattern, False), "predicate")
        for j, ch in enumerate(pred.skip):
            if ch not in t.groups:
                problems.append(f"{pos.locate(('targets', 'predicates', i, 'skip', j))}: unknown "
                                f"characteristic {ch!r} (allowed: {', '.join(t.groups)})")
    for i, frame in enumerate(t.frames):
        check("frames", i, frame.id, frame.pattern,
              lambda f=frame: policy.expand(f.pattern), None)
        for j, cat in enumerate(frame.applies_to):
            known_category(cat, ("targets", "frames", i, "applies_to", j))
    return problems


