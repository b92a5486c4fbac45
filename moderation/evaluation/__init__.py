"""``moderation evaluate``: run the engine over a labelled CSV and measure what it decides.

One module per job: ``dataset`` reads the CSV (robustly: bad rows are counted, never fatal),
``runner`` feeds it through ``Engine.decide_batch``, ``metrics`` turns outcomes into figures,
``charts`` draws PNGs and ``report`` writes report.md. For issue 12: ``functional`` expands
the functional suite's templates (tests/functional/), ``functions`` computes its per-function
figures, ``shared_sets`` reads the shared labelled data sets for benchmarks/eval_all.py.
"""

from __future__ import annotations

from moderation.evaluation.dataset import (
    DEFAULT_NEGATIVE,
    DEFAULT_POSITIVE,
    ColumnMissing,
    LabelledRow,
    ReadResult,
    SkippedRow,
    UnknownLabels,
    read_labelled_csv,
)
from moderation.evaluation.metrics import Figures, Outcome, compute_figures
from moderation.evaluation.runner import EvaluationRun, run_evaluation

__all__ = [
    "DEFAULT_NEGATIVE",
    "DEFAULT_POSITIVE",
    "ColumnMissing",
    "EvaluationRun",
    "Figures",
    "LabelledRow",
    "Outcome",
    "ReadResult",
    "SkippedRow",
    "UnknownLabels",
    "compute_figures",
    "read_labelled_csv",
    "run_evaluation",
]
