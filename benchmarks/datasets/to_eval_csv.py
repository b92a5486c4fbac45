"""Turn a shared data set into the CSV ``moderation evaluate`` reads (text,label[,category]).

Reads from the data-set folder given on the command line and writes wherever --out says (use
/tmp: converted copies never go into the repository). Sets the shipped model was TRAINED on
(civil-comments test file, ToxicSpans, YouTube spam, Fox News, the Arabic news-post comments,
Turkish OffensEval) are cut down to the model's held-out split,
recomputed with the training code itself (same loaders, dedupe and seed), so the figures are on
comments the model never saw.

    python benchmarks/datasets/to_eval_csv.py kaggle-insults \
        ../shared/datasets/kaggle-insults-social-commentary --out /tmp/kaggle.csv
    python benchmarks/datasets/to_eval_csv.py civil-test  ../shared/datasets --out /tmp/civil.csv
    python benchmarks/datasets/to_eval_csv.py toxic-spans ../shared/datasets --out /tmp/spans.csv
    python benchmarks/datasets/to_eval_csv.py youtube-spam ../shared/datasets --out /tmp/yt.csv
    python benchmarks/datasets/to_eval_csv.py fox-news    ../shared/datasets --out /tmp/fox.csv
    python benchmarks/datasets/to_eval_csv.py arabic-news ../shared/datasets --out /tmp/ar.csv
    python benchmarks/datasets/to_eval_csv.py turkish     ../shared/datasets --out /tmp/tr.csv

SFU and OLID need no conversion (see docs/evaluation.md for their commands).
"""

from __future__ import annotations

import argparse
import csv
import html
import re
import sys
from collections import Counter
from pathlib import Path

from moderation.evaluation.shared_sets import kaggle_text


def convert_kaggle(folder: Path) -> list[dict[str, str]]:
    with (folder / "train.csv").open(encoding="utf-8", newline="") as fh:
        return [{"text": kaggle_text(r["Comment"]), "label": r["Insult"].strip(),
                 "category": "insult" if r["Insult"].strip() == "1" else ""}
                for r in csv.DictReader(fh)]


def heldout_prepared(root: Path) -> tuple[set[str], set[str]]:
    """Prepared texts of the model's held-out test split and of its train split."""
    from moderation.training.split import dedupe, split_indices
    from moderation.training.train import TEST_SIZE, TrainOptions, load_training_examples

    examples, _ = load_training_examples(TrainOptions(datasets=root, out=Path("/nonexistent")))
    examples, prepared, _ = dedupe(examples)
    train, test = split_indices(examples, TEST_SIZE, 0)
    print(f"model split recomputed: {len(train)} train / {len(test)} held-out "
          "(compare with MODEL_CARD.md)", file=sys.stderr)
    return {prepared[i] for i in test}, {prepared[i] for i in train}


def _keep_heldout(rows: list[dict[str, str]], root: Path, include_training: bool
                  ) -> list[dict[str, str]]:
    if include_training:
        return rows
    from moderation.scorers.text_prep import prepare

    test, train = heldout_prepared(root)
    kept, seen = [], set()
    why: Counter[str] = Counter()
    for r in rows:
        p = prepare(r["text"])
        if p in train:
            why["in training split"] += 1
        elif p not in test:
            why["not in the split (empty after prep)"] += 1
        elif p in seen:
            why["duplicate"] += 1
        else:
            seen.add(p)
            kept.append(r)
    print(f"kept {len(kept)} held-out rows of {len(rows)}; dropped {dict(why)}", file=sys.stderr)
    return kept


def convert_civil_test(root: Path) -> list[dict[str, str]]:
    path = root / "civil-comments-autolabel-sample" / "civil_comments_test.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        return [{"text": r["example"], "label": r["label"].strip(), "category": ""}
                for r in csv.DictReader(fh)]


def convert_toxic_spans(root: Path) -> list[dict[str, str]]:
    """Every post is toxic; category = the span types >= 2 raters confirmed (training mapping)."""
    from moderation.training.datasets import load_toxic_spans

    out = []
    for ex in load_toxic_spans(root / "toxic-spans-civil-comments"):
        cats = [c for c in ("threat", "identity_attack", "insult", "obscene")
                if ex.labels.get(c) == 1]
        out.append({"text": ex.text, "label": "toxic", "category": cats[0] if cats else "other"})
    return out


_BR = re.compile(r"<br\s*/?>", re.I)


def convert_youtube(root: Path) -> list[dict[str, str]]:
    """HTML entities and <br /> are export artefacts: a CMS would send the plain text."""
    out = []
    for path in sorted((root / "youtube-spam").glob("Youtube*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            for r in csv.DictReader(fh):
                text = html.unescape(_BR.sub("\n", r["CONTENT"])).replace("\ufeff", "")
                out.append({"text": text, "label": r["CLASS"].strip(),
                            "category": "spam" if r["CLASS"].strip() == "1" else "",
                            "video": path.stem})
    return out


def convert_fox(root: Path) -> list[dict[str, str]]:
    """Fox News comments with their article title (for the relevance check)."""
    path = root / "fox-news-comments" / "fox-news-comments.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        return [{"text": r["text"], "label": r["label"].strip(),
                 "category": "hateful" if r["label"].strip() == "1" else "",
                 "title": r["title"]} for r in csv.DictReader(fh)]


def convert_arabic_news(root: Path) -> list[dict[str, str]]:
    """MPOLD Arabic news-post comments: offensive -> 1; category = the expert's HS / V."""
    from moderation.training.datasets import load_arabic_mpold

    out = []
    for ex in load_arabic_mpold(root / "arabic-multiplatform-comments"):
        cat = ("hate" if ex.labels.get("identity_attack") == 1 else
               "vulgar" if ex.labels.get("obscene") == 1 else "")
        out.append({"text": ex.text, "label": str(ex.labels["toxicity"]),
                    "category": cat or ("other" if ex.labels["toxicity"] else "")})
    return out


def convert_turkish(root: Path) -> list[dict[str, str]]:
    from moderation.training.datasets import load_turkish_offenseval

    return [{"text": ex.text, "label": str(ex.labels["toxicity"]), "category": ""}
            for ex in load_turkish_offenseval(root / "turkish-offenseval2020")]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("set", choices=["kaggle-insults", "civil-test", "toxic-spans", "youtube-spam",
                                    "fox-news", "arabic-news", "turkish"])
    ap.add_argument("source", type=Path, help="kaggle: its folder; others: the datasets root")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--include-training", action="store_true",
                    help="keep rows the model was trained on (inflated figures!)")
    a = ap.parse_args()
    if a.out.resolve().is_relative_to(Path(__file__).resolve().parents[2]):
        sys.exit("error: write converted data outside the repository (e.g. /tmp)")
    if a.set == "kaggle-insults":
        rows = convert_kaggle(a.source)
    else:
        rows = {"civil-test": convert_civil_test, "toxic-spans": convert_toxic_spans,
                "youtube-spam": convert_youtube, "fox-news": convert_fox,
                "arabic-news": convert_arabic_news, "turkish": convert_turkish}[a.set](a.source)
        rows = _keep_heldout(rows, a.source, a.include_training)
    fields = list(rows[0]) if rows else ["text", "label", "category"]
    with a.out.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)
    print(f"{a.out}: {len(rows)} rows, labels {dict(Counter(r['label'] for r in rows))}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
