"""How fast this host's CPUs run right now, printed beside every benchmark's figures.

The virtual CPUs of these machines change speed between runs and between each other (seen here:
``sum(range(1000))`` from 10.7 to 27 us on quiet machines), so a figure means little without it.
"""

from __future__ import annotations

import os
import time


def calibrate(cpu: int) -> float:
    """Best-of-5 seconds for a fixed pure-Python loop, run on ``cpu`` only."""
    os.sched_setaffinity(0, {cpu})
    best = float("inf")
    for _ in range(5):  # ~0.1 s each: long enough for the CPU to reach its running speed
        t0 = time.perf_counter()
        for _ in range(5000):
            sum(range(1000))
        best = min(best, time.perf_counter() - t0)
    return best / 5000


def speeds() -> dict[int, float]:
    """Seconds per ``sum(range(1000))`` on each CPU this process may use (affinity restored)."""
    if not hasattr(os, "sched_setaffinity"):
        return {}
    cpus = sorted(os.sched_getaffinity(0))
    try:
        return {c: calibrate(c) for c in cpus}
    finally:
        os.sched_setaffinity(0, set(cpus))


def describe(speed: dict[int, float]) -> str:
    if not speed:
        return "host speed not measured (no sched_setaffinity)"
    cal = ", ".join(f"CPU {c} {t * 1e6:.1f} us" for c, t in speed.items())
    return f"sum(range(1000)) takes {cal}"
