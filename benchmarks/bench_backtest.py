"""Backtest speed: 10,000 stored comments replayed through a candidate and the live policy.

    python benchmarks/bench_backtest.py [--n 10000] [--scorer none|sklearn]

Comments are texts from the shared datasets (repeated to reach N; synthetic sentences when the
datasets are absent), stored as submissions in a temporary SQLite database, then read back with
``backtest.stored_items`` and decided by both engines with ``backtest.run`` (batches of 256; the
scorer runs once per batch for both engines). Prints the time of each phase and comments/s.
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import csv  # noqa: E402
import random  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
DATASETS = Path(os.environ.get("MODERATION_DATASETS", REPO.parent / "shared" / "datasets"))
CANDIDATE = """\
id: default
extends: ../policies/default.yaml
categories:
  profanity:
    allow_add: [crap]
    patterns_add:
      - id: damn
        pattern: '\\bdamn(?:ed|it)?\\b'
  personal_attack:
    action: review
  toxicity:
    model:
      review_at: 0.6
"""


def texts(n: int) -> tuple[list[str], str]:
    found: list[str] = []
    for rel, col in [("civil-comments-autolabel-sample/civil_comments_test.csv", "text"),
                     ("civil-comments-autolabel-sample/civil_comments.csv", "text"),
                     ("jigsaw-toxic-detoxify-sample/train.csv", "comment_text"),
                     ("kaggle-insults-social-commentary/train.csv", "Comment")]:
        p = DATASETS / rel
        if p.is_file():
            with p.open(newline="", encoding="utf-8") as fh:
                found += [r[col][:5000] for r in csv.DictReader(fh) if r.get(col, "").strip()]
    source = f"{len(found)} distinct dataset texts, repeated" if found else "synthetic"
    if not found:
        rng = random.Random(0)
        words = "the council vote budget idiot great crap thanks people tax report".split()
        found = [" ".join(rng.choice(words) for _ in range(30)) for _ in range(500)]
    return [found[i % len(found)] for i in range(n)], source


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--scorer", default="none")
    ap.add_argument("--jobs", type=int, default=1, help="processes (backtest --jobs)")
    args = ap.parse_args()

    from datetime import UTC, datetime

    from sqlalchemy import insert

    from moderation.engine import Engine
    from moderation.policy import backtest as bt
    from moderation.policy import load_policy
    from moderation.scorers import load_scorer
    from moderation.store import migrate
    from moderation.store import repository as repo
    from moderation.store.db import Database
    from moderation.store.schema import Submission

    comments, source = texts(args.n)
    with tempfile.TemporaryDirectory() as tmp:
        cand_dir = Path(tmp) / "candidate"
        cand_dir.mkdir()
        (cand_dir / "default.yaml").write_text(
            CANDIDATE.replace("../policies/default.yaml", str(REPO / "policies/default.yaml")))
        db = Database.connect(f"sqlite:///{tmp}/bench.db")
        migrate.upgrade(db.engine)
        with db.session() as s:
            repo.add_site(s, "site1", secret="x", policy_id="default")
        t0 = time.perf_counter()
        now = datetime.now(UTC)
        with db.session() as s:  # one transaction: this is set-up, not what is measured
            s.execute(insert(Submission), [
                {"site_id": "site1", "comment_id": str(i), "text": text,
                 "text_sha256": repo.text_sha256(text), "status": "decided", "received_at": now,
                 "enqueue_count": 1, "attempts": 1} for i, text in enumerate(comments)])
        t_store = time.perf_counter() - t0

        t0 = time.perf_counter()
        new_policy = load_policy(cand_dir / "default.yaml", strict=True)
        live_policy = load_policy()
        scorer = bt.SharedScores(load_scorer(args.scorer))
        new, live = Engine(new_policy, scorer), Engine(live_policy, scorer)
        t_load = time.perf_counter() - t0

        c0 = time.process_time()
        t0 = time.perf_counter()
        items = bt.stored_items(db, last=args.n, policy_id="default")
        t_read = time.perf_counter() - t0
        if args.jobs > 1:
            res = bt.run_parallel(new_policy, live_policy, items, jobs=args.jobs,
                                  scorer_name=args.scorer)
        else:
            res = bt.run(new, live, items)
        t_run = res.elapsed_s
        t0 = time.perf_counter()
        bt.to_markdown(res, bt.write_charts(res, Path(tmp) / "out"))
        t_report = time.perf_counter() - t0
        cpu = time.process_time() - c0
        db.dispose()

    total = t_load + t_read + t_run + t_report
    print(f"comments: {len(items)} ({source}); scorer: {scorer.name}; jobs: {args.jobs}")
    print(f"setup (not part of a backtest): storing {args.n} submissions {t_store:.1f} s")
    print(f"load + strict-validate candidate, build both engines: {t_load:.2f} s")
    print(f"read stored comments + labels: {t_read:.2f} s")
    print(f"decide with both versions: {t_run:.2f} s ({res.total / t_run:.0f} comments/s, "
          f"{1000 * t_run / max(res.total, 1):.2f} ms per comment for both versions)")
    print(f"report (markdown + 2 PNG charts): {t_report:.2f} s")
    print(f"CPU time of read + decide + report in this process: {cpu:.1f} s (wall above is "
          "longer when the machine is shared; with --jobs the deciding CPU is in the children)")
    print(f"backtest total: {total:.1f} s; {res.changed} decisions changed "
          f"{res.transitions()}; skipped {len(res.skipped)}")


if __name__ == "__main__":
    main()
