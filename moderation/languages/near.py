"""Near rules: two kinds of word close together in one sentence (see policy.NearRule).

Arabic, Persian and Kurdish attach articles and pronouns to words and Turkish and Kurmanji
inflect them, so "group name, then dehumanising word" is far easier to say as two sets of word
forms (stems expanded once, moderation.languages.morphology) than as one regular expression:
matching is a set lookup per token, run only on comments in a covered language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from moderation.languages.morphology import expand
from moderation.models import Evidence, Reason
from moderation.normalize import NormalizedText, Token
from moderation.rules.targets import quoted_span
from moderation.rules.words import canonical

if TYPE_CHECKING:
    from moderation.policy import Policy


@dataclass(frozen=True, slots=True)
class _Near:
    category: str
    rule_id: str
    action: str
    first: frozenset[str]
    then: frozenset[str]
    within: int
    ordered: bool
    unless: frozenset[str]
    negated_by: frozenset[str]
    negation_after: int
    unless_phrases: tuple[tuple[str, ...], ...] = ()


class NearMatcher:
    """Every near rule of a policy version, compiled into sets of token forms."""

    def __init__(self, policy: Policy, enabled: set[str] | frozenset[str]) -> None:
        self.rules: list[_Near] = []
        self.languages: set[str] = set()
        for code, lang in policy.doc.languages.covered.items():
            forms = _FormCache(policy, lang.morphology)
            for cname, lc in lang.categories.items():
                if cname not in enabled:
                    continue
                for r in lc.near:
                    self.rules.append(_Near(
                        cname, f"{cname}.{code}.{r.id}",
                        r.action or policy.categories[cname].action,
                        frozenset().union(*map(forms, r.first)),
                        frozenset().union(*map(forms, r.then)), r.within, r.ordered,
                        frozenset().union(*(forms(u) for u in r.unless)),
                        frozenset().union(*(forms(u) for u in r.negated_by)),
                        r.negation_after,
                        tuple(p for u in r.unless for p in forms.phrases(u))))
                    self.languages.add(code)
        # token form -> the rules it plays a part in, and which part: one lookup per form
        self.index: dict[str, list[tuple[int, int]]] = {}
        for i, rule in enumerate(self.rules):
            for role, forms in enumerate((rule.first, rule.then, rule.unless, rule.negated_by)):
                for f in forms:
                    self.index.setdefault(f, []).append((i, role))

    def match(self, nt: NormalizedText) -> list[Reason]:
        """Reasons for every rule that fires, one piece of evidence per sentence."""
        if not self.rules:
            return []
        found: dict[int, list[Evidence]] = {}
        original = nt.original
        index = self.index
        # positions of each rule's words, per sentence: [firsts, thens, unless, negators]
        per_sentence: list[tuple[list[Token], dict[int, tuple[list[int], ...]]]] = []
        condemned: set[int] = set()  # rules with an 'unless' word somewhere in the comment
        for toks in _sentences(nt):
            seen: dict[int, tuple[list[int], ...]] = {}
            for pos, tok in enumerate(toks):
                for form in tok.forms():
                    for ri, role in index.get(form, ()):
                        slot = seen.get(ri)
                        if slot is None:
                            slot = seen[ri] = ([], [], [], [])
                        if not slot[role] or slot[role][-1] != pos:
                            slot[role].append(pos)
            for ri, slot in seen.items():
                if slot[2]:
                    condemned.add(ri)
            per_sentence.append((toks, seen))
        for toks, seen in per_sentence:
            for ri, (firsts, thens, unless, negators) in seen.items():
                if not firsts or not thens or unless:
                    continue
                phrases = self.rules[ri].unless_phrases
                if phrases and _has_phrase(toks, phrases):
                    continue
                span = _fire(self.rules[ri], toks, firsts, thens, negators)
                if span is None:
                    continue
                a, b = span
                # abuse quoted ("...") and condemned in another sentence: «X حشرات». عنصري
                if quoted_span(original, a, b) and (ri in condemned or (phrases and any(
                        _has_phrase(t, phrases) for t, _ in per_sentence))):
                    continue
                found.setdefault(ri, []).append(Evidence(
                    start=a, end=b, text=original[a:b], term=self.rules[ri].rule_id))
        reasons: list[Reason] = []
        for ri in sorted(found):
            rule = self.rules[ri]
            evidence = found[ri]
            if evidence:
                quoted = ", ".join(f'"{e.text}"' for e in evidence[:3])
                reasons.append(Reason(
                    category=rule.category, source="rule", action=rule.action,  # type: ignore[arg-type]
                    rule_id=rule.rule_id, evidence=evidence,
                    message=f"{rule.category.replace('_', ' ')}: "
                            f"{rule.rule_id.split('.', 2)[2].replace('_', ' ')} "
                            f"({rule.rule_id.split('.')[1]}) {quoted}"))
        return reasons


class _FormCache:
    """Named list -> the token forms of its entries (stems expanded), computed once."""

    def __init__(self, policy: Policy, morphology: str) -> None:
        self.policy = policy
        self.morphology = morphology
        self.done: dict[str, frozenset[str]] = {}

    def __call__(self, name: str) -> frozenset[str]:
        if name not in self.done:
            entries = tuple(self.policy.words("@" + name))
            self.done[name] = frozenset(canonical(e) for e in expand(entries, self.morphology)
                                        if " " not in e)
        return self.done[name]

    def phrases(self, name: str) -> list[tuple[str, ...]]:
        """The list's multi-word entries, as the token forms that must follow one another
        ("ليس صحيحا", "doğru değil"): stems are not expanded inside a phrase."""
        return [tuple(canonical(w) for w in e.split())
                for e in self.policy.words("@" + name) if " " in e.strip()]


def _sentences(nt: NormalizedText) -> list[list[Token]]:
    """The comment's tokens, sentence by sentence, in order (as the phrase stream has them)."""
    stream = nt.stream
    out: list[list[Token]] = [[]]
    bars = [i for i, c in enumerate(stream) if c == "|"]
    bi = 0
    for s, _, tok in nt.stream_tokens:
        while bi < len(bars) and bars[bi] < s:
            out.append([])
            bi += 1
        out[-1].append(tok)
    return [t for t in out if t]


def _has_phrase(toks: list[Token], phrases: tuple[tuple[str, ...], ...]) -> bool:
    """Does the sentence hold one of the phrases, word after word?"""
    for i in range(len(toks)):
        for p in phrases:
            if i + len(p) <= len(toks) and all(
                    w in toks[i + k].forms() for k, w in enumerate(p)):
                return True
    return False


def _fire(rule: _Near, toks: list[Token], firsts: list[int], thens: list[int],
          negators: list[int]) -> tuple[int, int] | None:
    """The first pair close enough and not negated, as an original span; None if none."""
    for i in firsts:
        for j in thens:
            if i == j or (rule.ordered and j < i) or abs(i - j) > rule.within:
                continue
            a, b = (i, j) if i < j else (j, i)
            stop = b + 1 + rule.negation_after
            if any(a - _NEGATION_REACH <= k < stop for k in negators):
                continue
            return toks[a].start, toks[b].end
    return None


_NEGATION_REACH = 2  # words before the pair that still negate it ("I don't hate ...")
