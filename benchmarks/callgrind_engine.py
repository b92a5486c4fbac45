"""Instructions per English comment through ``Engine.decide_batch``, counted by callgrind: a
figure that does not move with the machine's load (bench_engine's comments/s do, a lot, on a
shared host).

    PYTHONHASHSEED=0 valgrind --tool=callgrind --instr-atstart=no \\
        python benchmarks/callgrind_engine.py 300

Collection is switched on (``callgrind_control -i on``) only around the batches, after the
policy, the model and the language identifier are loaded and a warm-up batch ran, so the
"Collected" total valgrind prints divided by the comment count is the engine's cost per comment.
Comments: bench_engine's corpus (50-word news comments, ~20 % abusive), seed 1. Without
valgrind the script just runs (a smoke check).
"""

from __future__ import annotations

import os
import subprocess
import sys

import bench_engine  # noqa: E402  (benchmarks/ is on sys.path when run as a script)


def _collect(on: bool) -> None:
    if "vgpreload" not in os.environ.get("LD_PRELOAD", ""):
        return  # not under valgrind (it preloads its vgpreload_*.so)
    subprocess.run(["callgrind_control", "-i", "on" if on else "off", str(os.getpid())],
                   check=True, capture_output=True)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    from moderation.engine import Engine
    from moderation.models import Comment
    from moderation.policy import load_policy
    from moderation.scorers import load_scorer

    engine = Engine(load_policy(None), load_scorer("sklearn"))
    comments = [Comment(text=t) for t in bench_engine.build_comments(n, seed=1)]
    engine.decide_batch(comments[:20])  # warm-up
    _collect(True)
    for i in range(0, n, 100):
        engine.decide_batch(comments[i : i + 100])
    _collect(False)
    print(f"decided {n} comments (divide callgrind's Collected total by {n})", file=sys.stderr)


if __name__ == "__main__":
    main()
