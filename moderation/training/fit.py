"""Fit one logistic head per label on shared features, with out-of-fold Platt calibration.

Each head is trained only on the rows whose data set says something about its label. The
out-of-fold decision values calibrate the head (a 1-D logistic fit, folded into the weights so
scoring stays one matrix product) and are kept for choosing thresholds on clean news comments
without touching the held-out test split.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from moderation.training.datasets import Example

#: Per-source sample weights. Clean news comments are scarce and decisive (docs/model-notes.md,
#: findings 3 and 4): up-weighted so "sounds like a news comment" stops meaning "toxic" (Fox
#: News comments too; Arabic news-post comments a little). Davidson's 25k tweets would otherwise
#: dominate the toxicity head; HateXplain's lower-case, punctuation-free texts look unlike raw
#: comments.
SOURCE_WEIGHTS: dict[str, float] = {
    "civil-comments-autolabel-sample": 3.0,
    "extra": 3.0,
    "fox-news-comments": 3.0,
    "arabic-multiplatform-comments": 2.0,
    "davidson-hate-offensive": 0.5,
    "hatexplain": 0.5,
}


@dataclass
class FitConfig:
    C: float = 4.0
    folds: int = 3
    max_iter: int = 1000
    min_positives: int = 5
    source_weights: dict[str, float] = field(default_factory=lambda: dict(SOURCE_WEIGHTS))


@dataclass
class Head:
    label: str
    weights: np.ndarray  # calibrated, float32 (n_features,)
    bias: float
    n_rows: int
    n_pos: int
    oof_index: np.ndarray  # training-row indices that have an out-of-fold score
    oof_prob: np.ndarray  # calibrated out-of-fold probability for those rows


def _lr(cfg: FitConfig, seed: int) -> LogisticRegression:
    return LogisticRegression(
        C=cfg.C, solver="liblinear", max_iter=cfg.max_iter, random_state=seed
    )


def _platt(decision: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    """Slope and intercept mapping raw decision values to calibrated log-odds."""
    cal = LogisticRegression(C=1e4, solver="lbfgs", max_iter=1000)
    cal.fit(decision.reshape(-1, 1), y, sample_weight=w)
    return float(cal.coef_[0, 0]), float(cal.intercept_[0])


def fit_head(
    x: sp.csr_matrix,
    examples: Sequence[Example],
    label: str,
    cfg: FitConfig,
    seed: int,
) -> Head | None:
    """Fit and calibrate the head for ``label``; None if the data hold too few positives."""
    rows = np.array([i for i, e in enumerate(examples) if label in e.labels], dtype=np.int64)
    y = np.array([examples[i].labels[label] for i in rows], dtype=np.int64)
    n_pos = int(y.sum())
    if n_pos < cfg.min_positives or len(y) - n_pos < cfg.min_positives:
        return None
    src_w = np.array(
        [cfg.source_weights.get(examples[i].source, 1.0) for i in rows], dtype=np.float64
    )
    # balance classes within the weighted data: ranking matters, calibration comes after
    pos_mass, neg_mass = src_w[y == 1].sum(), src_w[y == 0].sum()
    w = src_w * np.where(y == 1, 0.5 * (pos_mass + neg_mass) / pos_mass,
                         0.5 * (pos_mass + neg_mass) / neg_mass)
    xl = x[rows]
    folds = min(cfg.folds, n_pos, len(y) - n_pos)
    oof = np.zeros(len(y))
    for tr, te in StratifiedKFold(folds, shuffle=True, random_state=seed).split(rows, y):
        m = _lr(cfg, seed).fit(xl[tr], y[tr], sample_weight=w[tr])
        oof[te] = m.decision_function(xl[te])
    a, c = _platt(oof, y, src_w)
    model = _lr(cfg, seed).fit(xl, y, sample_weight=w)
    weights = (model.coef_[0] * a).astype(np.float32)
    bias = float(model.intercept_[0] * a + c)
    oof_prob = 1.0 / (1.0 + np.exp(-(a * oof + c)))
    return Head(label, weights, bias, len(y), n_pos, rows, oof_prob)


def fit_heads(
    x: sp.csr_matrix,
    examples: Sequence[Example],
    labels: Sequence[str],
    cfg: FitConfig,
    seed: int,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Head]:
    heads = {}
    for label in labels:
        head = fit_head(x, examples, label, cfg, seed)
        if head is not None:
            heads[label] = head
        if progress:
            progress(label)
    return heads
