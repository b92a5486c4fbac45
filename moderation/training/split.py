"""Prepare, deduplicate and split examples BEFORE any fitting, so the test split stays unseen."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from sklearn.model_selection import train_test_split

from moderation.scorers.text_prep import prepare
from moderation.training.datasets import Example


def dedupe(examples: Iterable[Example]) -> tuple[list[Example], list[str], int]:
    """Keep the first example per prepared text (sets are passed in priority order).

    Returns (examples, prepared texts, number dropped). Deduplicating on the *prepared* text also
    removes copies that differ only in entities, escapes, handles or URLs (spam bots).
    """
    seen: set[str] = set()
    kept: list[Example] = []
    prepared: list[str] = []
    dropped = 0
    for ex in examples:
        p = prepare(ex.text)
        if not p or p in seen:
            dropped += 1
            continue
        seen.add(p)
        kept.append(ex)
        prepared.append(p)
    return kept, prepared, dropped


def strat_key(ex: Example) -> str:
    """Stratify by source and its main label, so every set keeps its balance in both splits."""
    main = ex.labels.get("toxicity", ex.labels.get("spam", -1))
    return f"{ex.source}:{main}"


def split_indices(
    examples: list[Example], test_size: float, seed: int
) -> tuple[list[int], list[int]]:
    """Stratified (source, label) train/test split with a fixed seed; tiny strata are merged."""
    keys = [strat_key(e) for e in examples]
    counts = Counter(keys)
    keys = [k if counts[k] >= 4 else "rare" for k in keys]
    if Counter(keys).get("rare", 4) < 2:
        keys = [k if k != "rare" else next(iter(counts)) for k in keys]
    idx = list(range(len(examples)))
    train, test = train_test_split(idx, test_size=test_size, random_state=seed, stratify=keys)
    return sorted(train), sorted(test)
