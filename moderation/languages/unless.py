"""Covered-language patterns that name a group stop where the comment reports or condemns.

Near rules drop abuse in a sentence holding a word of their ``unless`` lists ("said", "racist",
"we condemn") and quoted abuse condemned anywhere in the comment. A pattern that names a group
("X are not human", "X must be burned") is the same abuse in a form a pair of words cannot
express, so it gets the same treatment here, after the phrase patterns have matched.

Word lists (insults, slurs, profanity) and the aimed-insult near rules have no ``unless``: their
words offend in any context. Quoted in a comment that condemns them ("he wrote «ابن الكلب»,
shameful"; a victim's «they called me "pis Suriyeli"») they are held for review instead of
rejected: counter-speech is read from words, not meaning (a comment can quote an insult and
carry a condemning word while still meaning it), so a person decides rather than the rule
approving.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from moderation.languages.near import _FormCache, _has_phrase, _sentences
from moderation.models import Reason
from moderation.normalize import NormalizedText, Token
from moderation.rules.targets import quoted_span

if TYPE_CHECKING:
    from moderation.policy import Policy


#: categories whose language word lists (and near rules without ``unless``: aimed insults,
#: "I will kill you") are abuse that can be quoted to condemn or report it; promotion is not
QUOTABLE = frozenset({"profanity", "vulgarity", "personal_attack", "racism", "sexism",
                      "homophobia", "xenophobia", "threat"})

_Stop = tuple[frozenset[str], tuple[tuple[str, ...], ...]]


class PatternUnless:
    """Rule id -> (word forms, phrases) of the lists that stop that language pattern; and
    ``quoted``: rule id of a word list or aimed-insult near rule -> the language's counter
    words (every ``unless`` list of its rules), which hold its quoted hits for review."""

    def __init__(self, policy: Policy, enabled: set[str] | frozenset[str]) -> None:
        self.rules: dict[str, _Stop] = {}
        self.quoted: dict[str, _Stop] = {}
        #: rule id -> the language's victim-report words ("they called me"): an unquoted hit
        #: in a sentence holding one is held for review too
        self.victim: dict[str, _Stop] = {}
        for code, lang in policy.doc.languages.covered.items():
            forms = _FormCache(policy, lang.morphology)
            victim = None if lang.victim is None else _stop_of(forms, [lang.victim])
            counter: set[str] = set()
            for lc in lang.categories.values():
                counter.update(u for r in (*lc.near, *lc.patterns) for u in r.unless)
            stop = _stop_of(forms, sorted(counter))
            for cname, lc in lang.categories.items():
                if cname not in enabled:
                    continue
                for p in lc.patterns:
                    if p.unless:
                        self.rules[f"{cname}.{code}.{p.id}"] = _stop_of(forms, p.unless)
                if cname in QUOTABLE and (counter or victim is not None):
                    ids = [f"{cname}.{code}.{r.id}" for r in lc.near if not r.unless]
                    if lc.words:
                        ids.append(f"{cname}.{code}.words")
                    for rule_id in ids:
                        self.quoted[rule_id] = stop
                        if victim is not None:
                            self.victim[rule_id] = victim

    def filter(self, reasons: list[Reason], nt: NormalizedText) -> list[Reason]:
        """The reasons, without the evidence of such patterns in reporting or condemning
        sentences; a reason left without evidence goes."""
        quoted = bool(self.quoted) and any(r.rule_id in self.quoted for r in reasons)
        patterns = bool(self.rules) and any(r.rule_id in self.rules for r in reasons)
        if not quoted and not patterns:
            return reasons
        toks_by_sentence = _sentences(nt)  # tokenized once for both steps
        if quoted:
            reasons = self._hold_quoted(reasons, nt, toks_by_sentence)
        if not patterns:
            return reasons
        sentences = [(toks[0].start, toks[-1].end, toks) for toks in toks_by_sentence]
        kept: list[Reason] = []
        for r in reasons:
            stop = self.rules.get(r.rule_id or "")
            if stop is None:
                kept.append(r)
                continue
            words, phrases = stop
            hit = [_stops(toks, words, phrases) for _, _, toks in sentences]
            evidence = []
            for e in r.evidence:
                inside = [k for k, (a, b, _) in enumerate(sentences) if a <= e.start < b + 1]
                if any(hit[k] for k in inside):
                    continue
                if any(hit) and quoted_span(nt.original, e.start, e.end):
                    continue
                evidence.append(e)
            if evidence:
                kept.append(r if len(evidence) == len(r.evidence)
                            else r.model_copy(update={"evidence": evidence}))
        return kept

    def _hold_quoted(self, reasons: list[Reason], nt: NormalizedText,
                     sentences: list[list[Token]]) -> list[Reason]:
        """Word-list and aimed-insult hits inside quotation marks, in a comment holding a
        counter word of their language, go to review; other hits of the same rule still
        reject, so quoting one insult does not cover another said outright."""
        out: list[Reason] = []
        for r in reasons:
            stop = self.quoted.get(r.rule_id or "")
            if stop is None or r.action != "reject":
                out.append(r)
                continue
            words, phrases = stop
            held = []
            if any(_stops(toks, words, phrases) for toks in sentences):
                held = [e for e in r.evidence if quoted_span(nt.original, e.start, e.end)]
            why = "quoted in a comment that reports or condemns it"
            victim = self.victim.get(r.rule_id or "")
            if victim is not None:
                reported = [e for e in r.evidence if e not in held
                            and _in_stopped_sentence(e.start, sentences, victim)]
                if reported:
                    why = ("reported by the person it was said to" if not held
                           else why + ", or reported by the person it was said to")
                    held += reported
            if not held:
                out.append(r)
                continue
            said = [e for e in r.evidence if e not in held]
            if said:
                out.append(r.model_copy(update={"evidence": said}))
            out.append(r.model_copy(update={
                "action": "review", "evidence": held,
                "message": (r.message + " " if r.message else "") + (
                    f"(held for review, not rejected: {why})")}))
        return out


def _stop_of(forms: _FormCache, names: list[str]) -> _Stop:
    """The word forms and phrases of the named lists, as one stop."""
    return (frozenset().union(*(forms(u) for u in names)),
            tuple(x for u in names for x in forms.phrases(u)))


def _in_stopped_sentence(start: int, sentences: list[list[Token]], stop: _Stop) -> bool:
    """Is the evidence starting at ``start`` in a sentence holding a word or phrase of
    ``stop``?"""
    for toks in sentences:
        if toks and toks[0].start <= start <= toks[-1].end:
            return _stops(toks, *stop)
    return False


def _stops(toks: list[Token], words: frozenset[str], phrases: tuple[tuple[str, ...], ...]) -> bool:
    return any(f in words for t in toks for f in t.forms()) or bool(
        phrases and _has_phrase(toks, phrases))
