"""Scorers: the ML half of a decision. ``load_scorer`` picks one by name.

- ``sklearn``: the shipped TF-IDF + linear model (default, offline; nothing to install).
- ``detoxify``: Detoxify checkpoints, online model types or a local file
  (``pip install '.[detoxify]'``).
- ``none``: no model, rules only.

The name comes from the argument, else ``MODERATION_SCORER``, else ``sklearn``.
"""

from __future__ import annotations

import os

from moderation.errors import ScorerUnavailable
from moderation.scorers.base import STANDARD_LABELS, NullScorer, Scorer

__all__ = ["STANDARD_LABELS", "NullScorer", "Scorer", "load_scorer"]


def load_scorer(name: str | None = None) -> Scorer:
    """Build the named scorer; raises ScorerUnavailable with a readable reason if it can't."""
    name = (name or os.environ.get("MODERATION_SCORER") or "sklearn").strip().lower()
    if name in ("none", "null", "rules"):
        return NullScorer()
    if name == "sklearn":
        from moderation.scorers.sklearn_scorer import SklearnScorer

        return SklearnScorer.load(os.environ.get("MODERATION_MODEL_PATH") or None)
    if name == "detoxify":
        from moderation.scorers.detoxify_scorer import DetoxifyScorer

        return DetoxifyScorer.from_env()
    raise ScorerUnavailable(f"unknown scorer {name!r} (choose sklearn, detoxify or none)")
