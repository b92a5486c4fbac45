"""Issue 12 item 4: counter-speech, victims and reporting that quote abuse, and the comments that
must still be rejected (tests/engine/data/contrast_*.tsv).

    PYTHONPATH=$PWD python benchmarks/contrast_cases.py [--scorer none|sklearn]
        [--half tuning|heldout]
        [--failures]

Prints, per half, how many rows are right (ok rows approved or held for review, reject rows
rejected) and how many were approved / reviewed / rejected. ``--failures`` lists the wrong rows
with their rule ids, for the tuning half only (the held-out half is measured, never tuned on).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.engine.contrast_data import contrast_rows  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scorer", default="none")
    ap.add_argument("--half", choices=["tuning", "heldout"], action="append")
    ap.add_argument("--failures", action="store_true")
    args = ap.parse_args()
    from moderation.engine import Engine
    from moderation.models import Comment
    from moderation.policy import load_policy
    from moderation.scorers import load_scorer

    scorer = None if args.scorer == "none" else load_scorer(args.scorer)
    engine = Engine(load_policy(), scorer)
    for half in args.half or ["tuning", "heldout"]:
        data = contrast_rows(half, tag_languages=True)
        decisions = engine.decide_batch([Comment(text=t) for _, t in data])
        for group in ("", "@lang"):
            tally: Counter[str] = Counter()
            right: Counter[str] = Counter()
            for (expected, text), d in zip(data, decisions, strict=True):
                if not expected.endswith(group) or (not group and "@" in expected):
                    continue
                exp = expected.split("@")[0]
                tally[f"{exp}->{d.action}"] += 1
                ok = (d.action == "reject") == (exp == "reject")
                right[exp] += ok
                if not ok and args.failures and half == "tuning":
                    ids = [f"{r.rule_id or r.category}:{r.action}" for r in d.reasons
                           if r.action != "flag"]
                    print(f"  WRONG {exp:6} {d.action:7} {text}  {ids}")
            n = {e: sum(v for k, v in tally.items() if k.startswith(e + "->"))
                 for e in ("ok", "reject")}
            name = f"{half}{' languages' if group else ''}"
            print(f"{name:20} scorer={args.scorer}: ok rows right {right['ok']}/{n['ok']}, "
                  f"reject rows right {right['reject']}/{n['reject']}; "
                  + ", ".join(f"{k} {v}" for k, v in sorted(tally.items())))


if __name__ == "__main__":
    main()
