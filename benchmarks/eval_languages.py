"""Rules-only figures for the site's other languages: the functional suites, then
licence-clean labelled data nobody here wrote.

    python benchmarks/eval_languages.py [--datasets ../shared/datasets]  (or $MODERATION_DATASETS)
    python benchmarks/eval_languages.py --suites-only [--failures]

Suites (tests/languages/<code>.csv): the share of hateful cases rejected and of contrasts
rejected, per language and per function.

For each set: the share of offensive rows the rules reject (and reject or send to review) and
the share of non-offensive rows they reject. Labels are the sets' own ("offensive" covers much
more than our guidelines reject: rudeness, sarcasm, political abuse), so the first figure is a
floor on recall, the last one an upper bound on wrongful rejections. Also prints the languages
the detector saw. Training splits only; nothing reserved is read.
"""

from __future__ import annotations

import argparse
import collections
import csv
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from moderation.engine import Engine
from moderation.models import Comment
from moderation.policy import load_policy

csv.field_size_limit(sys.maxsize)


def rows(path: Path, text: str, label: str, offensive: set[str]) -> Iterator[tuple[str, bool]]:
    with open(path, encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            t = (r.get(text) or "").replace("<LF>", "\n").strip()
            if t:
                yield t[:10000], r[label].strip() in offensive


SETS = {
    "arabic-multiplatform-comments": ("mpold.csv", "Comment", "Majority_Label", {"Offensive"}),
    "arabic-mlma": ("ar_dataset.csv", "tweet", "sentiment",
                    {"offensive", "hateful", "abusive", "disrespectful", "fearful",
                     "hateful_normal", "offensive_disrespectful", "abusive_offensive",
                     "abusive_hateful", "offensive_hateful"}),
    "arabic-offenseval2020": ("train.csv", "tweet", "subtask_a", {"OFF"}),
    "turkish-offenseval2020": ("train.csv", "tweet", "subtask_a", {"OFF"}),
}


SUITES = ("ar", "ckb", "kmr", "tr", "fa")
SUITE_DIR = Path(__file__).resolve().parents[1] / "tests" / "languages"


def suites(engine: Engine, failures: bool, folder: Path = SUITE_DIR) -> None:
    print(f"{'suite':6} {'cases':>5} {'hateful':>8} {'rejected':>9} {'contrasts':>9} "
          f"{'rejected':>9}  per function (rejected/n)")
    for code in SUITES:
        with open(folder / f"{code}.csv", encoding="utf-8", newline="") as f:
            cases = list(csv.DictReader(f))
        decisions = engine.decide_batch([Comment(text=c["text"]) for c in cases])
        per: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
        bad = []
        for c, d in zip(cases, decisions, strict=True):
            per[c["function"]][0] += d.action == "reject"
            per[c["function"]][1] += 1
            if (d.action == "reject") != (c["expected"] == "reject"):
                bad.append((c["id"], c["expected"], d.action, c["text"]))
        hate = [d.action == "reject" for c, d in zip(cases, decisions, strict=True)
                if c["expected"] == "reject"]
        cont = [d.action == "reject" for c, d in zip(cases, decisions, strict=True)
                if c["expected"] == "approve"]
        funcs = " ".join(f"{k} {v[0]}/{v[1]}" for k, v in per.items())
        print(f"{code:6} {len(cases):5d} {len(hate):8d} {sum(hate) / len(hate):9.1%} "
              f"{len(cont):9d} {sum(cont) / len(cont):9.1%}  {funcs}")
        if failures:
            for b in bad:
                print("   ", *b)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--suites-only", action="store_true")
    ap.add_argument("--failures", action="store_true", help="print the suite cases missed")
    ap.add_argument("--datasets", default=os.environ.get(
        "MODERATION_DATASETS", str(Path(__file__).resolve().parents[1].parent / "shared"
                                   / "datasets")))
    args = ap.parse_args()
    engine = Engine(load_policy())
    suites(engine, args.failures)
    print("\nwritten after the lists were frozen (tests/languages/fresh/):")
    suites(engine, args.failures, SUITE_DIR / "fresh")
    print("\nwritten blind to the lists, never used to change them (tests/languages/fresh2/):")
    suites(engine, False, SUITE_DIR / "fresh2")  # never its cases: the lists are not tuned on it
    if args.suites_only:
        return
    print()
    print(f"{'set':32} {'rows':>6} {'off':>6} {'off rej':>8} {'off rej/rev':>11} "
          f"{'not rej':>8} {'ms/row':>7}  languages seen")
    for name, (fname, text, label, offensive) in SETS.items():
        path = Path(args.datasets) / name / fname
        if not path.is_file():
            print(f"{name}: not found at {path}")
            continue
        data = list(rows(path, text, label, offensive))
        t0 = time.perf_counter()
        decisions = engine.decide_batch([Comment(text=t) for t, _ in data])
        ms = (time.perf_counter() - t0) * 1000 / max(len(data), 1)
        off = [d for d, (_, y) in zip(decisions, data, strict=True) if y]
        clean = [d for d, (_, y) in zip(decisions, data, strict=True) if not y]
        langs = collections.Counter(getattr(d, "languages", None) and d.languages[0] or "-"
                                    for d in decisions)
        rej = sum(d.action == "reject" for d in off) / max(len(off), 1)
        rr = sum(d.action != "approve" for d in off) / max(len(off), 1)
        crej = sum(d.action == "reject" for d in clean) / max(len(clean), 1)
        top = ", ".join(f"{k} {v / len(decisions):.0%}" for k, v in langs.most_common(4))
        print(f"{name:32} {len(data):6d} {len(off):6d} {rej:8.1%} {rr:11.1%} {crej:8.1%} "
              f"{ms:7.3f}  {top}")
    lexicons(engine, Path(args.datasets).parent / "lexicons")


LEXICONS = ("ldnoobw/ar.txt", "ldnoobw-v2/ar.txt", "ldnoobw/fa.txt", "ldnoobw-v2/fa.txt",
            "persian-swear-words/fa.txt", "ldnoobw/tr.txt", "ldnoobw-v2/tr.txt")


def lexicons(engine: Engine, folder: Path) -> None:
    """Coverage check: each raw lexicon entry as a comment on its own, rejected or not. The
    lexicons are raw (ordinary words, news vocabulary, other dialects; their README): 100 %
    is not the aim, and they were never used to build the lists."""
    print(f"\n{'raw lexicon (entry alone)':32} {'entries':>7} {'rejected':>9} {'reject/rev':>10}")
    for name in LEXICONS:
        path = folder / name
        if not path.is_file():
            continue
        entries = [x.strip() for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
        decisions = engine.decide_batch([Comment(text=x) for x in entries])
        rej = sum(d.action == "reject" for d in decisions) / len(entries)
        rr = sum(d.action != "approve" for d in decisions) / len(entries)
        print(f"{name:32} {len(entries):7d} {rej:9.1%} {rr:10.1%}")


if __name__ == "__main__":
    main()
