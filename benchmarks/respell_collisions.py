"""Respellings that are ordinary words: candidates for policies/words/respell_exclude.txt.

The policy's ``targets.respell`` reads misspellings (swapped or dropped letters, vowels dropped,
words run together) as the lexicon words they disguise. A misspelling that people write as a
word of its own ("morn", "wore", "therapist") must not be respelled; this lists every entry of the
respelling table found as a word in clean rows (every label 0) of English news and social
comment sets, with its count, most frequent first.

    python benchmarks/respell_collisions.py [--min 2] [DATASETS]
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

from moderation.policy import load_policy  # noqa: E402
from moderation.rules.targets import TargetAnalyzer  # noqa: E402
from moderation.training import datasets as ds  # noqa: E402

SETS = ("civil-comments-autolabel-sample", "jigsaw-toxic-detoxify-sample", "fox-news-comments",
        "toxic-spans-civil-comments", "sfu-constructiveness-toxicity",
        "kaggle-insults-social-commentary", "davidson-hate-offensive")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("datasets", nargs="?", type=Path,
                    default=Path(os.environ.get("MODERATION_DATASETS",
                                                ROOT.parent / "shared" / "datasets")))
    ap.add_argument("--min", type=int, default=2, help="least count to list")
    ap.add_argument("--all", action="store_true",
                    help="every row, not only the clean ones (then read the list: abusive rows "
                         "hold the misspellings themselves)")
    args = ap.parse_args()
    loaders = {**ds.TRAIN_LOADERS, **ds.EVAL_LOADERS}
    sets = ds.load_sets(args.datasets, {n: loaders[n] for n in SETS})
    counts: Counter[str] = Counter()
    for examples in sets.values():
        for ex in examples:
            if args.all or not any(ex.labels.values()):
                counts.update(re.findall(r"[a-z]+", ex.text.lower()))
    table = TargetAnalyzer(load_policy(None)).respell
    found = sorted(((counts[k], k, v) for k, v in table.items() if counts[k] >= args.min),
                   reverse=True)
    for n, k, v in found:
        print(f"{n}\t{k}\t{v}")
    print(f"{len(found)} of {len(table)} respellings are words in {sum(counts.values())} words "
          f"of clean rows", file=sys.stderr)


if __name__ == "__main__":
    main()
