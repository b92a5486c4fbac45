"""Issue 12 leftovers (session 4): decisions on the written cases
(tests/engine/data/leftovers_{tuning,heldout}.tsv), per item.

    python benchmarks/leftovers_cases.py tuning [--show]   # --show lists the wrong rows
    python benchmarks/leftovers_cases.py heldout           # totals only: never tune on it

expected: reject (must reject), approve (must approve), ok (approve or review). The scorer is
$MODERATION_SCORER (none: the rules alone; default sklearn).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from moderation.engine import Engine  # noqa: E402
from moderation.models import Comment  # noqa: E402
from moderation.policy import load_policy  # noqa: E402
from moderation.scorers import load_scorer  # noqa: E402
from tests.engine.leftovers_data import leftovers_rows, right  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("half", choices=["tuning", "heldout"])
    ap.add_argument("--show", action="store_true")
    a = ap.parse_args()
    if a.show and a.half != "tuning":
        sys.exit("the held-out half is measured, never read")
    rows = leftovers_rows(a.half)
    engine = Engine(load_policy(), load_scorer())
    decisions = engine.decide_batch([Comment(text=t) for _, _, t in rows])
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for (expected, item, text), d in zip(rows, decisions, strict=True):
        c = counts[item]
        c[0] += 1
        c[1] += right(expected, d.action)
        if a.show and not right(expected, d.action):
            rules = ",".join(r.rule_id or r.label or "" for r in d.reasons if r.action != "flag")
            print(f"  {expected:7} got {d.action:7} [{item}] {text}  <{rules}>")
    print(f"{a.half} (scorer {os.environ.get('MODERATION_SCORER', 'sklearn')}):")
    for item, (n, ok) in counts.items():
        print(f"  {item:11} {ok:3}/{n} right")
    n, ok = (sum(c[i] for c in counts.values()) for i in range(2))
    print(f"  {'all':11} {ok:3}/{n} right ({100 * ok / n:.1f} %)")


if __name__ == "__main__":
    main()
