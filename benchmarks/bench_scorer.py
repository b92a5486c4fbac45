"""Speed of the default ML scorer on one core: per-comment cost in batches and single-comment
latency (p50/p99). Budget: <= 0.25 ms per 50-word comment in batches of 256, <= 3 ms single.

    python benchmarks/bench_scorer.py [--n 2048] [--words 50]

Comments are built from a fixed vocabulary of news-comment words (seeded), so runs compare.
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

from threadpoolctl import threadpool_limits  # noqa: E402

from moderation.scorers.sklearn_scorer import SklearnScorer  # noqa: E402
from moderation.scorers.text_prep import prepare  # noqa: E402

WORDS = (
    "the government said council budget vote election minister article comment people think "
    "really should would never always tax money police city school health climate war "
    "report news story idiot stupid liar great thanks agree disagree because however "
    "Trump Trudeau Canada Oregon refugees immigration housing rent price market jobs "
    "fuck damn crap shut kill hate love ridiculous pathetic clown moron check http://x.co/a"
).split()


def comments(n: int, words: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        w = [rng.choice(WORDS) for _ in range(words)]
        out.append(" ".join(w).capitalize() + ".")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=2048)
    ap.add_argument("--words", type=int, default=50)
    ap.add_argument("--batch", type=int, default=256)
    args = ap.parse_args()
    with threadpool_limits(1):
        scorer = SklearnScorer.load()
        texts = comments(args.n, args.words)
        scorer.score(texts[: args.batch])  # warm-up
        # batches
        runs = []
        for _ in range(3):
            t0 = time.perf_counter()
            for i in range(0, len(texts), args.batch):
                scorer.score(texts[i : i + args.batch])
            runs.append((time.perf_counter() - t0) / len(texts))
        per = min(runs)
        # stage split for one batch
        b = texts[: args.batch]
        t0 = time.perf_counter()
        prep = [prepare(t) for t in b]
        t1 = time.perf_counter()
        x = scorer.features.transform(prep)
        t2 = time.perf_counter()
        _ = x @ scorer.weights
        t3 = time.perf_counter()
        # single comments
        lat = []
        for t in texts[:1000]:
            t0s = time.perf_counter()
            scorer.score([t])
            lat.append(time.perf_counter() - t0s)
    lat.sort()
    p50 = statistics.median(lat) * 1e3
    p99 = lat[int(0.99 * len(lat)) - 1] * 1e3
    print(f"scorer {scorer.name}, {args.words}-word comments, one thread")
    print(f"batch of {args.batch}: {per * 1e3:.4f} ms/comment ({1 / per:,.0f} comments/s) "
          f"[budget 0.25 ms]  best of 3 over {len(texts)} comments")
    print(f"  split per comment: prepare {(t1 - t0) / len(b) * 1e3:.4f} ms, features "
          f"{(t2 - t1) / len(b) * 1e3:.4f} ms, heads {(t3 - t2) / len(b) * 1e3:.4f} ms")
    print(f"single comment: p50 {p50:.3f} ms, p99 {p99:.3f} ms, max {lat[-1] * 1e3:.3f} ms "
          f"[budget 3 ms] over {len(lat)} calls")


if __name__ == "__main__":
    main()
