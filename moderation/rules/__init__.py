"""The rule layer: every category's word lists, phrase patterns and contact checks, compiled once
per policy version into a ``RuleSet`` whose ``match`` returns Reasons with evidence spans in the
original text.

One matcher kind per way a guideline can be broken (words, phrases, links/contacts, relevance);
which categories use which is entirely the policy's business (see policies/default.yaml).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from moderation.models import Article, Evidence, Reason
from moderation.normalize import NormalizedText
from moderation.policy import Category, Policy, RelevanceRules
from moderation.rules.contacts import ContactHit, ContactMatcher
from moderation.rules.phrases import CompiledPattern, PatternIndex, any_match, find, phrase_regex
from moderation.rules.plain import plain_view
from moderation.rules.prefilter import split_alternatives
from moderation.rules.relevance import off_topic
from moderation.rules.targets import TargetAnalyzer
from moderation.rules.words import WordIndex, canonical

if TYPE_CHECKING:
    from moderation.policy.targets import Frame

_KIND_TEXT = {
    "link": "link to an unlisted site",
    "shortener": "link through a URL shortener",
    "blocked_link": "link to a blocked destination",
    "email": "e-mail address",
    "phone": "phone number",
    "messenger": "messenger contact",
}


@dataclass
class _CategoryRules:
    name: str
    category: Category
    allow_phrases: re.Pattern[str] | None = None
    contacts: ContactMatcher | None = None


@dataclass
class RuleSet:
    """Compiled rules of one policy version. Pure: ``match`` has no side effects."""

    policy_id: str
    policy_version: str
    words: WordIndex = field(default_factory=WordIndex)
    patterns: list[CompiledPattern] = field(default_factory=list)
    index: PatternIndex = field(default_factory=lambda: PatternIndex([]))
    #: the same patterns split into their alternatives, for clearing plain comments
    alternatives: PatternIndex = field(default_factory=lambda: PatternIndex([]))
    _contacts: list[ContactMatcher] = field(default_factory=list)
    _relevance: list[RelevanceRules] = field(default_factory=list)
    categories: dict[str, _CategoryRules] = field(default_factory=dict)
    #: who is attacked and how (the policy's ``targets`` block), None without one
    targets: TargetAnalyzer | None = None
    #: ordinary words a spaced-out run may spell (targets.respell.spaced_words and every
    #: category's allowed words): read whole, never through a listed word inside them
    spaced_words: frozenset[str] = frozenset()
    #: rule ids of ``confirm_only`` patterns: their hits go to ``match``'s ``confirm_out``
    #: (the engine rejects with them when the category's model score is at confirm_at)
    confirm_only: frozenset[str] = frozenset()

    @classmethod
    def build(cls, policy: Policy) -> RuleSet:
        rs = cls(policy.id, policy.version)
        for name, cat in policy.categories.items():
            if not cat.enabled:
                continue
            cr = _CategoryRules(name, cat)
            rs.categories[name] = cr
            for src in cat.words:
                action = src.action or cat.action
                entries = policy.words(src.file) if src.file else policy.words("@" + str(src.base))
                excluded: set[str] = set()
                for ex in src.exclude:
                    excluded.update(policy.words(ex))
                # Compare canonical forms: "l3itch" and "l3i+ch" are both "leitch".
                gone = {canonical(e) for e in excluded}
                entries = [e for e in entries if e not in excluded and canonical(e) not in gone]
                rs.words.note_excluded(excluded)
                rs.words.add(name, [e for e in entries if " " not in e], action)
                rx = phrase_regex(entries)
                if rx:
                    rs.patterns.append(
                        CompiledPattern.compile(name, f"{name}.words", rx, action))
            rs.words.add_embedded(name, cat.embedded, cat.action)
            rs.words.add_allow(name, cat.allow, cat.allow_capitalized)
            for p in cat.patterns:
                rs.patterns.append(CompiledPattern.compile(
                    name, f"{name}.{p.id}", policy.expand(p.pattern),
                    "reject" if p.confirm_only else p.action or cat.action))
                if p.confirm_only:
                    rs.confirm_only |= {f"{name}.{p.id}"}
            if cat.allow_phrases:
                cr.allow_phrases = re.compile(
                    r"\b(?:" + "|".join(r"\s+".join(map(re.escape, a.lower().split()))
                                        for a in cat.allow_phrases) + r")\b")
            if cat.links or cat.contacts:
                cr.contacts = ContactMatcher(cat.links, cat.contacts)
        from moderation.rules.languages import add_language_rules  # it imports rules.phrases

        add_language_rules(rs, policy)
        rs._contacts = [cr.contacts for cr in rs.categories.values() if cr.contacts is not None]
        rs._relevance = [cr.category.relevance for cr in rs.categories.values()
                         if cr.category.relevance is not None]
        if policy.doc.targets is not None:
            rs.targets = TargetAnalyzer(policy)
        rs.spaced_words = frozenset().union(
            rs.targets.spaced_words if rs.targets is not None else (), *rs.words.allow.values())
        rs.index = PatternIndex(rs.patterns)
        alternatives = [CompiledPattern.compile(p.category, p.rule_id, alt, p.action)
                        for p in rs.patterns for alt in split_alternatives(p.regex.pattern)]
        if rs.targets is not None:
            for p in rs.targets.patterns:  # already one per alternative
                alternatives.append(p)
        rs.alternatives = PatternIndex(alternatives)
        return rs

    def match(self, nt: NormalizedText, article: Article | None = None, *,
              fast: bool = True, framed_out: set[str] | None = None,
              confirm_out: list[Reason] | None = None) -> list[Reason]:
        """All rule reasons for one normalised comment, in policy category order.

        ``fast`` first tries to clear a plain comment without tokenizing it (rules/plain.py);
        the answer is the same either way (tests/engine/test_plain.py). ``framed_out`` receives
        the categories of hits the target analysis framed away (quoted, reported, negated,
        condemned, said of a thing): the engine then lets no model score reject on its own.
        Hits of ``confirm_only`` patterns are never among the reasons: they go, as reject
        reasons, to ``confirm_out`` (dropped without it) for the engine to confirm with the
        model score; framed ones go nowhere and do not count as framed."""
        if fast and self._clears_plain(nt, article):
            return []
        found: dict[tuple[str, str, str], list[Evidence]] = {}
        held: dict[tuple[str, str, str], set[str]] = {}  # word hits held for review: frame ids

        def add(category: str, rule_id: str, action: str, ev: Evidence) -> None:
            bucket = found.setdefault((category, rule_id, action), [])
            if not any(e.start == ev.start and e.end == ev.end for e in bucket):
                bucket.append(ev)

        original = nt.original
        if self.targets is not None:
            nt = self.targets.respelled(nt)
            self.targets.find(nt, add, framed_out)
        self._match_words_and_phrases(nt, add, framed_out, held)
        for name, cr in self.categories.items():
            if cr.contacts is not None:
                for ch in cr.contacts.find(nt):
                    add(name, f"{name}.{ch.kind}", ch.action, _contact_evidence(ch, original))
            rel = cr.category.relevance
            if rel is not None and off_topic(nt, article, rel.min_words, rel.min_overlap):
                add(name, f"{name}.relevance", cr.category.action,
                    Evidence(start=0, end=len(original), text=original,
                             term="no content word shared with the article"))
        if not found:
            return []
        self._apply_allow_phrases(nt, found)
        if self.confirm_only:  # apart, so their wider spans hide no other rule's evidence
            pending = {k: found.pop(k) for k in [k for k in found if k[1] in self.confirm_only]}
            if confirm_out is not None:
                confirm_out.extend(
                    Reason(category=c, source="rule", action="reject", rule_id=rule_id,
                           evidence=sorted(ev, key=lambda e: (e.start, e.end)),
                           message=_message(c, rule_id, sorted(ev, key=lambda e: e.start)))
                    for (c, rule_id, _), ev in pending.items() if ev)
        _drop_nested(found)
        reasons: list[Reason] = []
        order = {name: i for i, name in enumerate(self.categories)}
        for (category, rule_id, action), evidence in sorted(
                found.items(), key=lambda kv: (order.get(kv[0][0], 99), kv[0][1])):
            if not evidence:
                continue
            evidence.sort(key=lambda e: (e.start, e.end))
            message = _message(category, rule_id, evidence)
            frames = held.get((category, rule_id, action))
            if frames:
                message += (" (held for review, not rejected: quoted or reported in a comment "
                            f"that reports or condemns it; frame {', '.join(sorted(frames))})")
            reasons.append(Reason(
                category=category, source="rule", action=action,  # type: ignore[arg-type]
                rule_id=rule_id, evidence=evidence, message=message))
        return reasons

    def _clears_plain(self, nt: NormalizedText, article: Article | None) -> bool:
        """True when no rule can fire on a plain comment, proved from its plain view: no listed
        word among its words, no phrase pattern matching its stream, no contact detail, and on
        topic. False means "not proved", and the full matcher runs."""
        view = plain_view(nt)
        if view is None or self.words.may_hit(view.terms, nt.folded):
            return False
        if self.targets is not None and self.targets.may_respell(view.terms):
            return False
        if any_match(self.alternatives, view.stream, view.terms):
            return False
        for contacts in self._contacts:
            if contacts.may_hold(nt.folded, view.terms, view.marks) and contacts.find(
                    nt, view.terms):
                return False
        if article is not None:
            for rel in self._relevance:
                if off_topic(nt, article, rel.min_words, rel.min_overlap):
                    return False
        return True

    def _match_words_and_phrases(self, nt: NormalizedText, add,  # type: ignore[no-untyped-def]
                                 framed_out: set[str] | None = None,
                                 held: dict[tuple[str, str, str], set[str]] | None = None,
                                 ) -> None:
        original = nt.original
        targets = self.targets
        spans: dict[int, tuple[int, int]] | None = None  # token -> its stream span
        ordinary: list[tuple[int, int]] | None = None  # spaced runs spelling an ordinary word
        for tok in nt.tokens:
            if tok.synthetic and self.spaced_words:
                if ordinary is None:
                    ordinary = _ordinary_runs(original, self.spaced_words)
                if any(a <= tok.start and tok.end <= b for a, b in ordinary):
                    continue  # "c l a s s": a piece of the word "class", not "ass"
            for hit in self.words.lookup(tok):
                if hit.category in self.categories and not self.words.allowed_as_name(
                        hit, original[tok.start:tok.end]):
                    frame = None
                    if targets is not None and hit.category in targets.word_framed_categories:
                        if spans is None:
                            spans = {id(t): (s, e) for s, e, t in nt.stream_tokens}
                        span = spans.get(id(tok))
                        frame = None if span is None else targets.framed(
                            nt, hit.category, *span, word=True)
                        if frame is not None and frame.hold and hit.lang:
                            frame = None  # English frames hold English words (languages:
                            # moderation/languages/unless.py)
                        if frame is not None:
                            if framed_out is not None:
                                framed_out.add(hit.category)
                            if not frame.hold:
                                continue
                    rule = f"{hit.category}.{hit.lang}.words" if hit.lang else \
                        f"{hit.category}.words"
                    action = _held(hit.action, frame, hit.category, rule, held)
                    add(hit.category, rule, action,
                        Evidence(start=tok.start, end=tok.end, text=original[tok.start:tok.end],
                                 term=hit.term))
        for ph in find(self.index, nt):
            p = ph.pattern
            frame = None if targets is None else targets.framed(
                nt, p.category, ph.stream_start, ph.stream_end, hold=True)
            if frame is not None and p.rule_id in self.confirm_only:
                continue  # silent: a framed shape is not an attack for the model to confirm
            if frame is not None:
                if framed_out is not None:
                    framed_out.add(p.category)
                if not frame.hold:
                    continue
            action = _held(p.action, frame, p.category, p.rule_id, held)
            add(p.category, p.rule_id, action,
                Evidence(start=ph.start, end=ph.end, text=original[ph.start:ph.end],
                         term=nt.stream[ph.stream_start:ph.stream_end]))

    def _apply_allow_phrases(self, nt: NormalizedText,
                             found: dict[tuple[str, str, str], list[Evidence]]) -> None:
        """Drop evidence that lies inside an allowed phrase ("magna cum laude")."""
        for name, cr in self.categories.items():
            if cr.allow_phrases is None:
                continue
            spans = [nt.stream_span_to_original(m.start(), m.end())
                     for m in cr.allow_phrases.finditer(nt.stream)]
            if not spans:
                continue
            for key, evidence in found.items():
                if key[0] == name:
                    evidence[:] = [e for e in evidence
                                   if not any(s <= e.start and e.end <= t for s, t in spans)]


#: letters spaced out, three or more: "c l a s s"
_SPACED_RUN = re.compile(r"(?<!\w)(?:[^\W\d_][ \t]+){2,}[^\W\d_](?!\w)")


def _ordinary_runs(original: str, words: frozenset[str]) -> list[tuple[int, int]]:
    """The spans of spaced-out runs of letters that spell an ordinary word of ``words`` (or
    "a"/"i" and one: "a s s a s s i n"), whose pieces are no listed words."""
    runs = []
    for m in _SPACED_RUN.finditer(original):
        letters = "".join(m.group().split()).lower()
        if letters in words or (letters[0] in "ai" and letters[1:] in words):
            runs.append(m.span())
    return runs


def _held(action: str, frame: Frame | None, category: str, rule_id: str,
          held: dict[tuple[str, str, str], set[str]] | None) -> str:
    """The action of a hit that a hold frame applies to: review instead of reject (a word or a
    threat quoted or reported to condemn it: a person decides), noting the frame in ``held``."""
    if frame is None or action != "reject":
        return action
    if held is not None:
        held.setdefault((category, rule_id, "review"), set()).add(frame.id)
    return "review"


def _drop_nested(found: dict[tuple[str, str, str], list[Evidence]]) -> None:
    """Keep the widest of overlapping spans within a category ("f u c k" inside "f u c k i n g",
    "are a ... idiot" inside "you are a ... idiot"), so evidence reads once. Two languages'
    rules (``personal_attack.ckb.words``, ``personal_attack.fa.words``) keep theirs: which of
    them counts is decided later, sentence by sentence (moderation.languages.scope), and Persian
    "بی ناموس" must not be lost inside the same Sorani entry."""
    by_category: dict[str, list[tuple[tuple[str, str, str], Evidence]]] = {}
    for key, evidence in found.items():
        for e in evidence:
            by_category.setdefault(key[0], []).append((key, e))
    for items in by_category.values():
        if len(items) < 2:
            continue
        for key, e in items:
            for key2, other in items:
                if other is e or _other_language(key[1], key2[1]):
                    continue
                inside = other.start <= e.start and e.end <= other.end
                wider = (other.end - other.start) > (e.end - e.start)
                stronger = _RANK[key2[2]] >= _RANK[key[2]]
                if inside and stronger and (wider or (key2[1] < key[1])):
                    found[key] = [x for x in found[key] if x is not e]
                    break


_RANK = {"flag": 0, "review": 1, "reject": 2}


def _other_language(rule_id: str, other: str) -> bool:
    """Are these two languages' rules (``profanity.ar.words``, ``profanity.fa.words``)? English
    rule ids have one dot."""
    if rule_id.count(".") < 2 or other.count(".") < 2:
        return False
    return rule_id.split(".", 2)[1] != other.split(".", 2)[1]


def _contact_evidence(ch: ContactHit, original: str) -> Evidence:
    return Evidence(start=ch.start, end=ch.end, text=original[ch.start:ch.end],
                    term=f"{_KIND_TEXT.get(ch.kind, ch.kind)}: {ch.value}")


def _message(category: str, rule_id: str, evidence: list[Evidence]) -> str:
    quoted = ", ".join(f'"{e.text}"' for e in evidence[:5])
    more = f" and {len(evidence) - 5} more" if len(evidence) > 5 else ""
    kind = rule_id.split(".", 1)[1] if "." in rule_id else rule_id
    lang, _, rest = kind.partition(".")
    if rest:  # a policy language's rule: "ar.words", "ar.kill"
        kind = rest
    what = "listed word" if kind == "words" else kind.replace("_", " ")
    if rest:
        what += f" ({lang})"
    return f"{category.replace('_', ' ')}: {what} {quoted}{more}"
