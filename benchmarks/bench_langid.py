"""Which language identifier tells the site's languages apart on short comments (prints figures).

    python benchmarks/bench_langid.py

Compares moderation.languages.detect with general identifiers that ship their model (nothing
downloaded at run time), when installed: py3langid and pycld2 (``pip install py3langid
pycld2``; neither is a dependency). Comments: the functional suites (tests/languages/<code>.csv,
243-253 short comments each, the file's language as the label; Kurmanji and Turkish suites
include comments typed without their letters). "strict" needs the exact code (ckb for Sorani,
kmr for Kurmanji); "lenient" also accepts a bare "ku" for either Kurdish variety (what
py3langid and pycld2 say) and "sdh" (py3langid's Southern Kurdish) for Sorani.
"""

from __future__ import annotations

import csv
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from moderation.languages.detect import detect

SUITES = Path(__file__).resolve().parents[1] / "tests" / "languages"
LENIENT = {"ckb": {"ckb", "ku", "sdh"}, "kmr": {"kmr", "ku"}}


def ours(text: str) -> str:
    langs = detect(text).languages
    return langs[0] if langs else "und"


def candidates() -> dict[str, Callable[[str], str]]:
    found: dict[str, Callable[[str], str]] = {"moderation.languages.detect": ours}
    try:
        import py3langid

        found["py3langid"] = lambda t: py3langid.classify(t)[0]
    except ImportError:
        print("py3langid not installed: skipped")
    try:
        import pycld2

        def cld2(t: str) -> str:
            try:
                return pycld2.detect(t)[2][0][1]
            except pycld2.error:
                return "un"

        found["pycld2"] = cld2
    except ImportError:
        print("pycld2 not installed: skipped")
    return found


def main() -> None:
    data: list[tuple[str, str]] = []
    for code in ("ar", "ckb", "kmr", "tr", "fa"):
        with open(SUITES / f"{code}.csv", encoding="utf-8", newline="") as f:
            data += [(code, r["text"]) for r in csv.DictReader(f)]
    print(f"{len(data)} short comments (median {statistics.median(len(t) for _, t in data):.0f} "
          "characters)")
    print(f"{'identifier':30} {'median us':>9}  strict / lenient accuracy per language")
    for name, fn in candidates().items():
        for _, t in data[:50]:
            fn(t)  # warm
        times, right, loose = [], dict.fromkeys(LENIENT | {"ar": 0, "tr": 0, "fa": 0}, 0), {}
        total: dict[str, int] = {}
        confusions: dict[str, dict[str, int]] = {}
        for code, t in data:
            t0 = time.perf_counter()
            got = fn(t)
            times.append(time.perf_counter() - t0)
            total[code] = total.get(code, 0) + 1
            right[code] += got == code
            loose[code] = loose.get(code, 0) + (got in LENIENT.get(code, {code}))
            confusions.setdefault(code, {})[got] = confusions.setdefault(code, {}).get(got, 0) + 1
        per = "  ".join(f"{c} {right[c] / total[c]:.0%}/{loose[c] / total[c]:.0%}" for c in total)
        print(f"{name:30} {statistics.median(times) * 1e6:9.0f}  {per}")
        for c, conf in confusions.items():
            top = sorted(conf.items(), key=lambda kv: -kv[1])[:3]
            print(f"{'':32}{c}: " + ", ".join(f"{k} {v}" for k, v in top))


if __name__ == "__main__":
    main()
