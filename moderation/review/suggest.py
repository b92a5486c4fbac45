"""Which reject reason the review page preselects, so the default never misleads.

A rule names its guideline: a comment caught by the threat patterns is preselected as a threat.
A model flag is different: the catch-all categories (those whose only model label is generic,
such as ``toxicity``) name no guideline, and preselecting them files a xenophobic comment under
"toxicity". For a model-only flag the suggestion is the category whose specific labels (insult,
identity_attack, threat, obscene, spam...) come closest to their review threshold, if one gets at
least halfway there; otherwise there is no default and the moderator picks.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from moderation.review.views import ReasonCode

#: Model labels that say "hostile" without saying which guideline is broken.
GENERIC_LABELS = frozenset({"toxicity"})
#: A specific label must reach this share of its category's review threshold to be suggested.
MIN_SHARE = 0.5


def suggested_reason(reasons: Iterable[dict[str, Any]], scores: dict[str, Any] | None,
                     codes: list[ReasonCode]) -> str | None:
    """The reason code to preselect for rejecting (None: let the moderator choose)."""
    allowed = {c.code for c in codes}
    reasons = [r for r in reasons if r.get("action") in ("reject", "review")]
    for r in reasons:  # a rule's category is the guideline it matched
        if r.get("source") == "rule" and (r.get("category") in allowed or not allowed):
            return str(r["category"])
    generic = {c.code for c in codes if c.labels and set(c.labels) <= GENERIC_LABELS}
    best, best_share = None, 0.0
    for c in codes:
        specific = [lb for lb in c.labels if lb not in GENERIC_LABELS]
        if not specific or c.code in generic:
            continue
        score = max(_num(scores, lb) for lb in specific)
        share = score / c.review_at if c.review_at else score
        if share > best_share:
            best, best_share = c.code, share
    if best is not None and best_share >= MIN_SHARE:
        return best
    for r in reasons:  # a model flag in a specific category with no scores recorded
        if r.get("category") in allowed and r.get("category") not in generic:
            return str(r["category"])
    return None


def _num(scores: dict[str, Any] | None, label: str) -> float:
    value = (scores or {}).get(label)
    return float(value) if isinstance(value, int | float) else 0.0
