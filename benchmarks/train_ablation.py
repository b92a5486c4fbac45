"""What each licence-clean training set adds: retrain on set combinations, same held-out rows.

Every configuration is trained exactly as ``moderation train`` trains (same features, heads,
source weights and out-of-fold calibration) on the TRAINING split of its sets; all are scored on
the same held-out rows (the split is per set, so adding a set never moves another set's
held-out rows) and on SFU (evaluation only). Prints one markdown table per view and writes JSON.

    python benchmarks/train_ablation.py --datasets ../shared/datasets --out /tmp/ablation.json
    python benchmarks/train_ablation.py --configs base,all --datasets ../shared/datasets

Configurations: ``base`` (the five sets of the 2026-11-26 model), ``base+<set>`` for each new
set, ``all`` (every licence-clean set), ``all-unmasked`` (``all`` without the Kurdish word mask:
what the mask changes), ``all-<set>`` (all but one set), ``shipped`` (no training: the model in
moderation/data/model, scored on the same rows). Slow: one full training per config.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from moderation.scorers.base import STANDARD_LABELS  # noqa: E402
from moderation.scorers.featurize import FeatureConfig, HashedTfidf  # noqa: E402
from moderation.scorers.text_prep import mask_group_terms, prepare_unmasked  # noqa: E402
from moderation.training import datasets as ds  # noqa: E402
from moderation.training import evaluate as ev  # noqa: E402
from moderation.training import heldout  # noqa: E402
from moderation.training.fit import FitConfig, fit_heads  # noqa: E402
from moderation.training.group_probe import run_probe  # noqa: E402
from moderation.training.split import dedupe, split_indices  # noqa: E402
from moderation.training.train import MIN_DF, TEST_SIZE  # noqa: E402

BASE = tuple(n for n in ds.TRAIN_LOADERS if n not in ds.NEW_SETS)
OWN_LABEL = {  # the label each new set mainly teaches, scored on its own held-out rows
    "fox-news-comments": "toxicity", "gab-hate-corpus": "identity_attack",
    "hatexplain": "identity_attack", "stormfront-hate-speech": "identity_attack",
    "sms-spam-collection": "spam", "arabic-multiplatform-comments": "toxicity",
    "arabic-mlma": "toxicity", "arabic-offenseval2020": "toxicity",
    "turkish-offenseval2020": "toxicity", "youtube-spam": "spam",
    "davidson-hate-offensive": "identity_attack",
}


def config_sets(name: str) -> tuple[set[str], bool]:
    """(training sets, mask on) for a configuration name."""
    every = set(ds.TRAIN_LOADERS)
    if name == "base":
        return set(BASE), True
    if name == "all":
        return every, True
    if name == "all-unmasked":
        return every, False
    if name.startswith("base+"):
        return set(BASE) | set(name[5:].split("+")), True
    if name.startswith("all-"):
        return every - set(name[4:].split("+")), True
    raise SystemExit(f"unknown configuration {name!r}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--datasets", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--configs", default="")
    ap.add_argument("--out", type=Path, default=Path("/tmp/ablation.json"))
    args = ap.parse_args()
    configs = args.configs.split(",") if args.configs else (
        ["base"] + [f"base+{n}" for n in ds.NEW_SETS] + ["all", "all-unmasked"])

    found = ds.load_sets(args.datasets, ds.TRAIN_LOADERS, required=ds.TRAIN_LOADERS)
    examples = [e for rows in found.values() for e in rows]
    # deduplicated and split as `moderation train` does; the unmasked configuration sees the
    # same rows without the mask
    examples, _, _ = dedupe(examples)
    raw = [prepare_unmasked(e.text) for e in examples]
    masked = [mask_group_terms(t) for t in raw]
    train_idx, test_idx = split_indices(examples, TEST_SIZE, args.seed, masked)
    test = [examples[i] for i in test_idx]
    sfu = ds.load_sfu(args.datasets / "sfu-constructiveness-toxicity")
    sfu_raw = [prepare_unmasked(e.text) for e in sfu]
    print(f"{len(examples)} distinct texts: {len(train_idx)} train / {len(test_idx)} held-out",
          file=sys.stderr)

    results = json.loads(args.out.read_text()) if args.out.exists() else {}
    for name in configs:
        if name == "shipped":
            results[name] = shipped_result(examples, test_idx, test, sfu)
            args.out.write_text(json.dumps(results, indent=1))
            continue
        sets, mask = config_sets(name)
        texts = masked if mask else raw
        sfu_texts = [mask_group_terms(t) for t in sfu_raw] if mask else sfu_raw
        tr = [i for i in train_idx if examples[i].source in sets]
        t0 = time.perf_counter()
        feats = HashedTfidf.fit([texts[i] for i in tr], FeatureConfig(), min_df=MIN_DF)
        heads = fit_heads(feats.transform([texts[i] for i in tr]), [examples[i] for i in tr],
                          STANDARD_LABELS, FitConfig(), args.seed)
        labels = [lab for lab in STANDARD_LABELS if lab in heads]
        w = np.stack([heads[lab].weights for lab in labels], axis=1)
        b = np.array([heads[lab].bias for lab in labels])

        def score(batch: list[str], w: np.ndarray = w, b: np.ndarray = b,
                  feats: HashedTfidf = feats) -> np.ndarray:
            z = np.asarray(feats.transform(batch) @ w) + b
            return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))

        review, reject = heldout.policy_label_thresholds(labels)
        p = score([texts[i] for i in test_idx])
        res = {"sets": sorted(sets), "mask": mask, "n_train": len(tr), "labels": labels,
               "seconds": round(time.perf_counter() - t0, 1),
               "groups": heldout.group_report(test, p, labels, review, reject),
               "sfu": heldout.sfu_report(sfu, score(sfu_texts), labels, review, reject)}
        own = {}
        for src, lab in OWN_LABEL.items():
            if lab not in labels:
                continue
            idx = [k for k, e in enumerate(test) if e.source == src and lab in e.labels]
            if idx:
                y = [test[k].labels[lab] for k in idx]
                own[src] = {"label": lab, **ev.auc_ap(y, p[idx, labels.index(lab)])}
        res["own"] = own
        res["probe"] = run_probe(
            lambda batch, m=mask, s=score: s([_prep(t, m) for t in batch]), labels, review)
        results[name] = res
        args.out.write_text(json.dumps(results, indent=1))
        print(f"{name}: {res['seconds']} s", file=sys.stderr)
    print_tables(results)


def shipped_result(examples: list, test_idx: list[int], test: list, sfu: list) -> dict:
    """The same figures for the shipped artifact (quantised weights, its own text prep)."""
    from moderation.scorers.sklearn_scorer import SklearnScorer

    scorer = SklearnScorer.load()
    labels = list(scorer.labels)

    def score(batch: list[str]) -> np.ndarray:
        z = np.vstack([scorer.logits(batch[i:i + 2048]) for i in range(0, len(batch), 2048)])
        return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))

    review, reject = heldout.policy_label_thresholds(labels)
    p = score([examples[i].text for i in test_idx])
    res = {"sets": sorted(ds.TRAIN_LOADERS), "mask": True, "labels": labels,
           "scorer": scorer.name,
           "groups": heldout.group_report(test, p, labels, review, reject),
           "sfu": heldout.sfu_report(sfu, score([e.text for e in sfu]), labels, review, reject),
           "own": {}}
    for src, lab in OWN_LABEL.items():
        idx = [k for k, e in enumerate(test) if e.source == src and lab in e.labels]
        if idx and lab in labels:
            y = [test[k].labels[lab] for k in idx]
            res["own"][src] = {"label": lab, **ev.auc_ap(y, p[idx, labels.index(lab)])}
    res["probe"] = run_probe(score, labels, review)
    return res


def _prep(text: str, mask: bool) -> str:
    return mask_group_terms(prepare_unmasked(text)) if mask else prepare_unmasked(text)


def _pct(v: float | None) -> str:
    return "-" if v is None else f"{100 * v:.1f}%"


def _auc(d: dict, key: str = "roc_auc") -> str:
    return f"{d[key]:.3f}" if key in d else "-"


def print_tables(results: dict) -> None:
    """Markdown: held-out AUC / AP per group, operating points, own-set AUC, Kurdish probe."""
    names = [g for g, _ in heldout.GROUPS] + ["SFU (eval only)"]
    print("\n| config | " + " | ".join(f"{g} AUC / AP" for g in names) + " |")
    print("|---" * (len(names) + 1) + "|")
    for c, r in results.items():
        cells = [r["groups"].get(g, {}) for g, _ in heldout.GROUPS] + [r["sfu"]]
        print(f"| {c} | " + " | ".join(f"{_auc(d)} / {_auc(d, 'avg_precision')}"
                                       for d in cells) + " |")
    print("\nOperating point at the policy thresholds (model only): clean rejected / clean "
          "reviewed / violating caught (reject or review) / violating rejected")
    print("\n| config | " + " | ".join(names) + " |")
    print("|---" * (len(names) + 1) + "|")
    for c, r in results.items():
        cells = [r["groups"].get(g, {}) for g, _ in heldout.GROUPS] + [r["sfu"]]
        print(f"| {c} | " + " | ".join(
            f"{_pct(d.get('clean_rejected'))} / {_pct(d.get('clean_reviewed'))} / "
            f"{_pct(d.get('violating_caught'))} / {_pct(d.get('violating_rejected'))}"
            for d in cells) + " |")
    srcs = sorted({s for r in results.values() for s in r["own"]})
    print("\nEach set's own held-out rows, its main label's ROC AUC\n")
    print("| config | " + " | ".join(f"{s} ({OWN_LABEL[s]})" for s in srcs) + " |")
    print("|---" * (len(srcs) + 1) + "|")
    for c, r in results.items():
        print(f"| {c} | " + " | ".join(_auc(r["own"].get(s, {})) for s in srcs) + " |")
    print("\nKurdish probe: toxicity mean / max difference (Kurdish minus neutral version), "
          "Kurdish versions reaching review where the neutral one does not\n")
    langs = sorted({lang for r in results.values() for lang in r["probe"]})
    print("| config | " + " | ".join(langs) + " |")
    print("|---" * (len(langs) + 1) + "|")
    for c, r in results.items():
        print(f"| {c} | " + " | ".join(
            f"{r['probe'][lg]['toxicity_mean_diff']:+.3f} / "
            f"{r['probe'][lg]['toxicity_max_diff']:+.3f} / "
            f"{r['probe'][lg]['review_only_kurdish']} of {r['probe'][lg]['n']}"
            for lg in langs) + " |")


if __name__ == "__main__":
    main()
