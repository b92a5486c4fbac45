"""Covered-language patterns that name a group stop where the comment reports or condemns.

Near rules drop abuse in a sentence holding a word of their ``unless`` lists ("said", "racist",
"we condemn") and quoted abuse condemned anywhere in the comment. A pattern that names a group
("X are not human", "X must be burned") is the same abuse in a form a pair of words cannot
express, so it gets the same treatment here, after the phrase patterns have matched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from moderation.languages.near import _FormCache, _has_phrase, _sentences
from moderation.models import Reason
from moderation.normalize import NormalizedText, Token
from moderation.rules.targets import quoted_span

if TYPE_CHECKING:
    from moderation.policy import Policy


class PatternUnless:
    """Rule id -> (word forms, phrases) of the lists that stop that language pattern."""

    def __init__(self, policy: Policy, enabled: set[str] | frozenset[str]) -> None:
        self.rules: dict[str, tuple[frozenset[str], tuple[tuple[str, ...], ...]]] = {}
        for code, lang in policy.doc.languages.covered.items():
            forms = _FormCache(policy, lang.morphology)
            for cname, lc in lang.categories.items():
                if cname not in enabled:
                    continue
                for p in lc.patterns:
                    if p.unless:
                        self.rules[f"{cname}.{code}.{p.id}"] = (
                            frozenset().union(*(forms(u) for u in p.unless)),
                            tuple(x for u in p.unless for x in forms.phrases(u)))

    def filter(self, reasons: list[Reason], nt: NormalizedText) -> list[Reason]:
        """The reasons, without the evidence of such patterns in reporting or condemning
        sentences; a reason left without evidence goes."""
        if not self.rules or not any(r.rule_id in self.rules for r in reasons):
            return reasons
        sentences = [(toks[0].start, toks[-1].end, toks) for toks in _sentences(nt)]
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


def _stops(toks: list[Token], words: frozenset[str], phrases: tuple[tuple[str, ...], ...]) -> bool:
    return any(f in words for t in toks for f in t.forms()) or bool(
        phrases and _has_phrase(toks, phrases))
