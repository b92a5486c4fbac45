"""Prepare, deduplicate and split examples BEFORE any fitting, so the test split stays unseen.

The held-out split is made per data set and per *group*: a group is a thread (Fox News: the
article), a post (Stormfront: its sentences) or, for sets without one, the prepared text itself,
so rows of one thread or duplicate texts never sit on both sides. Whether a group is held out
depends only on (seed, data set, group key), never on the other sets in the run: adding or
removing a set leaves every other set's held-out rows unchanged, which is what lets an ablation
compare runs on the same held-out rows.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence

from moderation.scorers.text_prep import prepare
from moderation.training.datasets import Example

#: Sets with fewer groups than this are split by drawing whole groups up to the test share
#: (Fox News: 10 articles); larger ones by a per-group hash threshold.
FEW_GROUPS = 50


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


def _unit(seed: int, source: str, key: str) -> float:
    """A stable pseudo-random number in [0, 1) for one group (same on every platform)."""
    digest = hashlib.blake2b(f"{seed}\x00{source}\x00{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2.0**64


def group_key(ex: Example, prepared: str) -> str:
    """The unit that must stay on one side: the set's group if it has one, else the text."""
    return ex.group or prepared


def split_indices(
    examples: Sequence[Example],
    test_size: float,
    seed: int,
    prepared: Sequence[str] | None = None,
) -> tuple[list[int], list[int]]:
    """Deterministic per-set, group-aware train/test split (see the module docstring)."""
    if prepared is None:
        prepared = [prepare(e.text) for e in examples]
    by_source: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for i, (ex, p) in enumerate(zip(examples, prepared, strict=True)):
        by_source[ex.source][group_key(ex, p)].append(i)
    test: list[int] = []
    for source, groups in by_source.items():
        ranked = sorted(groups, key=lambda g: _unit(seed, source, g))
        if len(groups) < FEW_GROUPS:
            quota = test_size * sum(len(v) for v in groups.values())
            taken = 0
            for g in ranked:
                if taken >= quota * 0.9:
                    break
                test += groups[g]
                taken += len(groups[g])
        else:
            test += [i for g in ranked if _unit(seed, source, g) < test_size for i in groups[g]]
    held = set(test)
    return [i for i in range(len(examples)) if i not in held], sorted(held)
