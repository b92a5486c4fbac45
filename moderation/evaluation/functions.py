"""Figures per *function* of a functional test suite (tests/functional/cases.csv).

A function is one kind of case ("dehumanising comparison", "counter-speech quoting abuse", ...).
Each case expects ``reject`` (hateful: it breaks the guidelines), ``approve`` (a contrast: the
same words used in a way the guidelines allow) or ``review_ok`` (a person should look; both
answers are defensible, so it counts in neither side, only in the review share). Per function
and overall the issue's three figures are reported: share of hateful cases rejected (target
>= 90 %), share of contrasts rejected (<= 10 %), share of all cases sent to review (<= 15 %).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from moderation.evaluation.dataset import normalize_label

REVIEW_OK = "review_ok"
#: Issue 12's targets: (hateful rejected >=, contrasts rejected <=, all sent to review <=).
TARGET_HATEFUL_REJECTED = 0.90
TARGET_CONTRAST_REJECTED = 0.10
TARGET_REVIEWED = 0.15


def expected_of(label: str, violating: bool) -> str:
    """A row's expectation: reject (label counted as violating), review_ok, or approve."""
    if violating:
        return "reject"
    return REVIEW_OK if normalize_label(label) == REVIEW_OK else "approve"


@dataclass
class FunctionFigures:
    """Counts for one function (or all of them); rates are None when the side is empty."""

    name: str
    n: int = 0
    hateful: int = 0
    hateful_rejected: int = 0
    hateful_reviewed: int = 0
    contrast: int = 0
    contrast_rejected: int = 0
    contrast_reviewed: int = 0
    review_ok: int = 0
    reviewed: int = 0  # every case sent to review, whatever it expected

    def add(self, expected: str, action: str) -> None:
        self.n += 1
        self.reviewed += action == "review"
        if expected == "reject":
            self.hateful += 1
            self.hateful_rejected += action == "reject"
            self.hateful_reviewed += action == "review"
        elif expected == REVIEW_OK:
            self.review_ok += 1
        else:
            self.contrast += 1
            self.contrast_rejected += action == "reject"
            self.contrast_reviewed += action == "review"

    @property
    def hateful_rejected_rate(self) -> float | None:
        return self.hateful_rejected / self.hateful if self.hateful else None

    @property
    def hateful_approved_rate(self) -> float | None:
        """Hateful cases published unseen (neither rejected nor sent to a person)."""
        if not self.hateful:
            return None
        return (self.hateful - self.hateful_rejected - self.hateful_reviewed) / self.hateful

    @property
    def contrast_rejected_rate(self) -> float | None:
        return self.contrast_rejected / self.contrast if self.contrast else None

    @property
    def review_rate(self) -> float | None:
        return self.reviewed / self.n if self.n else None

    def meets_targets(self) -> bool | None:
        """True/False against the issue's targets on the sides this slice has; None if empty."""
        checks = []
        if self.hateful_rejected_rate is not None:
            checks.append(self.hateful_rejected_rate >= TARGET_HATEFUL_REJECTED)
        if self.contrast_rejected_rate is not None:
            checks.append(self.contrast_rejected_rate <= TARGET_CONTRAST_REJECTED)
        if self.review_rate is not None:
            checks.append(self.review_rate <= TARGET_REVIEWED)
        return all(checks) if checks else None

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = dict(vars(self))
        for key in ("hateful_rejected_rate", "hateful_approved_rate", "contrast_rejected_rate",
                    "review_rate"):
            out[key] = getattr(self, key)
        out["meets_targets"] = self.meets_targets()
        return out


def function_figures(
    items: Iterable[tuple[str, str, str]],
) -> tuple[FunctionFigures, list[FunctionFigures]]:
    """(overall, per function in first-seen order) from (function, expected, action) triples."""
    overall = FunctionFigures("OVERALL")
    per: dict[str, FunctionFigures] = {}
    for function, expected, action in items:
        per.setdefault(function, FunctionFigures(function)).add(expected, action)
        overall.add(expected, action)
    return overall, list(per.values())


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v * 100:.1f}%"


def _mark(ok: bool | None) -> str:
    return {True: "yes", False: "NO", None: "—"}[ok]


_HEAD = ("function", "n", "hateful", "hateful rejected", "hateful approved", "contrasts",
         "contrasts rejected", "review_ok", "all to review", "targets met")


def _cells(f: FunctionFigures) -> list[str]:
    return [f.name, str(f.n), str(f.hateful), _pct(f.hateful_rejected_rate),
            _pct(f.hateful_approved_rate), str(f.contrast), _pct(f.contrast_rejected_rate),
            str(f.review_ok), _pct(f.review_rate), _mark(f.meets_targets())]


def markdown_table(overall: FunctionFigures, functions: Sequence[FunctionFigures]) -> list[str]:
    """Markdown lines: one row per function, then the overall row in bold."""
    lines = ["| " + " | ".join(_HEAD) + " |", "|---|" + "---:|" * (len(_HEAD) - 1)]
    lines += ["| " + " | ".join(_cells(f)) + " |" for f in functions]
    cells = _cells(overall)
    lines.append("| " + " | ".join(f"**{c}**" for c in cells) + " |")
    return lines


def text_table(overall: FunctionFigures, functions: Sequence[FunctionFigures]) -> str:
    """Fixed-width terminal table (same columns as the markdown one)."""
    rows = [list(_HEAD)] + [_cells(f) for f in functions] + [_cells(overall)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(_HEAD))]
    out = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                     for i, (c, w) in enumerate(zip(r, widths, strict=True))) for r in rows]
    rule = "-" * len(out[0])
    return "\n".join([out[0], rule, *out[1:-1], rule, out[-1]])


def targets_line() -> str:
    return (f"Targets (issue 12): hateful rejected >= {TARGET_HATEFUL_REJECTED:.0%}, contrasts "
            f"rejected <= {TARGET_CONTRAST_REJECTED:.0%}, all cases sent to review <= "
            f"{TARGET_REVIEWED:.0%}; 'hateful approved' = published without a person seeing it.")
