"""Judging a comment sentence by sentence: each language's rules count only in the sentences
written in it, and a sentence in a language the policy does not cover is flagged (or held for
review, as the policy's ``languages.not_covered`` says) rather than silently approved.

Scoping keeps homographs apart: Turkish ``got`` in an English sentence, an Arabic list word that
is ordinary Persian or Sorani, a Kurmanji word inside a German sentence.
"""

from __future__ import annotations

from collections.abc import Iterable

from moderation.languages.detect import UNDETERMINED, Detection
from moderation.models import Evidence, Reason

NOT_COVERED_RULE = "language.not_covered"


def rule_language(rule_id: str | None, covered: Iterable[str]) -> str | None:
    """The policy language a rule belongs to (``profanity.tr.words`` -> ``tr``), or None."""
    if not rule_id or rule_id.count(".") < 2:
        return None
    lang = rule_id.split(".", 2)[1]
    return lang if lang in covered else None


def scope(reasons: list[Reason], detection: Detection, covered: frozenset[str]) -> list[Reason]:
    """Drop a language's evidence from sentences where that language has no evidence while
    another one has; a reason left without evidence goes."""
    if not reasons:
        return reasons
    kept: list[Reason] = []
    for r in reasons:
        lang = rule_language(r.rule_id, covered)
        if lang is None or not r.evidence:
            kept.append(r)
            continue
        evidence = [e for e in r.evidence if _fits(e, lang, detection)]
        if evidence:
            kept.append(r if len(evidence) == len(r.evidence)
                        else r.model_copy(update={"evidence": evidence}))
    return kept


def _fits(e: Evidence, lang: str, detection: Detection) -> bool:
    sentence = detection.sentence_at(e.start)
    if sentence is None or not sentence.candidates:
        return True  # nothing known about the sentence: the list word is the evidence
    return lang in sentence.candidates


def not_covered(detection: Detection, covered: frozenset[str], action: str,
                text: str) -> Reason | None:
    """One reason naming the languages seen that the rules do not cover, or None."""
    missing: dict[str, list[Evidence]] = {}
    for s in detection.sentences:
        if s.language != UNDETERMINED and s.language not in covered:
            missing.setdefault(s.language, []).append(
                Evidence(start=s.start, end=s.end, text=text[s.start:s.end], term=s.language))
    if not missing:
        return None
    names = ", ".join(missing)
    return Reason(category="language", source="rule", action=action,  # type: ignore[arg-type]
                  rule_id=NOT_COVERED_RULE,
                  evidence=[e for ev in missing.values() for e in ev][:5],
                  message=f"language not covered by the rules: {names} (the engine cannot "
                          "judge it; a model score, if any, still applies)")
