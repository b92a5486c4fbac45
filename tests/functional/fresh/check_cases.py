"""Sanity check for the fresh (blind) English cases: shape only, never the engine.

Run ``python tests/functional/fresh/check_cases.py``; it prints the counts per function and
exits non-zero on a malformed row, a duplicate text or an id that does not match its function.
It never runs the engine, so the set stays blind: checking it cannot leak results into it.
"""

from __future__ import annotations

import csv
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

CASES = Path(__file__).with_name("cases.csv")
HEADER = ["id", "function", "category", "expected", "text"]
CATEGORIES = {
    "threat", "personal_attack", "sexism", "racism", "homophobia", "xenophobia", "abuse",
    "profanity", "vulgarity", "promotion", "none",
}
REJECT = {
    "derog_implicit", "derog_explicit", "threat_direct", "threat_wished", "threat_veiled",
    "threat_call_violence", "personal_attack", "evasion", "profanity_vulgarity",
}
APPROVE = {
    "counter_speech", "reporting", "victim", "negated", "neutral_group", "idea_criticism",
    "violent_news", "harsh_but_civil",
}


def _key(text: str) -> str:
    """Normalise for duplicate detection, so near-copies differing in case or spaces count."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"\W+", " ", folded).strip()


def check(path: Path = CASES, prefix: str = "fe") -> list[str]:
    """Return the problems found in the case file (empty when it is well formed); ids are
    ``<prefix>-<function>-NNN`` (``fe`` for this set, ``f3`` for tests/functional/fresh3)."""
    problems: list[str] = []
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    if rows[0] != HEADER:
        problems.append(f"bad header {rows[0]}")
    seen: dict[str, str] = {}
    ids: set[str] = set()
    counts: Counter[tuple[str, str]] = Counter()
    words: list[int] = []
    for n, row in enumerate(rows[1:], 2):
        if len(row) != len(HEADER):
            problems.append(f"line {n}: {len(row)} fields")
            continue
        cid, function, category, expected, text = row
        if function not in REJECT | APPROVE:
            problems.append(f"line {n}: unknown function {function}")
        if category not in CATEGORIES:
            problems.append(f"line {n}: unknown category {category}")
        want = "reject" if function in REJECT else "approve"
        if expected != want:
            problems.append(f"line {n}: expected {expected}, function {function} says {want}")
        if (category == "none") != (expected == "approve"):
            problems.append(f"line {n}: category {category} with expected {expected}")
        id_form = rf"{re.escape(prefix)}-{re.escape(function)}-\d{{3}}"
        if not re.fullmatch(id_form, cid) or cid in ids:
            problems.append(f"line {n}: bad or repeated id {cid}")
        ids.add(cid)
        key = _key(text)
        if key in seen:
            problems.append(f"line {n}: duplicate text of {seen[key]}")
        seen[key] = cid
        counts[(function, expected)] += 1
        words.append(len(text.split()))
    for (function, expected), count in sorted(counts.items(), key=lambda kv: kv[0][1]):
        print(f"{function:22} {expected:8} {count:4}")
    total = sum(counts.values())
    print(f"{'total':22} {'':8} {total:4}  (words per text: {min(words)}-{max(words)})")
    return problems


def texts(path: Path) -> set[str]:
    """The normalised texts of a case file (to find a case written twice across sets)."""
    with path.open(encoding="utf-8", newline="") as fh:
        return {_key(row["text"]) for row in csv.DictReader(fh)}


if __name__ == "__main__":
    found = check(Path(sys.argv[1]), sys.argv[2]) if len(sys.argv) > 2 else check()
    for problem in found:
        print(problem, file=sys.stderr)
    sys.exit(1 if found else 0)
