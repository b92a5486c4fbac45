"""PNG charts for report.md (matplotlib, Agg backend: no display needed on a server)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from moderation.evaluation.metrics import ACTIONS, Figures  # noqa: E402

_CLASSES = ("clean", "violating")


def save_figure(fig: plt.Figure, path: Path, dpi: int = 100) -> Path:
    """Lay out, write as PNG and free a finished figure (pyplot keeps figures until closed)."""
    fig.tight_layout()
    fig.savefig(path, dpi=dpi)
    plt.close(fig)
    return path


def confusion_chart(overall: Figures, path: Path) -> Path:
    """Label x action counts, each cell also as a share of its row."""
    m = np.array([[overall.confusion[c][a] for a in ACTIONS] for c in _CLASSES], dtype=float)
    share = m / np.maximum(m.sum(axis=1, keepdims=True), 1)
    fig, ax = plt.subplots(figsize=(5.5, 3.2))
    ax.imshow(share, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(ACTIONS)), ACTIONS)
    ax.set_yticks(range(len(_CLASSES)), [f"{c}\n(n={int(m[i].sum())})"
                                         for i, c in enumerate(_CLASSES)])
    ax.set_xlabel("engine decision")
    ax.set_ylabel("label")
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            ax.text(j, i, f"{int(m[i, j])}\n{share[i, j]:.1%}", ha="center", va="center",
                    color="white" if share[i, j] > 0.6 else "black", fontsize=9)
    ax.set_title("Confusion matrix (row shares)")
    return save_figure(fig, path, dpi=110)


def score_chart(
    scores: Sequence[Mapping[str, float]],
    violating: Sequence[bool],
    path: Path,
    thresholds: Mapping[str, Sequence[tuple[str, float | None, float | None]]] | None = None,
) -> Path | None:
    """One histogram per model label, clean vs violating as shares of their class; the policy's
    review/reject thresholds for that label are drawn as dashed/solid lines. None if no scores."""
    labels = sorted({k for s in scores for k in s})
    if not labels:
        return None
    cols = min(3, len(labels))
    rows = (len(labels) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 2.9 * rows), squeeze=False)
    y = np.array(violating, dtype=bool)
    bins = np.linspace(0, 1, 41)
    for ax, lab in zip(axes.flat, labels, strict=False):
        v = np.array([s.get(lab, np.nan) for s in scores], dtype=float)
        for cls, mask, color in (("clean", ~y, "tab:blue"), ("violating", y, "tab:red")):
            vals = v[mask & ~np.isnan(v)]
            if len(vals):
                ax.hist(vals, bins=bins, weights=np.full(len(vals), 1 / len(vals)),
                        alpha=0.55, color=color, label=f"{cls} (n={len(vals)})")
        for _cat, review_at, reject_at in (thresholds or {}).get(lab, ()):
            if review_at is not None:
                ax.axvline(review_at, color="orange", ls="--", lw=1)
            if reject_at is not None:
                ax.axvline(reject_at, color="black", ls="-", lw=1)
        ax.set_yscale("log")
        ax.set_title(lab, fontsize=10)
        ax.set_xlabel("score")
        ax.set_ylabel("share of class")
        ax.legend(fontsize=7)
    for ax in list(axes.flat)[len(labels):]:
        ax.axis("off")
    fig.suptitle("Model scores by label (dashed: review_at, solid: reject_at)", fontsize=10)
    return save_figure(fig, path)


def category_chart(categories: Sequence[Figures], path: Path, title: str) -> Path | None:
    """Grouped bars per category: precision, recall, reject-or-review recall, FPR, clean review."""
    if not categories:
        return None
    metrics = (("precision", "precision"), ("recall", "recall"),
               ("reject_or_review_recall", "reject-or-review recall"),
               ("fpr", "FPR (clean rejected)"), ("review_rate_clean", "clean reviewed"))
    x = np.arange(len(categories))
    width = 0.8 / len(metrics)
    fig, ax = plt.subplots(figsize=(max(6.0, 1.1 * len(categories) + 2), 3.8))
    for k, (attr, name) in enumerate(metrics):
        vals = [getattr(f, attr) for f in categories]
        ax.bar(x + (k - (len(metrics) - 1) / 2) * width,
               [0 if v is None else v for v in vals], width, label=name)
    ax.set_xticks(x, [f.name for f in categories], rotation=30, ha="right", fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("share")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=7, ncols=3, loc="upper center", bbox_to_anchor=(0.5, -0.35))
    return save_figure(fig, path)
