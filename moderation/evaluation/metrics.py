"""Figures for the reject decision: precision, recall, F1, false-positive rate, review rates.

"Violating" is the CSV label (a moderator would reject it); the engine's ``reject`` is the
prediction. ``review`` is neither: it is reported separately, as the share of clean and of
violating comments sent to a person, and ``reject-or-review recall`` counts a violating comment
as caught if it did not get through unseen.

Per-category figures come in two kinds (the report says which one it shows):
- ``label``: the CSV has a category column; rows are grouped by it and every figure is computed
  within the group (a group with no clean rows has no false-positive rate).
- ``engine``: no category column; for each category the engine cited, a comment counts as
  rejected (or reviewed) *for that category* when a reason of that category carries the action,
  measured against the overall label. Recall is then the share of all violating comments that
  this category's reasons rejected, so per-category recalls add up to more than the overall one
  when reasons overlap.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Literal

ACTIONS: tuple[str, ...] = ("approve", "review", "reject")


@dataclass(frozen=True)
class Outcome:
    """One judged row: the label, the engine's action and the categories behind it."""

    violating: bool
    action: str
    reject_categories: frozenset[str] = frozenset()
    review_categories: frozenset[str] = frozenset()
    label_category: str | None = None


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


@dataclass
class Figures:
    """Counts and rates for one slice (overall or one category)."""

    name: str
    n: int = 0
    n_violating: int = 0
    n_clean: int = 0
    tp: int = 0  # violating, rejected
    fp: int = 0  # clean, rejected
    fn: int = 0  # violating, not rejected
    clean_review: int = 0
    violating_review: int = 0
    confusion: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def precision(self) -> float | None:
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float | None:
        return _ratio(self.tp, self.n_violating)

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None or p + r == 0:
            return None if p is None or r is None else 0.0
        return 2 * p * r / (p + r)

    @property
    def fpr(self) -> float | None:
        """Share of clean comments rejected."""
        return _ratio(self.fp, self.n_clean)

    @property
    def review_rate_clean(self) -> float | None:
        return _ratio(self.clean_review, self.n_clean)

    @property
    def review_rate_violating(self) -> float | None:
        return _ratio(self.violating_review, self.n_violating)

    @property
    def reject_or_review_recall(self) -> float | None:
        return _ratio(self.tp + self.violating_review, self.n_violating)

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = asdict(self)
        for key in ("precision", "recall", "f1", "fpr", "review_rate_clean",
                    "review_rate_violating", "reject_or_review_recall"):
            out[key] = getattr(self, key)
        return out


def overall_figures(outcomes: Iterable[Outcome], name: str = "overall") -> Figures:
    f = Figures(name, confusion={lab: dict.fromkeys(ACTIONS, 0)
                                 for lab in ("violating", "clean")})
    for o in outcomes:
        f.n += 1
        f.confusion["violating" if o.violating else "clean"][o.action] += 1
        if o.violating:
            f.n_violating += 1
            if o.action == "reject":
                f.tp += 1
            else:
                f.fn += 1
                f.violating_review += o.action == "review"
        else:
            f.n_clean += 1
            f.fp += o.action == "reject"
            f.clean_review += o.action == "review"
    return f


def _engine_category(outcomes: Sequence[Outcome], cat: str) -> Figures:
    f = Figures(cat)
    for o in outcomes:
        f.n += 1
        rejected = o.action == "reject" and cat in o.reject_categories
        reviewed = o.action == "review" and cat in o.review_categories
        if o.violating:
            f.n_violating += 1
            f.tp += rejected
            f.fn += not rejected
            f.violating_review += reviewed
        else:
            f.n_clean += 1
            f.fp += rejected
            f.clean_review += reviewed
    return f


CategoryMode = Literal["label", "engine"]


def category_figures(outcomes: Sequence[Outcome], mode: CategoryMode) -> list[Figures]:
    """Per-category figures, sorted by name (see the module docstring for the two modes)."""
    if mode == "label":
        groups: dict[str, list[Outcome]] = {}
        for o in outcomes:
            groups.setdefault(o.label_category or "(none)", []).append(o)
        return [overall_figures(rows, name) for name, rows in sorted(groups.items())]
    cats = sorted({c for o in outcomes for c in o.reject_categories | o.review_categories})
    return [_engine_category(outcomes, c) for c in cats]


def compute_figures(
    outcomes: Sequence[Outcome], mode: CategoryMode | None = None
) -> tuple[Figures, list[Figures], CategoryMode]:
    """(overall, per-category, mode); mode defaults to ``label`` if any row has a category."""
    if mode is None:
        mode = "label" if any(o.label_category for o in outcomes) else "engine"
    return overall_figures(outcomes), category_figures(outcomes, mode), mode


def fmt(value: float | None, pct: bool = True) -> str:
    """0.1234 -> '12.3%' (or '0.123'); None -> 'n/a'."""
    if value is None:
        return "n/a"
    return f"{value * 100:.1f}%" if pct else f"{value:.3f}"
