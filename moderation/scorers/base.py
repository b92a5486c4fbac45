"""The Scorer protocol: anything that turns texts into per-label probabilities.

Small on purpose (like scikit-learn's ``predict_proba``): the engine only needs ``score`` on a
batch, the labels it can produce and an identifier recorded in each decision.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from moderation.models import STANDARD_LABELS, Evidence

__all__ = ["STANDARD_LABELS", "Explainer", "NullScorer", "Scorer"]



@runtime_checkable
class Scorer(Protocol):
    """Per-label probabilities in [0, 1] for each text, in input order."""

    name: str  # e.g. "sklearn:tfidf-lr@<sha256[:12]>", recorded in every decision
    labels: tuple[str, ...]

    def score(self, texts: Sequence[str]) -> list[dict[str, float]]: ...


@runtime_checkable
class Explainer(Protocol):
    """A scorer that can say which words of a text pushed a label's score up (optional)."""

    def explain(self, text: str, labels: Sequence[str], top: int = 3) -> dict[str, list[Evidence]]:
        ...


class NullScorer:
    """Scores nothing: for rule-only policies and for tests that must not depend on a model."""

    name = "null"
    labels: tuple[str, ...] = ()

    def score(self, texts: Sequence[str]) -> list[dict[str, float]]:
        return [{} for _ in texts]
