"""Own development cases of a rule round (tests/engine/data/attack_round3.tsv): how many of the
cases a moderator rejects the engine rejects, and how many contrasts it rejects, per half.

    python benchmarks/dev_cases.py                      # both halves, rules only and sklearn
    python benchmarks/dev_cases.py --half tune --failures   # what the tuning half misses

The held-out half is measured before and after a round only: ``--failures`` refuses it.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from moderation.engine import Engine  # noqa: E402
from moderation.models import Comment  # noqa: E402
from moderation.policy import load_policy  # noqa: E402
from moderation.scorers import load_scorer  # noqa: E402
from tests.engine.case_files import case_rows  # noqa: E402

DEFAULT = ROOT / "tests" / "engine" / "data" / "attack_round3.tsv"


def rows(path: Path) -> list[tuple[str, str, str, str]]:
    return case_rows(path, 4)  # type: ignore[return-value]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--file", type=Path, default=DEFAULT)
    ap.add_argument("--half", choices=("tune", "held", "both"), default="both")
    ap.add_argument("--scorer", choices=("none", "sklearn", "both"), default="both")
    ap.add_argument("--failures", action="store_true", help="list wrong decisions (tune only)")
    a = ap.parse_args()
    if a.failures and a.half != "tune":
        sys.exit("--failures lists the tuning half only (--half tune): the held-out half is blind")
    policy = load_policy(None)
    scorers = ["none", "sklearn"] if a.scorer == "both" else [a.scorer]
    data = rows(a.file)
    halves = ["tune", "held"] if a.half == "both" else [a.half]
    for name in scorers:
        if name == "none":
            engine = Engine(policy, None)
        else:
            engine = Engine(policy, load_scorer("sklearn"))
        for half in halves:
            sel = [r for r in data if r[0] == half]
            counts: Counter[tuple[str, str]] = Counter()
            by_fn: Counter[tuple[str, str]] = Counter()
            for _, expected, fn, text in sel:
                d = engine.decide(Comment(text=text))
                counts[(expected, d.action)] += 1
                by_fn[(fn, d.action)] += 1
                wrong = (d.action != "reject") if expected == "reject" else d.action == "reject"
                if a.failures and (wrong or d.action == "review"):
                    why = "; ".join(f"{x.rule_id or x.category}" for x in d.reasons
                                    if x.action != "flag")
                    print(f"  [{name}] {expected:7} got {d.action:7} {fn:13} {text}  <{why}>")
            hate = sum(v for (e, _), v in counts.items() if e == "reject")
            con = sum(v for (e, _), v in counts.items() if e == "approve")
            print(f"scorer={name:7} half={half}: hateful rejected "
                  f"{counts[('reject', 'reject')]}/{hate} "
                  f"({100 * counts[('reject', 'reject')] / max(hate, 1):.1f} %), to review "
                  f"{counts[('reject', 'review')]}; contrasts rejected "
                  f"{counts[('approve', 'reject')]}/{con} "
                  f"({100 * counts[('approve', 'reject')] / max(con, 1):.1f} %), to review "
                  f"{counts[('approve', 'review')]}")
            fns = sorted({fn for fn, _ in by_fn})
            print("    " + ", ".join(
                f"{fn} {by_fn[(fn, 'reject')]}/{sum(v for (f, _), v in by_fn.items() if f == fn)}"
                for fn in fns) + "  (rejected / cases)")


if __name__ == "__main__":
    main()
