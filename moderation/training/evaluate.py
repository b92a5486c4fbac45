"""Held-out metrics, clean-news thresholds and cross-data-set checks for the trained model.

Thresholds come from out-of-fold scores of clean news comments in the TRAINING split; the
held-out split and the evaluation-only sets then measure what those thresholds do.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score

NEWS_SOURCES = ("civil-comments-autolabel-sample", "toxic-spans-civil-comments")


def auc_ap(y: Sequence[int], p: Sequence[float]) -> dict[str, float | int]:
    y = np.asarray(y)
    out: dict[str, float | int] = {"n": int(len(y)), "pos": int(y.sum())}
    if 0 < y.sum() < len(y):
        out["roc_auc"] = float(roc_auc_score(y, p))
        out["avg_precision"] = float(average_precision_score(y, p))
    return out


def union_rate(scores: np.ndarray, thresholds: np.ndarray) -> float:
    """Share of rows where ANY label reaches its threshold."""
    if len(scores) == 0:
        return 0.0
    return float((scores >= thresholds).any(axis=1).mean())


def union_thresholds(clean: np.ndarray, target: float, floor: float) -> np.ndarray:
    """Per-label thresholds at a common quantile so that at most ``target`` of the clean rows
    reach any label's threshold (binary search on the per-label tail share)."""
    lo, hi = 0.0, target
    best = np.maximum(np.quantile(clean, 1.0, axis=0), floor)
    for _ in range(40):
        q = (lo + hi) / 2
        th = np.maximum(np.quantile(clean, 1.0 - q, axis=0) + 1e-6, floor)
        if union_rate(clean, th) <= target:
            best, lo = th, q
        else:
            hi = q
    return np.minimum(best, 0.999)


def rates(scores: np.ndarray, th: np.ndarray) -> dict[str, float]:
    return {"share": union_rate(scores, th), "n": int(len(scores))}


def recall_at(p: np.ndarray, y: np.ndarray, th: float) -> float | None:
    pos = y == 1
    return float((p[pos] >= th).mean()) if pos.any() else None
