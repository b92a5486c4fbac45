"""Rules + model decisions on the DEV rows of the English shared sets, to read misses and to
choose thresholds without touching the rows benchmarks/eval_all.py reports on.

eval_all judges, per set, at most 1,000 rows (chosen by text hash) of the rows the shipped model
did NOT train on. Those are the test rows: never read their misses. The dev rows here are the
other two kinds, kept apart because they behave differently:

- ``trained``: rows the shipped model trained on (recomputed with the same code as eval_all).
  The rules never saw them, but the model's scores on them are in-sample (too confident).
- ``unseen``: held-out rows beyond eval_all's 1,000-row sample. Neither rules nor model saw
  them: the honest pool for choosing thresholds.

    python benchmarks/dev_misses.py                      # figures per set and pool
    python benchmarks/dev_misses.py --set insult.reject_at=0.9 --set toxicity.reject_at=0.95
    python benchmarks/dev_misses.py --show fn --sets civil-comments-autolabel-sample -n 40
    python benchmarks/dev_misses.py --show new-rejects --set insult.reject_at=0.9 -n 50

``--set`` changes accumulate and are applied to the engine's model thresholds exactly as the
policy would (the engine itself decides, including its hold-for-review of framed words).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import pickle
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from moderation.engine import Engine  # noqa: E402
from moderation.evaluation.shared_sets import held_out_sets  # noqa: E402
from moderation.models import Comment, Decision  # noqa: E402
from moderation.policy import load_policy  # noqa: E402

#: English sets with abuse labels (spam and non-English sets are another task's business).
ENGLISH = ("sfu-constructiveness-toxicity", "civil-comments-autolabel-sample",
           "toxic-spans-civil-comments", "fox-news-comments", "kaggle-insults-social-commentary",
           "olid", "hatexplain", "gab-hate-corpus", "stormfront-hate-speech")
NEWS = {"SFU news comments", "Civil Comments (binary files)", "Civil Comments (scored file)",
        "ToxicSpans", "Fox News comments"}


@dataclass
class DevRow:
    set_name: str
    pool: str  # "trained" or "unseen"
    text: str
    violating: bool
    category: str | None


class CachedScorer:
    """The shipped scorer's scores, computed once per text and replayed."""

    def __init__(self, name: str, labels: tuple[str, ...], cache: dict[str, dict[str, float]]
                 ) -> None:
        self.name, self.labels, self.cache = name, labels, cache

    def score(self, texts: Sequence[str]) -> list[dict[str, float]]:
        return [self.cache[t] for t in texts]


def _pick(rows: list, cap: int, salt: str) -> list:
    """At most ``cap`` rows by a salted text hash (a different draw from eval_all's)."""
    if len(rows) <= cap:
        return rows
    return sorted(rows, key=lambda r: hashlib.sha1(
        (salt + r.text).encode("utf-8", "surrogatepass")).hexdigest())[:cap]


def build(root: Path, cap: int, seed: int) -> list[DevRow]:
    """Dev rows per English set: trained rows, and held-out rows eval_all does not sample."""
    out: list[DevRow] = []
    for h in held_out_sets(root, ENGLISH, seed, 1000).sets:
        s, trained, unseen = h.set, h.trained, h.unseen
        for pool, rows in (("trained", trained), ("unseen", unseen)):
            for r in _pick(rows, cap, "dev"):
                out.append(DevRow(s.name, pool, r.text, r.violating, r.category))
        print(f"{s.name}: trained {len(trained)}, unseen {len(unseen)} (cap {cap})",
              file=sys.stderr)
    return out


def load_rows(root: Path, cap: int, seed: int, cache: Path
              ) -> tuple[list[DevRow], dict[str, dict[str, float]], str, tuple[str, ...]]:
    if cache.exists():
        with cache.open("rb") as fh:
            return pickle.load(fh)
    from moderation.scorers.sklearn_scorer import SklearnScorer

    rows = build(root, cap, seed)
    scorer = SklearnScorer.load()
    texts = sorted({r.text for r in rows})
    scores = dict(zip(texts, scorer.score(texts), strict=True))
    data = (rows, scores, scorer.name, scorer.labels)
    cache.parent.mkdir(parents=True, exist_ok=True)
    with cache.open("wb") as fh:
        pickle.dump(data, fh)
    return data


def apply_sets(engine: Engine, specs: Sequence[str]) -> None:
    """category.review_at=V / category.reject_at=V / category.labels=a+b on the engine."""
    rules = list(engine._model_rules)  # noqa: SLF001 - a dev tool replaying the engine
    for spec in specs:
        key, value = spec.split("=")
        cat, fld = key.split(".")
        for i, (name, th, action) in enumerate(rules):
            if name == cat:
                new = (value.split("+") if fld in ("labels", "confirm_with")
                       else (None if value == "none" else float(value)))
                rules[i] = (name, th.model_copy(update={fld: new}), action)
                break
        else:
            raise SystemExit(f"no model category {cat!r}")
    engine._model_rules = rules  # noqa: SLF001
    engine._confirm = {  # noqa: SLF001 - as Engine.__init__ builds it
        name: (th.confirm_at, frozenset(th.confirm_with or [name]))
        for name, th, action in rules if th.confirm_at is not None and action != "flag"}


def decide(engine: Engine, rows: Sequence[DevRow]) -> list[Decision]:
    out: list[Decision] = []
    for i in range(0, len(rows), 512):
        out += engine.decide_batch([Comment(text=r.text, comment_id=str(i + k))
                                    for k, r in enumerate(rows[i:i + 512])])
    return out


def summary(rows: Sequence[DevRow], acts: Sequence[str]) -> str:
    viol = [a for r, a in zip(rows, acts, strict=True) if r.violating]
    clean = [a for r, a in zip(rows, acts, strict=True) if not r.violating]
    tp, fp = viol.count("reject"), clean.count("reject")
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / len(viol) if viol else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    pc = (lambda n: f"{100 * n / len(clean):5.1f}%") if clean else (lambda n: "    -")
    return (f"n={len(rows):5d} ({len(viol):4d} viol) P {prec:.2f} R {rec:.2f} F1 {f1:.2f} | "
            f"clean rej {pc(fp)} rev {pc(clean.count('review'))} | viol rev "
            f"{100 * viol.count('review') / max(len(viol), 1):5.1f}%")


def why(d: Decision) -> str:
    return "; ".join(f"{r.action}:{r.category}/{r.source}"
                     + (f"={r.label}:{r.score}" if r.score is not None else "")
                     + (f"[{r.rule_id}]" if getattr(r, "rule_id", None) else "")
                     for r in d.reasons)


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("datasets", nargs="?", type=Path,
                    default=Path(os.environ.get("MODERATION_DATASETS",
                                                ROOT.parent / "shared" / "datasets")))
    ap.add_argument("--cap", type=int, default=2000, help="rows per set and pool")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/dev_misses_cache.pkl"))
    ap.add_argument("--policy", default=None)
    ap.add_argument("--set", action="append", default=[])
    ap.add_argument("--sets", default=None, help="comma-separated set names to show")
    ap.add_argument("--pool", default=None, help="trained or unseen (default both)")
    ap.add_argument("--show", choices=("fn", "fp", "review", "new-rejects", "rejects"))
    ap.add_argument("-n", type=int, default=30)
    a = ap.parse_args(argv)

    rows, cache, name, labels = load_rows(a.datasets, a.cap, a.seed, a.cache)
    if a.sets:
        wanted = {s.strip() for s in a.sets.split(",")}
        rows = [r for r in rows if r.set_name in wanted]
    if a.pool:
        rows = [r for r in rows if r.pool == a.pool]
    policy = load_policy(a.policy)
    engine = Engine(policy, CachedScorer(name, labels, cache))
    base = decide(engine, rows) if a.show == "new-rejects" else None
    apply_sets(engine, a.set)
    decs = decide(engine, rows)
    acts = [d.action for d in decs]

    groups: dict[tuple[str, str], list[int]] = {}
    for i, r in enumerate(rows):
        groups.setdefault((r.set_name, r.pool), []).append(i)
    print("settings:", " ".join(a.set) or "policy as written")
    for (s, pool), idx in groups.items():
        print(f"  {s[:30]:30s} {pool:7s} {summary([rows[i] for i in idx], [acts[i] for i in idx])}")
    for pool in ("trained", "unseen"):
        idx = [i for i, r in enumerate(rows) if r.pool == pool and r.set_name in NEWS]
        if idx:
            print(f"  {'NEWS pooled':30s} {pool:7s} "
                  f"{summary([rows[i] for i in idx], [acts[i] for i in idx])}")
    # which categories send violating rows to review instead of rejecting
    cats: Counter[str] = Counter()
    for r, d in zip(rows, decs, strict=True):
        if r.violating and d.action == "review" and r.set_name in NEWS:
            cats.update({f"{x.category}/{x.source}" for x in d.reasons if x.action == "review"})
    print("news violating rows held at review, by reviewing reason:", dict(cats.most_common(12)))

    if not a.show:
        return
    picked = []
    for i, (r, d) in enumerate(zip(rows, decs, strict=True)):
        if ((a.show == "fn" and r.violating and d.action != "reject")
                or (a.show == "fp" and not r.violating and d.action == "reject")
                or (a.show == "review" and d.action == "review")
                or (a.show == "rejects" and d.action == "reject")
                or (a.show == "new-rejects" and base is not None and d.action == "reject"
                    and base[i].action != "reject")):
            picked.append(i)
    picked = _pick([_Idx(i, rows[i].text) for i in picked], a.n, "show")
    for p in picked:
        r, d = rows[p.i], decs[p.i]
        print(f"\n[{r.set_name} | {r.pool} | {'VIOL' if r.violating else 'clean'} "
              f"{r.category or ''}] -> {d.action}: {why(d)}")
        print("   ", " ".join(r.text.split())[:400])


@dataclass
class _Idx:
    i: int
    text: str


if __name__ == "__main__":
    main()
