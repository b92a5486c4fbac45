"""Ordinary words that hold a listed word: candidates for policies/words/spaced_words.txt.

A comment spacing out every letter ("f u c k") is read through every run of three letters or
more inside it, so "c l a s s" holds "ass" and "t o n i g h t" a slur. This lists the words of
clean rows (every label 0) of English news and social comment sets, seen at least ``--min``
times, that the rules alone approve written plainly but not spaced out: a spaced run spelling
one of them is that word (policy ``targets.respell.spaced_words``), never a word inside it.
Only words are written, most frequent first; no text of the sets.

    python benchmarks/spaced_words.py [--min 3] [DATASETS] > /tmp/spaced_words.txt
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from respell_collisions import SETS  # noqa: E402  (the same English sets; benchmarks/ is on sys.path)

from moderation.engine import Engine  # noqa: E402
from moderation.models import Comment  # noqa: E402
from moderation.policy import load_policy  # noqa: E402
from moderation.training import datasets as ds  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("datasets", nargs="?", type=Path,
                    default=Path(os.environ.get("MODERATION_DATASETS",
                                                ROOT.parent / "shared" / "datasets")))
    ap.add_argument("--min", type=int, default=3, help="least count to list")
    args = ap.parse_args()
    loaders = {**ds.TRAIN_LOADERS, **ds.EVAL_LOADERS}
    sets = ds.load_sets(args.datasets, {n: loaders[n] for n in SETS})
    counts: Counter[str] = Counter()
    for examples in sets.values():
        for ex in examples:
            if not any(ex.labels.values()):
                counts.update(re.findall(r"[a-z]+", ex.text.lower()))
    engine = Engine(load_policy(None))  # rules only
    found = []
    for w, n in counts.most_common():
        if n < args.min:
            break
        if not 4 <= len(w) <= 16:
            continue
        if engine.decide(Comment(text=" ".join(w))).action == "approve":
            continue
        if engine.decide(Comment(text=w)).action == "approve":
            found.append(w)
    print("\n".join(found))
    print(f"{len(found)} words", file=sys.stderr)


if __name__ == "__main__":
    main()
