"""Default scorer: hashed n-gram TF-IDF features and one calibrated logistic head per label.

Trained with scikit-learn (``moderation train``), but scoring needs only numpy/scipy: features
are computed ONCE per batch and every label head is applied as one sparse x dense matrix product
followed by a sigmoid (the Platt calibration is folded into the weights at training time).

Environment:
    MODERATION_MODEL_PATH  directory holding model.npz (or the file itself);
                           default: the model shipped in moderation/data/model/.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from moderation.models import Evidence
from moderation.scorers import artifact
from moderation.scorers.artifact import ModelLoadError
from moderation.scorers.attribution import word_contributions
from moderation.scorers.featurize import FeatureConfig, HashedTfidf
from moderation.scorers.text_prep import PREP_VERSION, prepare

DEFAULT_MODEL_DIR = Path(__file__).resolve().parent.parent / "data" / "model"

__all__ = ["SklearnScorer", "ModelLoadError", "DEFAULT_MODEL_DIR"]


def _resolve(path: str | Path | None) -> Path:
    if path is None:
        path = os.environ.get("MODERATION_MODEL_PATH") or DEFAULT_MODEL_DIR
    path = Path(path)
    return path / artifact.ARTIFACT_NAME if path.is_dir() else path


def _major_minor(version: str) -> tuple[str, ...]:
    return tuple(version.split(".")[:2])


class SklearnScorer:
    """Per-label probabilities from the shipped linear model (see MODEL_CARD.md)."""

    def __init__(
        self,
        features: HashedTfidf,
        weights: np.ndarray,
        bias: np.ndarray,
        labels: Sequence[str],
        name: str,
        meta: dict | None = None,
    ) -> None:
        self.features = features
        self.weights = np.ascontiguousarray(weights, dtype=np.float32)
        self.bias = np.asarray(bias, dtype=np.float32)
        self.labels: tuple[str, ...] = tuple(labels)
        self.name = name
        self.meta = meta or {}

    @classmethod
    def load(cls, path: str | Path | None = None) -> SklearnScorer:
        """Load model.npz from ``path`` / MODERATION_MODEL_PATH / the shipped model directory."""
        file = _resolve(path)
        arrays, meta, sha = artifact.load(file)
        try:
            cfg = FeatureConfig(**meta["features"])
            features = HashedTfidf(cfg, arrays["kept"], arrays["idf"])
            weights = arrays["weights_q"].astype(np.float32) * arrays["weights_scale"]
            bias = arrays["bias"]
            labels = meta["labels"]
            if weights.shape != (features.n_features, len(labels)) or bias.shape != (len(labels),):
                raise ValueError(f"weights {weights.shape} do not match {len(labels)} labels")
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise ModelLoadError(
                f"model artifact {file} is incomplete or inconsistent ({exc}). "
                "Rebuild it with `moderation train`."
            ) from None
        if meta.get("prep_version") != PREP_VERSION:
            raise ModelLoadError(
                f"model artifact {file} was trained with text preparation v"
                f"{meta.get('prep_version')}, this package prepares text as v{PREP_VERSION}: "
                "scores would be wrong. Rebuild it with `moderation train`."
            )
        _warn_on_version_mismatch(file, meta)
        name = f"sklearn:{meta.get('model_id', 'unknown')}@{sha[:12]}"
        return cls(features, weights, bias, labels, name, meta)

    def logits(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated log-odds, shape (len(texts), len(labels))."""
        prepared = [prepare(t) for t in texts]
        x = self.features.transform(prepared)
        return np.asarray(x @ self.weights) + self.bias

    def score(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """Probabilities in [0, 1] per label, in input order; batch for speed."""
        if len(texts) == 0:
            return []
        z = np.clip(self.logits(texts), -40.0, 40.0)
        p = 1.0 / (1.0 + np.exp(-z))
        labels = self.labels
        return [dict(zip(labels, map(float, row), strict=True)) for row in p.tolist()]

    def explain(self, text: str, labels: Sequence[str], top: int = 3) -> dict[str, list[Evidence]]:
        """label -> the words of ``text`` that pushed its score up most, as evidence spans of
        the text as submitted (``term`` says how much: the word's share of the log-odds)."""
        cols = {lb: self.labels.index(lb) for lb in dict.fromkeys(labels) if lb in self.labels}
        if not cols:
            return {}
        which = list(cols.values())
        found = word_contributions(text, prepare(text), self.features, self.weights, which,
                                   lambda texts: self.logits(texts)[:, which], top)
        return {lb: [Evidence(start=c.start, end=c.end, text=c.text, term=f"{lb} +{c.push:.2f}")
                     for c in spans] for lb, spans in zip(cols, found, strict=True)}


def _warn_on_version_mismatch(file: Path, meta: dict) -> None:
    """Weights are plain arrays, but a different scikit-learn may have trained them differently."""
    import numpy

    try:
        import sklearn

        current = {"scikit-learn": sklearn.__version__, "numpy": numpy.__version__}
    except ImportError:  # scoring does not need scikit-learn
        current = {"numpy": numpy.__version__}
    trained = meta.get("versions", {})
    for lib, version in current.items():
        old = trained.get(lib)
        if old and _major_minor(old) != _major_minor(version):
            warnings.warn(
                f"model {file} was trained with {lib} {old}, running {version}: scores should "
                "load fine (the artifact holds plain arrays) but may differ from a model "
                "retrained here; rebuild with `moderation train` to be sure.",
                RuntimeWarning,
                stacklevel=3,
            )
