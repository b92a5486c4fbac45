"""Do two versions of the engine decide the same? Write every decision of one tree, then compare
another tree's decisions with them (a speed change must not change a decision).

    python benchmarks/compare_decisions.py --write /tmp/before.jsonl    # in the old tree
    python benchmarks/compare_decisions.py --compare /tmp/before.jsonl  # in the new tree

Texts: every comment of tests/functional/cases.csv, tests/languages/*.csv and
tests/languages/fresh/*.csv, bench_engine's corpus, and the first ``--per-set`` comments of a few
shared data sets (``$MODERATION_DATASETS``; skipped when absent). Compared per comment: the action,
every reason (category, source, action, rule, label, evidence spans) and ``decision.languages``.
The output holds a hash of each text, not the text (shared data stays out of files we keep).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import bench_engine  # noqa: E402  (benchmarks/ is on sys.path when run as a script)

ROOT = Path(__file__).resolve().parents[1]
#: (folder/file under the shared data sets, text column)
SHARED = (
    ("toxic-spans-civil-comments/comments.csv", "comment_text"),
    ("civil-comments-autolabel-sample/civil_comments.csv", "text"),
    ("sfu-constructiveness-toxicity/SFU_constructiveness_toxicity.csv", "comment_text"),
    ("fox-news-comments/fox-news-comments.csv", "text"),
    ("arabic-offenseval2020/train.csv", "tweet"),
    ("arabic-mlma/ar_dataset.csv", "tweet"),
    ("arabic-multiplatform-comments/mpold.csv", "Comment"),
    ("turkish-offenseval2020/train.csv", "tweet"),
)


def _csv_texts(path: Path, column: str, limit: int | None = None) -> Iterator[str]:
    csv.field_size_limit(sys.maxsize)
    with open(path, encoding="utf-8", newline="") as f:
        for i, row in enumerate(csv.DictReader(f)):
            if limit is not None and i >= limit:
                break
            yield row.get(column) or ""


def texts(per_set: int) -> Iterator[tuple[str, str]]:
    """(source, text) for every comment compared."""
    yield from (("functional", t) for t in _csv_texts(ROOT / "tests/functional/cases.csv", "text"))
    for folder in (ROOT / "tests/languages", ROOT / "tests/languages/fresh"):
        for path in sorted(folder.glob("*.csv")):
            rel = str(path.relative_to(ROOT))
            yield from ((rel, t) for t in _csv_texts(path, "text"))
    yield from (("bench_engine", t) for t in bench_engine.build_comments(200))
    shared = Path(os.environ.get("MODERATION_DATASETS", ROOT.parent / "shared" / "datasets"))
    for name, column in SHARED:
        path = shared / name
        if path.is_file():
            yield from ((name, t) for t in _csv_texts(path, column, per_set))
        else:
            print(f"skipped (absent): {path}", file=sys.stderr)


def record(source: str, text: str, engine: object) -> dict[str, object]:
    from moderation.errors import ModerationError
    from moderation.models import Comment

    key = hashlib.sha1(f"{source}\x00{text}".encode()).hexdigest()[:16]
    try:
        d = engine.decide(Comment(text=text))  # type: ignore[attr-defined]
    except ModerationError as exc:
        return {"key": key, "source": source, "error": type(exc).__name__}
    reasons = [[r.category, r.source, r.action, r.rule_id, r.label,
                [[e.start, e.end, e.term] for e in r.evidence]] for r in d.reasons]
    return {"key": key, "source": source, "action": d.action, "reasons": reasons,
            "languages": getattr(d, "languages", None)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    how = ap.add_mutually_exclusive_group(required=True)
    how.add_argument("--write", type=Path, help="write this tree's decisions (JSON lines)")
    how.add_argument("--compare", type=Path, nargs="+",
                     help="compare this tree's decisions with the files of one or more old runs "
                          "(several: run with different PYTHONHASHSEED values, where a decision "
                          "that depends on a set's order shows; the new one must be one of them)")
    ap.add_argument("--per-set", type=int, default=1500,
                    help="comments read from each shared data set (default 1500)")
    ap.add_argument("--scorer", default="sklearn", help="scorer (default sklearn; none: rules)")
    a = ap.parse_args()

    from moderation.engine import Engine
    from moderation.policy import load_policy
    from moderation.scorers import load_scorer

    engine = Engine(load_policy(None), load_scorer(a.scorer))
    rows = [record(s, t, engine) for s, t in texts(a.per_set)]
    if a.write:
        with open(a.write, "w", encoding="utf-8") as f:
            f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        print(f"wrote {len(rows)} decisions to {a.write}")
        return
    before = []
    for path in a.compare:
        with open(path, encoding="utf-8") as f:
            before.append([json.loads(line) for line in f])
        if [r["key"] for r in before[-1]] != [r["key"] for r in rows]:
            sys.exit(f"the texts differ from {path}'s (other data sets or --per-set?)")
    per_source: dict[str, list[int]] = {}
    differ = unsettled = 0
    for i, new in enumerate(rows):
        olds = [b[i] for b in before]
        counts = per_source.setdefault(str(new["source"]), [0, 0, 0])
        counts[0] += 1
        if any(old != olds[0] for old in olds):
            counts[2] += 1  # the old runs disagree among themselves (hash-seed order)
            unsettled += 1
        if new not in olds:
            counts[1] += 1
            differ += 1
            if differ <= 10:
                print(f"DIFFERS {new['source']} {new['key']}:\n  before {olds[0]}\n  after  {new}")
    for source, (n, d, u) in per_source.items():
        print(f"  {source:<66} {n:>6} comments, {d} differ"
              + (f" ({u} differ between the old runs)" if u else ""))
    print(f"{len(rows)} comments, {differ} decisions differ from every old run (action, reasons "
          f"or languages); {unsettled} differ between the {len(before)} old runs")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
