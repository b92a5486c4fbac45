"""Rules + model on labelled CSVs at candidate model thresholds, without re-running the rules.

The engine's decision is the worst of its reasons, so the rules' action per comment (``--scorer
none``) and the model's scores are computed once, and any set of per-category ``review_at`` /
``reject_at`` values is applied on top, exactly as ``Engine._model_reasons`` does. Use ONLY
held-out rows of training sets (``to_eval_csv.py civil-test`` / ``fox-news``) to choose
thresholds; evaluation-only and reserved sets are for measuring the choice afterwards.

    python benchmarks/tune_thresholds.py /tmp/ev/civil-test.csv /tmp/ev/fox-news.csv \
        --set toxicity.review_at=0.9 --set abuse.review_at=0.6

Prints, per file and pooled: clean rejected, clean to review, reject precision, reject recall,
reject-or-review recall, for the policy as written and then after each ``--set`` in turn (the
changes accumulate).
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from moderation.engine import Engine  # noqa: E402
from moderation.models import Article, Comment  # noqa: E402
from moderation.policy import load_policy  # noqa: E402
from moderation.scorers.base import NullScorer  # noqa: E402
from moderation.scorers.sklearn_scorer import SklearnScorer  # noqa: E402

POSITIVE = {"1", "toxic", "off", "hate", "offensive", "spam"}
SEVERITY = {"approve": 0, "flag": 0, "review": 1, "reject": 2}
REPO = Path(__file__).resolve().parent.parent


def read(path: Path) -> tuple[list[Comment], list[int]]:
    comments, y = [], []
    with path.open(encoding="utf-8", newline="") as fh:
        for i, r in enumerate(csv.DictReader(fh)):
            art = Article(id=r["title"][:256], title=r["title"]) if r.get("title") else None
            comments.append(Comment(text=r["text"], comment_id=str(i), article=art))
            y.append(int(r["label"].strip().lower() in POSITIVE))
    return comments, y


def model_action(scores: dict[str, float], rules: list[tuple[str, list[str], float, float]]
                 ) -> int:
    worst = 0
    for _cat, labels, review_at, reject_at in rules:
        s = max(scores.get(lb, 0.0) for lb in labels)
        if s >= reject_at:
            return 2
        if s >= review_at:
            worst = 1
    return worst


def figures(rule: list[int], model: list[int], y: list[int]) -> str:
    final = [max(a, b) for a, b in zip(rule, model, strict=True)]
    clean = [f for f, t in zip(final, y, strict=True) if t == 0]
    viol = [f for f, t in zip(final, y, strict=True) if t == 1]
    rej = [t for f, t in zip(final, y, strict=True) if f == 2]

    def pct(n: int, d: int) -> str:
        return f"{100 * n / d:.1f}%" if d else "-"

    return (f"clean rejected {pct(clean.count(2), len(clean))}, to review "
            f"{pct(clean.count(1), len(clean))} (n={len(clean)}); reject precision "
            f"{pct(sum(rej), len(rej))}, recall {pct(viol.count(2), len(viol))}, "
            f"reject-or-review recall {pct(len(viol) - viol.count(0), len(viol))} "
            f"(n={len(viol)})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("csv", nargs="+", type=Path)
    ap.add_argument("--policy", type=Path, default=REPO / "policies" / "default.yaml")
    ap.add_argument("--set", action="append", default=[],
                    help="category.review_at=VALUE or category.reject_at=VALUE (cumulative)")
    a = ap.parse_args()
    policy = load_policy(a.policy)
    engine = Engine(policy, NullScorer())
    scorer = SklearnScorer.load()
    base = {
        name: [list(cat.model.labels), cat.model.review_at if cat.model.review_at is not None
               else 2.0, cat.model.reject_at if cat.model.reject_at is not None else 2.0]
        for name, cat in policy.categories.items()
        if cat.enabled and cat.model is not None and cat.action != "flag"
    }
    variants: list[tuple[str, dict]] = [("policy as written", {k: list(v) for k, v in
                                                                base.items()})]
    current = {k: list(v) for k, v in base.items()}
    for spec in a.set:
        key, value = spec.split("=")
        cat, field = key.split(".")
        current[cat][1 if field == "review_at" else 2] = float(value)
        variants.append((f"+ {spec}", {k: list(v) for k, v in current.items()}))
    data = []
    for path in a.csv:
        comments, y = read(path)
        rule = [SEVERITY[d.action] for d in engine.decide_batch(comments)]
        scores = scorer.score([c.text for c in comments])
        data.append((path.name, rule, scores, y))
    for title, th in variants:
        rules = [(k, v[0], v[1], v[2]) for k, v in th.items()]
        print(f"\n{title}")
        pooled: tuple[list[int], list[int], list[int]] = ([], [], [])
        for name, rule, scores, y in data:
            model = [model_action(s, rules) for s in scores]
            print(f"  {name}: {figures(rule, model, y)}")
            pooled[0].extend(rule)
            pooled[1].extend(model)
            pooled[2].extend(y)
        if len(data) > 1:
            print(f"  pooled: {figures(*pooled)}")


if __name__ == "__main__":
    main()
