"""Rules-only decisions on clean real news comments, to see what a rule change newly rejects.

A rule that lifts the functional suite can still reject ordinary comments; this prints how
many clean rows of the shared news sets the rules (no model) reject or send to review, and
with ``--save``/``--compare`` lists the rows whose decision changed against an earlier run,
so every new rejection can be read.

    python benchmarks/clean_rules.py --rows 3000 --save /tmp/before.csv      # on main
    python benchmarks/clean_rules.py --rows 3000 --compare /tmp/before.csv   # on a branch

Rows: the clean rows (by each set's own label) of sfu-constructiveness-toxicity and
civil-comments-autolabel-sample, at most ``--rows`` per set, chosen by text hash
(moderation.evaluation.shared_sets.sample), so two runs see the same rows.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from moderation.engine import Engine  # noqa: E402
from moderation.evaluation.shared_sets import load_all, sample  # noqa: E402
from moderation.models import Comment  # noqa: E402
from moderation.policy import load_policy  # noqa: E402

SETS = ("sfu-constructiveness-toxicity", "civil-comments-autolabel-sample")


def decisions(root: Path, rows: int, violating: bool = False) -> list[tuple[str, str, str, str]]:
    """(set, text, action, reasons) for the sampled clean rows of every set (``violating``:
    the violating rows instead, to see whether a new rule reaches real abuse at all)."""
    engine = Engine(load_policy(None), None)
    sets, missing = load_all(root, SETS)
    if missing:
        sys.exit(f"missing data sets under {root}: {', '.join(missing)}")
    out = []
    for s in sets:
        s.rows = [r for r in s.rows if r.violating == violating]
        sample(s, rows)
        for r in s.rows:
            try:
                d = engine.decide(Comment(text=r.text))
            except Exception:  # noqa: BLE001 - over-long input is refused, not judged
                continue
            why = "; ".join(f"[{x.action}] {x.rule_id or x.category}: "
                            + " / ".join(e.text for e in x.evidence[:2]) for x in d.reasons
                            if x.action != "flag")
            out.append((s.name, r.text, d.action, why))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("datasets", nargs="?", type=Path,
                    default=Path(os.environ.get("MODERATION_DATASETS",
                                                ROOT.parent / "shared" / "datasets")))
    ap.add_argument("--rows", type=int, default=3000, help="clean rows per set (0: all)")
    ap.add_argument("--violating", action="store_true",
                    help="the sets' violating rows instead of the clean ones")
    ap.add_argument("--save", type=Path, help="write every decision to this CSV")
    ap.add_argument("--compare", type=Path, help="list decisions that differ from this CSV")
    a = ap.parse_args()
    got = decisions(a.datasets, a.rows, a.violating)
    by_set: dict[str, list[str]] = {}
    for name, _, action, _ in got:
        by_set.setdefault(name, []).append(action)
    for name, actions in by_set.items():
        n = len(actions)
        kind = "violating" if a.violating else "clean"
        print(f"{name}: {n} {kind} rows, rejected {actions.count('reject')} "
              f"({actions.count('reject') / n:.2%}), review {actions.count('review')} "
              f"({actions.count('review') / n:.2%})")
    if a.save:
        with a.save.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["set", "text", "action", "reasons"])
            w.writerows(got)
    if a.compare:
        with a.compare.open(newline="", encoding="utf-8") as fh:
            before = {(r["set"], r["text"]): r for r in csv.DictReader(fh)}
        changed = [(n, t, act, why) for n, t, act, why in got
                   if (n, t) in before and before[(n, t)]["action"] != act]
        print(f"changed against {a.compare}: {len(changed)}")
        for n, t, act, why in changed:
            print(f"- {before[(n, t)]['action']} -> {act} [{n}] {why}\n    {t[:300]!r}")


if __name__ == "__main__":
    main()
