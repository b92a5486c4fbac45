"""Cost of explaining a model flag (which words pushed the score, ``SklearnScorer.explain``) on
one core, by comment length; the engine pays it only for comments the model flags. Prints
figures; asserts nothing.

    python benchmarks/bench_explain.py [--n 200]

Comments are built from bench_scorer.py's fixed vocabulary (seeded), so runs compare.
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scorer import comments  # noqa: E402

from moderation.scorers.sklearn_scorer import SklearnScorer  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200, help="comments per length")
    args = ap.parse_args()
    scorer = SklearnScorer.load()
    print(f"explain(text, [toxicity, insult]) on one core, {args.n} comments per length")
    for words in (20, 50, 100, 300):
        texts = comments(args.n, words, seed=words)
        scorer.explain(texts[0], ["toxicity", "insult"])  # warm up
        ms = []
        for t in texts:
            t0 = time.perf_counter()
            scorer.explain(t, ["toxicity", "insult"])
            ms.append((time.perf_counter() - t0) * 1000)
        ms.sort()
        print(f"  {words:>3} words: median {statistics.median(ms):6.2f} ms   "
              f"p99 {ms[int(len(ms) * 0.99) - 1]:6.2f} ms   max {ms[-1]:6.2f} ms")


if __name__ == "__main__":
    main()
