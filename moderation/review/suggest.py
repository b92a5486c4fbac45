"""Which reject reason the review page preselects, so the default never misleads.

The reason a moderator gives is sent to the CMS and exported as a training label, so a wrong
default costs more than a click. A rule names its guideline: a comment caught by the threat
patterns is preselected as a threat. A model flag is weaker: the catch-all categories (whose only
model label is generic, such as ``toxicity``) name no guideline, and preselecting them filed a
xenophobic comment under "toxicity". So for model-only flags:

* one specific category flagged by the model (personal_attack from ``insult``, abuse from
  ``identity_attack``...) -> that category, unless another specific category's labels are within
  reach of their threshold too ("insult" flagged on "these immigrants are idiots" with
  ``identity_attack`` at 0.45 is abuse of a group as much as a personal attack) -> no default;
* several -> no default (the model cannot tell an insult to a person from abuse of a group);
* only a catch-all flag -> the one specific category whose labels come within reach of their
  review threshold (three quarters of it: ``identity_attack`` at 0.4 on a "toxicity" flag ->
  abuse), else no default. Half was tried: "Send them all back, this country is full of them"
  (toxicity 0.97, threat 0.30) then preselected "threat" for a xenophobic comment.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from moderation.review.views import ReasonCode

#: Model labels that say "hostile" without saying which guideline is broken.
GENERIC_LABELS = frozenset({"toxicity"})
#: A specific label must reach this share of its category's review threshold to be suggested.
MIN_SHARE = 0.75


def suggested_reason(reasons: Iterable[dict[str, Any]], scores: dict[str, Any] | None,
                     codes: list[ReasonCode]) -> str | None:
    """The reason code to preselect for rejecting (None: let the moderator choose)."""
    allowed = {c.code for c in codes}
    reasons = [r for r in reasons if r.get("action") in ("reject", "review")]
    for r in reasons:  # a rule's category is the guideline it matched
        if r.get("source") == "rule" and (r.get("category") in allowed or not allowed):
            return str(r["category"])
    generic = {c.code for c in codes if c.labels and set(c.labels) <= GENERIC_LABELS}
    flagged = {str(r.get("category")) for r in reasons
               if r.get("category") in allowed and r.get("category") not in generic}
    leaning = _leaning(scores, codes, generic)
    if flagged:
        if len(flagged) > 1 or leaning - flagged:
            return None
        return flagged.pop()
    return leaning.pop() if len(leaning) == 1 else None


def _leaning(scores: dict[str, Any] | None, codes: list[ReasonCode],
             generic: set[str]) -> set[str]:
    """Specific categories whose model labels come within reach of their review threshold."""
    leaning = set()
    for c in codes:
        specific = [lb for lb in c.labels if lb not in GENERIC_LABELS]
        if not specific or c.code in generic:
            continue
        score = max(_num(scores, lb) for lb in specific)
        if score >= MIN_SHARE * (c.review_at if c.review_at is not None else 1.0):
            leaning.add(c.code)
    return leaning


def _num(scores: dict[str, Any] | None, label: str) -> float:
    value = (scores or {}).get(label)
    return float(value) if isinstance(value, int | float) else 0.0
