"""Issue 12 round 3 (threats in any words): decisions on the written dev halves
(tests/engine/data/threat_round3_{tuning,heldout}.tsv), per function.

    python benchmarks/threat_dev.py tuning [--show]     # --show lists the wrong rows (tuning only)
    python benchmarks/threat_dev.py heldout             # totals only: never tune on its failures
    python benchmarks/threat_dev.py heldout_b           # the same for the second held-out half

The scorer is $MODERATION_SCORER (none: the rules alone; default sklearn).
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
from tests.engine.case_files import case_rows  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("half", choices=["tuning", "heldout", "heldout_b"])
    ap.add_argument("--show", action="store_true")
    a = ap.parse_args()
    if a.show and a.half != "tuning":
        sys.exit("the held-out half is measured, never read")
    path = ROOT / "tests" / "engine" / "data" / f"threat_round3_{a.half}.tsv"
    rows = case_rows(path, 3)
    scorer = load_scorer()
    engine = Engine(load_policy(), scorer)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # rows, rejected, review
    for expected, function, text in rows:
        d = engine.decide(Comment(text=text))
        key = function if expected == "reject" else "contrast"
        c = counts[key]
        c[0] += 1
        c[1] += d.action == "reject"
        c[2] += d.action == "review"
        if a.show and d.action != expected:
            rules = ",".join(r.rule_id for r in d.reasons if r.action != "flag")
            print(f"  {expected:7} got {d.action:7} [{function}] {text}  <{rules}>")
    print(f"{a.half} (scorer {os.environ.get('MODERATION_SCORER', 'sklearn')}):")
    for key in ["direct", "wished", "veiled", "call", "contrast"]:
        n, rej, rev = counts[key]
        print(f"  {key:9} {rej:3}/{n} rejected ({100 * rej / max(n, 1):5.1f} %), {rev} review")
    t = [sum(counts[k][i] for k in ["direct", "wished", "veiled", "call"]) for i in range(3)]
    share = 100 * t[1] / max(t[0], 1)
    print(f"  threats   {t[1]:3}/{t[0]} rejected ({share:5.1f} %), {t[2]} review")


if __name__ == "__main__":
    main()
