"""Held-out figures that decide what ships: news comments and languages at the policy's thresholds.

Used by ``moderation train`` (model card) and by ``benchmarks/train_ablation.py`` (what each data
set adds). "Clean" is a row its set calls clean of every kind of abuse it labels (toxicity 0);
"violating" is toxicity 1. The operating point applies the policy's model thresholds the way the
engine does (a category fires when its highest label reaches ``review_at`` / ``reject_at``), so
it is the model's share of the engine's decisions, without the rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from moderation.training import datasets as ds
from moderation.training import evaluate as ev

#: Held-out groups reported everywhere: (name, sources, what it stands for).
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("civil news (en)", ("civil-comments-autolabel-sample",)),
    ("fox news (en)", ("fox-news-comments",)),
    ("arabic", ("arabic-multiplatform-comments", "arabic-mlma", "arabic-offenseval2020")),
    ("arabic news-post comments", ("arabic-multiplatform-comments",)),
    ("turkish", ("turkish-offenseval2020",)),
)


def policy_label_thresholds(
    labels: Sequence[str], policy_path: Path | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Per-label (review_at, reject_at) the engine effectively applies: the lowest over the
    enabled, non-flag categories that read the label (inf where none does)."""
    from moderation.policy import load_policy

    if policy_path is None:
        policy_path = Path(__file__).resolve().parents[2] / "policies" / "default.yaml"
    policy = load_policy(policy_path)
    review = np.full(len(labels), np.inf)
    reject = np.full(len(labels), np.inf)
    for cat in policy.categories.values():
        if not cat.enabled or cat.model is None or cat.action == "flag":
            continue
        for lab in cat.model.labels:
            if lab not in labels:
                continue
            j = list(labels).index(lab)
            if cat.model.review_at is not None:
                review[j] = min(review[j], cat.model.review_at)
            if cat.model.reject_at is not None:
                reject[j] = min(reject[j], cat.model.reject_at)
                review[j] = min(review[j], cat.model.reject_at)
    return review, reject


def operating_point(
    p: np.ndarray, y: np.ndarray, review: np.ndarray, reject: np.ndarray
) -> dict[str, Any]:
    """Clean rows rejected / sent to review, violating rows rejected / caught (either)."""
    rej = (p >= reject).any(axis=1)
    rev = (p >= review).any(axis=1) & ~rej
    clean, viol = y == 0, y == 1
    out: dict[str, Any] = {"n_clean": int(clean.sum()), "n_violating": int(viol.sum())}
    if clean.any():
        out["clean_rejected"] = float(rej[clean].mean())
        out["clean_reviewed"] = float(rev[clean].mean())
    if viol.any():
        out["violating_rejected"] = float(rej[viol].mean())
        out["violating_caught"] = float((rej | rev)[viol].mean())
    if rej.any():
        out["reject_precision"] = float(viol[rej].mean())
    return out


def group_report(
    test: Sequence[ds.Example],
    p: np.ndarray,
    labels: Sequence[str],
    review: np.ndarray,
    reject: np.ndarray,
) -> dict[str, Any]:
    """Toxicity ROC AUC / AP and the operating point for every held-out group in GROUPS."""
    j = list(labels).index("toxicity")
    out: dict[str, Any] = {}
    for name, sources in GROUPS:
        idx = [i for i, e in enumerate(test) if e.source in sources and "toxicity" in e.labels]
        if not idx:
            continue
        y = np.array([test[i].labels["toxicity"] for i in idx])
        res = ev.auc_ap(y, p[idx, j])
        res.update(operating_point(p[idx], y, review, reject))
        out[name] = res
    return out


def sfu_report(
    rows: Sequence[ds.Example], p: np.ndarray, labels: Sequence[str],
    review: np.ndarray, reject: np.ndarray,
) -> dict[str, Any]:
    """SFU (evaluation only): violating = toxicity level 3-4, clean = level 1."""
    lv = np.array([int(e.meta["level"]) for e in rows])
    j = list(labels).index("toxicity")
    res = ev.auc_ap((lv >= 3).astype(int), p[:, j])
    keep = (lv >= 3) | (lv == 1)
    res.update(operating_point(p[keep], (lv[keep] >= 3).astype(int), review, reject))
    return res
