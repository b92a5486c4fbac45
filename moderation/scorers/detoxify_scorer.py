"""Optional scorer backed by Detoxify (``pip install '.[detoxify]'``).

Detoxify's transformer models are much stronger on plain toxicity than the shipped scikit-learn
model, but they bring torch and transformers (~1 GB) and need either internet access (the named
model types download a checkpoint and a Hugging Face config) or a local checkpoint whose
``config.arch.args.model_type`` names a local folder with ``config.json`` and the tokenizer
(see docs/detoxify.md). torch is imported only when a scorer is built, never by ``import
moderation``.

Configuration (``DetoxifyScorer.from_env``):

- ``MODERATION_DETOXIFY_MODEL_TYPE``  ``original`` (default), ``unbiased``, ``multilingual``,
  ``original-small`` or ``unbiased-small``; ignored when a checkpoint is given.
- ``MODERATION_DETOXIFY_CHECKPOINT``  path to a local ``.ckpt`` in Detoxify's format (optional).
- ``MODERATION_DETOXIFY_DEVICE``      torch device, default ``cpu``.
- ``MODERATION_DETOXIFY_BATCH_SIZE``  texts per forward pass, default 16.
- ``MODERATION_DETOXIFY_THREADS``     torch intra-op threads (process-wide); default: torch's own
  choice. 1 is much faster on a busy machine (measured: see docs/detoxify.md).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from moderation.errors import ScorerUnavailable
from moderation.scorers.base import STANDARD_LABELS

INSTALL_HINT = "pip install '.[detoxify]'"

#: Detoxify's named models (they download from the internet on first use).
MODEL_TYPES: tuple[str, ...] = (
    "original",
    "unbiased",
    "multilingual",
    "original-small",
    "unbiased-small",
)

#: Detoxify class name -> our label. Names not listed (e.g. identity-mention heads) are dropped.
LABEL_MAP: dict[str, str] = {
    "toxic": "toxicity",
    "toxicity": "toxicity",
    "severe_toxic": "severe_toxicity",
    "severe_toxicity": "severe_toxicity",
    "obscene": "obscene",
    "threat": "threat",
    "insult": "insult",
    "identity_hate": "identity_attack",
    "identity_attack": "identity_attack",
    "sexual_explicit": "sexual_explicit",
}

#: Output order of ``labels``: the standard labels first, then Detoxify's extra one.
LABEL_ORDER: tuple[str, ...] = (
    *(label for label in STANDARD_LABELS if label != "spam"),  # Detoxify has no spam head
    "sexual_explicit",
)

DEFAULT_BATCH_SIZE = 16

_SURROGATES = re.compile("[\ud800-\udfff]")


class DetoxifyScorerError(ScorerUnavailable, click.ClickException):
    """Base error: the CLI prints its one-line message, no traceback.

    A ScorerUnavailable (what ``load_scorer`` callers catch) and a ClickException (so any click
    command that builds the scorer directly also prints ``Error: ...`` and exits 1).
    """


class DetoxifyNotInstalledError(DetoxifyScorerError, ImportError):
    """torch, transformers or detoxify is missing: the optional extra is not installed."""


class DetoxifyLoadError(DetoxifyScorerError, RuntimeError):
    """The model could not be loaded (bad setting, missing file, no internet, bad checkpoint)."""


def import_detoxify() -> Any:
    """Import the backend lazily; a missing package becomes a readable install hint."""
    try:
        import torch  # noqa: F401
        import transformers  # noqa: F401
        from detoxify import Detoxify
    except ImportError as exc:
        missing = exc.name or str(exc)
        raise DetoxifyNotInstalledError(
            f"the Detoxify scorer needs torch, transformers and detoxify ({missing} is not "
            f"installed); install the optional extra with: {INSTALL_HINT}"
        ) from None
    return Detoxify


class DetoxifyScorer:
    """Per-label probabilities from a Detoxify model, batched, in input order."""

    def __init__(
        self,
        model_type: str = "original",
        checkpoint: str | os.PathLike[str] | None = None,
        device: str = "cpu",
        batch_size: int = DEFAULT_BATCH_SIZE,
        threads: int | None = None,
    ) -> None:
        if batch_size < 1:
            raise DetoxifyLoadError(f"batch size must be >= 1, got {batch_size}")
        if threads is not None and threads < 1:
            raise DetoxifyLoadError(f"threads must be >= 1, got {threads}")
        path = _checked_checkpoint(checkpoint) if checkpoint else None
        if path is None and model_type not in MODEL_TYPES:
            raise DetoxifyLoadError(
                f"unknown Detoxify model type {model_type!r}: use one of {', '.join(MODEL_TYPES)} "
                "or set a local checkpoint (MODERATION_DETOXIFY_CHECKPOINT)"
            )
        detoxify_cls = import_detoxify()
        if threads is not None:
            import torch

            torch.set_num_threads(threads)
        self.batch_size = batch_size
        self._model = _load(detoxify_cls, model_type, path, device)
        self._class_to_label = _map_classes(self._model.class_names, path or model_type)
        if path is not None:
            _check_weights_loaded(self._model.model, path)
        _check_tokenizer_fits(self._model.tokenizer, self._model.model.config, path or model_type)
        _cap_tokenizer_length(self._model.tokenizer, self._model.model.config)
        present = set(self._class_to_label.values())
        self.labels: tuple[str, ...] = tuple(lb for lb in LABEL_ORDER if lb in present)
        self.name = _scorer_name(model_type, path)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> DetoxifyScorer:
        """Build from ``MODERATION_DETOXIFY_*`` variables (documented in the module docstring)."""
        env = os.environ if environ is None else environ
        batch_size = _env_int(env, "MODERATION_DETOXIFY_BATCH_SIZE") or DEFAULT_BATCH_SIZE
        threads = _env_int(env, "MODERATION_DETOXIFY_THREADS")
        return cls(
            threads=threads,
            model_type=env.get("MODERATION_DETOXIFY_MODEL_TYPE", "original") or "original",
            checkpoint=env.get("MODERATION_DETOXIFY_CHECKPOINT") or None,
            device=env.get("MODERATION_DETOXIFY_DEVICE", "cpu") or "cpu",
            batch_size=batch_size,
        )

    def score(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """Score in length-sorted batches (less padding), then restore the input order."""
        clean = [_model_view(t) for t in texts]
        order = sorted(range(len(clean)), key=lambda i: len(clean[i]))
        results: list[dict[str, float]] = [{} for _ in clean]
        for start in range(0, len(order), self.batch_size):
            idx = order[start : start + self.batch_size]
            raw = self._model.predict([clean[i] for i in idx])
            for cls_name, values in raw.items():
                label = self._class_to_label.get(cls_name)
                if label is None:
                    continue
                column = values if isinstance(values, list) else [values]  # batch of 1 -> float
                for i, value in zip(idx, column, strict=True):
                    results[i][label] = min(1.0, max(0.0, float(value)))
        return [{lb: r[lb] for lb in self.labels} for r in results]


def localize_checkpoint(
    checkpoint: str | os.PathLike[str],
    hf_dir: str | os.PathLike[str],
    out: str | os.PathLike[str],
) -> Path:
    """Write a copy of ``checkpoint`` whose model_type points at the local folder ``hf_dir``.

    Detoxify's published checkpoints name a hub model (``bert-base-uncased``, ``roberta-base``,
    ``xlm-roberta-base``); offline, transformers cannot resolve that name, so the copy names the
    folder holding that model's ``config.json`` and tokenizer files instead.
    """
    import_detoxify()
    import torch

    folder = Path(hf_dir).expanduser().resolve()
    if not (folder / "config.json").is_file():
        raise DetoxifyLoadError(f"{folder} has no config.json (see docs/detoxify.md)")
    src = _checked_checkpoint(checkpoint)
    loaded = torch.load(src, map_location="cpu", weights_only=False)
    try:
        loaded["config"]["arch"]["args"]["model_type"] = str(folder)
    except (KeyError, TypeError):
        raise DetoxifyLoadError(
            f"{src} is not a Detoxify checkpoint (no config.arch.args)"
        ) from None
    target = Path(out).expanduser()
    torch.save(loaded, target)
    return target


# --- helpers -------------------------------------------------------------------------------


def _env_int(env: Any, name: str) -> int | None:
    raw = (env.get(name) or "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise DetoxifyLoadError(f"{name} must be an integer, got {raw!r}") from None


def _checked_checkpoint(checkpoint: str | os.PathLike[str]) -> Path:
    path = Path(checkpoint).expanduser()
    if not path.is_file():
        raise DetoxifyLoadError(f"Detoxify checkpoint not found: {path}")
    return path


def _load(detoxify_cls: Any, model_type: str, path: Path | None, device: str) -> Any:
    """Call Detoxify's own loader; turn its failures into one readable sentence."""
    import transformers

    transformers.utils.logging.disable_progress_bar()  # no "Loading weights" bar in CLI output
    where = str(path) if path else f"model type {model_type!r}"
    try:
        if path is None:
            return detoxify_cls(model_type=model_type, device=device)
        return detoxify_cls(checkpoint=str(path), device=device)
    except OSError as exc:  # includes URLError and the hub's "couldn't connect"
        hint = (
            "the checkpoint's config.arch.args.model_type must be a local folder holding "
            "config.json and the tokenizer files (see docs/detoxify.md, localize_checkpoint)"
            if path
            else "named model types download from the internet; offline, set "
            "MODERATION_DETOXIFY_CHECKPOINT to a local checkpoint (see docs/detoxify.md)"
        )
        raise DetoxifyLoadError(
            f"could not load Detoxify {where}: {_first_line(exc)}; {hint}"
        ) from exc
    except (KeyError, TypeError, ValueError, AttributeError, pickle.UnpicklingError) as exc:
        raise DetoxifyLoadError(
            f"could not load Detoxify {where}: not a checkpoint in Detoxify's format "
            f"({type(exc).__name__}: {_first_line(exc)}); see docs/detoxify.md"
        ) from exc


def _map_classes(class_names: Sequence[str], source: object) -> dict[str, str]:
    mapping = {c: LABEL_MAP[c] for c in class_names if c in LABEL_MAP}
    if not mapping:
        raise DetoxifyLoadError(
            f"Detoxify {source}: none of its classes {list(class_names)} maps onto a known label"
        )
    return mapping


def _check_weights_loaded(model: Any, path: Path) -> None:
    """Refuse a checkpoint whose weights did not load: transformers would silently use random ones.

    (A state_dict saved with a ``model.`` prefix, as a raw Lightning checkpoint has, loads without
    error but leaves every layer newly initialised.)
    """
    import torch

    try:
        state = torch.load(path, map_location="cpu", weights_only=False, mmap=True)["state_dict"]
    except RuntimeError:  # legacy (non-zip) serialization cannot be memory-mapped
        state = torch.load(path, map_location="cpu", weights_only=False)["state_dict"]
    keys = {_legacy_key(k) for k in state}
    missing = [name for name, _ in model.named_parameters() if name not in keys]
    if missing:
        shown = ", ".join(missing[:3]) + (" ..." if len(missing) > 3 else "")
        raise DetoxifyLoadError(
            f"Detoxify checkpoint {path}: {len(missing)} model weights are not in its state_dict "
            f"({shown}); they would be random. Its keys must match "
            f"{type(model).__name__}.state_dict() (no 'model.' prefix)"
        )


def _legacy_key(key: str) -> str:
    """Old BERT checkpoints call LayerNorm weights gamma/beta; transformers renames them."""
    return key.replace("LayerNorm.gamma", "LayerNorm.weight").replace(
        "LayerNorm.beta", "LayerNorm.bias"
    )


def _check_tokenizer_fits(tokenizer: Any, config: Any, source: object) -> None:
    """A tokenizer from another model yields ids past the embedding table: fail at load, not
    with an IndexError on the first comment that uses such a token."""
    vocab_size = getattr(config, "vocab_size", None)
    if vocab_size and len(tokenizer) > vocab_size:
        raise DetoxifyLoadError(
            f"Detoxify {source}: the tokenizer has {len(tokenizer)} tokens but the model only "
            f"{vocab_size}; the folder's tokenizer files belong to another model"
        )


def _cap_tokenizer_length(tokenizer: Any, config: Any) -> None:
    """Truncate to what the position embeddings hold when the tokenizer declares no limit.

    A tokenizer folder without ``model_max_length`` makes ``truncation=True`` a no-op and a long
    comment crashes the model; 2 positions are kept free for RoBERTa-style padding offsets.
    """
    limit = getattr(config, "max_position_embeddings", None)
    if limit and tokenizer.model_max_length > limit:
        tokenizer.model_max_length = max(8, limit - 2)


def _model_view(text: str) -> str:
    """What the tokenizer sees: lone surrogates (invalid UTF-16) become U+FFFD, not a crash."""
    if not isinstance(text, str):
        raise TypeError(f"expected str, got {type(text).__name__}")
    return _SURROGATES.sub("\ufffd", text)


def _scorer_name(model_type: str, path: Path | None) -> str:
    """``detoxify:original@c1212f89`` (release hash) or ``detoxify:ckpt@<sha256[:12]>``."""
    if path is None:
        from detoxify.detoxify import MODEL_URLS

        stem = Path(MODEL_URLS.get(model_type, "")).stem
        tag = stem.rsplit("-", 1)[-1] if "-" in stem else "unknown"
        return f"detoxify:{model_type}@{tag}"
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return f"detoxify:ckpt@{digest.hexdigest()[:12]}"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
