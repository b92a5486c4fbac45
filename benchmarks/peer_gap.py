"""Where the peers beat the engine on real comments: DEV rows only (issue 12).

eval_all reports reject F1 per shared set for the engine (rules + model), alt-profanity-check
and better-profanity 0.7.0. This script looks at the same kinds of rows, but only the DEV rows
of ``benchmarks/dev_misses.py`` (its row selection is imported, never its test rows), and
counts per set:

- ``peer_only``: violating rows a peer rejects and the engine does not (split by our action,
  approve / review), and the same for each peer;
- ``our_fp``: clean rows the engine rejects and neither peer does;

then aggregates those rows by the words better-profanity matched (the spans its ``censor``
replaced) and by the engine's reasons (category/source/rule id) that fired.

    python benchmarks/peer_gap.py                                   # counts and words
    python benchmarks/peer_gap.py --sets fox-news-comments --show our_fp -n 30   # texts (dev)
    python benchmarks/peer_gap.py --show peer_only --word crap -n 20
    python benchmarks/peer_gap.py --set toxicity.reject_at=0.95     # as dev_misses --set

better-profanity takes ~40 ms a comment: its and alt-profanity-check's verdicts are cached
per text in ``--peer-cache`` (the first run takes ~12 minutes on one core).
"""

from __future__ import annotations

import argparse
import difflib
import os
import pickle
import re
import sys
from collections import Counter
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from dev_misses import (  # noqa: E402
    ENGLISH,
    CachedScorer,
    DevRow,
    apply_sets,
    decide,
    load_rows,
    why,
)

from moderation.engine import Engine  # noqa: E402
from moderation.policy import load_policy  # noqa: E402

#: dev_misses.py run as a script pickles its rows as ``__main__.DevRow``: the same cache loads
#: here when that name resolves.
sys.modules["__main__"].DevRow = DevRow  # type: ignore[attr-defined]

SHORT = {"sfu-constructiveness-toxicity": "SFU news comments",
         "civil-comments-autolabel-sample": "Civil Comments",
         "fox-news-comments": "Fox News comments", "kaggle-insults-social-commentary": "Kaggle",
         "toxic-spans-civil-comments": "ToxicSpans", "olid": "OLID",
         "hatexplain": "HateXplain", "gab-hate-corpus": "Gab", "stormfront-hate-speech":
         "Stormfront"}


def better_profanity_words(texts: list[str]) -> dict[str, tuple[str, ...]]:
    """The words better-profanity's default list censors in each text (empty: it approves)."""
    from better_profanity import profanity

    profanity.load_censor_words()
    out: dict[str, tuple[str, ...]] = {}
    for k, t in enumerate(texts):
        censored = profanity.censor(t)
        if censored == t:
            out[t] = ()
        else:
            sm = difflib.SequenceMatcher(None, t, censored, autojunk=False)
            out[t] = tuple(t[i1:i2].strip().lower() for op, i1, i2, _j1, _j2 in sm.get_opcodes()
                           if op in ("replace", "delete") and t[i1:i2].strip()) or ("?",)
        if k % 1000 == 999:
            print(f"  better-profanity {k + 1}/{len(texts)}", file=sys.stderr)
    return out


def peer_verdicts(texts: list[str], cache: Path) -> dict[str, tuple[bool, tuple[str, ...]]]:
    """text -> (alt-profanity-check rejects, better-profanity's censored words)."""
    data: dict[str, tuple[bool, tuple[str, ...]]] = {}
    if cache.exists():
        with cache.open("rb") as fh:
            data = pickle.load(fh)
    todo = sorted({t for t in texts if t not in data})
    if todo:
        from profanity_check import predict

        alt = [bool(p) for p in predict(todo)]
        bp = better_profanity_words(todo)
        data.update({t: (a, bp[t]) for t, a in zip(todo, alt, strict=True)})
        with cache.open("wb") as fh:
            pickle.dump(data, fh)
    return data


def reason_keys(d) -> set[str]:
    return {f"{r.action}:{r.category}/{r.source}" + (f"[{r.rule_id}]" if r.rule_id else "")
            for r in d.reasons}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("datasets", nargs="?", type=Path,
                    default=Path(os.environ.get("MODERATION_DATASETS",
                                                ROOT.parent / "shared" / "datasets")))
    ap.add_argument("--cap", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/dev_misses_cache.pkl"))
    ap.add_argument("--peer-cache", type=Path, default=Path("/tmp/peer_gap_peers.pkl"))
    ap.add_argument("--policy", default=None)
    ap.add_argument("--set", action="append", default=[])
    ap.add_argument("--rules-only", action="store_true", help="no model (Civil and Fox dev "
                    "rows are all rows the model trained on: its scores there are in-sample)")
    ap.add_argument("--sets", default=None, help="comma-separated set ids or names")
    ap.add_argument("--pool", default=None, help="trained or unseen (default both)")
    ap.add_argument("--show", choices=("peer_only", "our_fp", "bp_fp", "both_fn"),
                    help="print DEV-row texts of one kind (bp_fp: clean rows better-profanity "
                         "rejects; both_fn: violating rows nobody rejects)")
    ap.add_argument("--word", default=None, help="with --show: only rows where "
                    "better-profanity matched this word")
    ap.add_argument("--reason", default=None, help="with --show: only rows with a reason "
                    "containing this text")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--word-table", action="store_true", help="per better-profanity word: "
                    "violating and clean rows holding it, and our action on them")
    ap.add_argument("-n", type=int, default=30)
    a = ap.parse_args(argv)

    rows, cache, name, labels = load_rows(a.datasets, a.cap, a.seed, a.cache)
    if a.sets:
        wanted = {s.strip() for s in a.sets.split(",")}
        wanted |= {SHORT.get(s, s) for s in wanted}
        rows = [r for r in rows if r.set_name in wanted
                or any(r.set_name.startswith(w) for w in wanted)]
    if a.pool:
        rows = [r for r in rows if r.pool == a.pool]
    peers = peer_verdicts([r.text for r in rows], a.peer_cache)
    engine = Engine(load_policy(a.policy),
                    None if a.rules_only else CachedScorer(name, labels, cache))
    if not a.rules_only:
        apply_sets(engine, a.set)
    decs = decide(engine, rows)

    print("settings:", "rules only" if a.rules_only else " ".join(a.set) or "policy as written",
          "| sets:", ", ".join(ENGLISH))
    print(f"{'set':30s} {'pool':7s} {'viol':>5s} {'clean':>5s} | F1 ours alt  bp  | "
          "peer-only viol: appr rev (alt / bp) | our FP, no peer | bp FP")
    by_set: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        by_set.setdefault(f"{r.set_name}\t{r.pool}", []).append(i)
    words_peer: Counter[str] = Counter()
    words_fp: Counter[str] = Counter()
    reasons_peer: Counter[str] = Counter()
    reasons_fp: Counter[str] = Counter()

    def f1(pred: list[bool], gold: list[bool]) -> float:
        tp = sum(p and g for p, g in zip(pred, gold, strict=True))
        fp = sum(p and not g for p, g in zip(pred, gold, strict=True))
        fn = sum(g and not p for p, g in zip(pred, gold, strict=True))
        return 2 * tp / (2 * tp + fp + fn) if tp else 0.0

    for key, idx in by_set.items():
        s, pool = key.split("\t")
        gold = [rows[i].violating for i in idx]
        ours = [decs[i].action == "reject" for i in idx]
        alt = [peers[rows[i].text][0] for i in idx]
        bp = [bool(peers[rows[i].text][1]) for i in idx]
        po = Counter()
        fp_only = bp_fp = 0
        for i, g, o, al, b in zip(idx, gold, ours, alt, bp, strict=True):
            act = decs[i].action
            if g and not o and (al or b):
                po[act] += 1
                po["alt"] += al
                po["bp"] += b
                words_peer.update(set(peers[rows[i].text][1]))
                reasons_peer.update(reason_keys(decs[i]) or {f"{act}:(no reason)"})
            if not g and o and not al and not b:
                fp_only += 1
                reasons_fp.update(reason_keys(decs[i]))
            if not g and b:
                bp_fp += 1
            if not g and o:
                words_fp.update(set(peers[rows[i].text][1]))
        print(f"{s[:30]:30s} {pool:7s} {sum(gold):5d} {len(gold) - sum(gold):5d} | "
              f"{f1(ours, gold):.2f} {f1(alt, gold):.2f} {f1(bp, gold):.2f} | "
              f"{po['approve']:4d} {po['review']:4d} ({po['alt']:4d} / {po['bp']:4d}) | "
              f"{fp_only:4d} | {bp_fp:4d}")
    print(f"\nbetter-profanity words on violating rows a peer rejects and we don't "
          f"(top {a.top}):")
    print("  ", ", ".join(f"{w} {c}" for w, c in words_peer.most_common(a.top)))
    print("our reasons on those rows:")
    for k, c in reasons_peer.most_common(a.top):
        print(f"   {c:5d} {k}")
    print("better-profanity words on clean rows we reject:")
    print("  ", ", ".join(f"{w} {c}" for w, c in words_fp.most_common(a.top)))
    print("our reasons on clean rows we reject and no peer does:")
    for k, c in reasons_fp.most_common(a.top):
        print(f"   {c:5d} {k}")

    if a.word_table:
        table: dict[str, Counter[str]] = {}
        for r, d in zip(rows, decs, strict=True):
            for w in set(peers[r.text][1]):
                table.setdefault(w, Counter())[
                    f"{'v' if r.violating else 'c'}:{d.action}"] += 1
        print(f"\n{'word':16s} {'viol':>5s} rej/rev/appr   {'clean':>5s} rej/rev/appr")
        for w, c in sorted(table.items(), key=lambda kv: -sum(kv[1].values()))[:a.top]:
            v = [c[f"v:{x}"] for x in ("reject", "review", "approve")]
            k = [c[f"c:{x}"] for x in ("reject", "review", "approve")]
            print(f"{w[:16]:16s} {sum(v):5d} {v[0]:4d}/{v[1]:4d}/{v[2]:4d}   {sum(k):5d} "
                  f"{k[0]:4d}/{k[1]:4d}/{k[2]:4d}")

    if not a.show:
        return
    shown = 0
    for i, r in enumerate(rows):
        alt_r, bpw = peers[r.text]
        ours = decs[i].action == "reject"
        kind = {"peer_only": r.violating and not ours and (alt_r or bool(bpw)),
                "our_fp": not r.violating and ours and not alt_r and not bpw,
                "bp_fp": not r.violating and bool(bpw),
                "both_fn": r.violating and not ours and not alt_r and not bpw}[a.show]
        if not kind or (a.word and a.word.lower() not in bpw):
            continue
        if a.reason and a.reason not in why(decs[i]):
            continue
        print(f"\n[{r.set_name} | {r.pool} | {'VIOL' if r.violating else 'clean'} "
              f"{r.category or ''}] ours {decs[i].action}: {why(decs[i])} | alt "
              f"{'rej' if alt_r else 'ok'} | bp {','.join(bpw) or 'ok'}")
        print("   ", re.sub(r"\s+", " ", r.text)[:400])
        shown += 1
        if shown >= a.n:
            break


if __name__ == "__main__":
    main()
