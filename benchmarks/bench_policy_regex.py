"""Policy patterns against the regex time budget: the figure the tests no longer assert.

    python benchmarks/bench_policy_regex.py [policy.yaml] [--budget-ms 5] [--top 10]

``moderation policy validate`` refuses a pattern slower than MODERATION_POLICY_REGEX_BUDGET_MS
(5 ms) on any probe (``regex_safety.measure``). That is a speed figure, so the suite only checks
it with a generous bound (tests/policy/test_validation.py); this script prints the real margin:
each pattern's worst probe time, the slowest patterns, and how many are within the budget, with
the host's speed beside them (it moves between runs on these machines).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from moderation.policy import load_policy, regex_safety

sys.path.insert(0, str(Path(__file__).resolve().parent))
import host_speed  # noqa: E402  (benchmarks/ is on sys.path when run as a script)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("policy", nargs="?", default=None, help="policy file (default: the shipped)")
    ap.add_argument("--budget-ms", type=float, default=regex_safety.DEFAULT_BUDGET_MS)
    ap.add_argument("--top", type=int, default=10, help="how many of the slowest to list")
    args = ap.parse_args()
    policy = load_policy(args.policy)
    print(host_speed.describe(host_speed.speeds()))
    rows = []
    for cname, cat in policy.doc.categories.items():
        for pat in cat.patterns:
            rx = re.compile(policy.expand(pat.pattern))
            ok, m = regex_safety.measure(rx, budget_ms=args.budget_ms)
            rows.append((m.worst_ms, f"{cname}.{pat.id}", m.chars, ok))
    rows.sort(reverse=True)
    within = sum(ok for *_, ok in rows)
    print(f"{policy.source}: {len(rows)} patterns, {within} within {args.budget_ms:g} ms "
          f"(worst probe per pattern, probes up to {regex_safety.DEFAULT_PROBE_CHARS} chars)")
    if rows:
        print(f"slowest {rows[0][0]:.3f} ms = {rows[0][0] / args.budget_ms:.0%} of the budget")
    for ms, name, chars, ok in rows[:args.top]:
        print(f"  {ms:8.3f} ms  {chars:5d} chars  {'ok  ' if ok else 'OVER'}  {name}")


if __name__ == "__main__":
    main()
