"""One loader per data set folder: read the raw files, map labels onto STANDARD_LABELS.

Every loader returns ``Example``s whose ``labels`` hold only the labels that data set actually
says something about (1 or 0); a label that is absent is *unknown* for that row and the label's
head is trained without the row. The mapping is documented in ``LABEL_MAPPING`` (copied into the
model card) and in each loader's docstring.
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from moderation.scorers.base import STANDARD_LABELS

csv.field_size_limit(sys.maxsize)

TOXIC_SUBTYPES = ("severe_toxicity", "obscene", "threat", "insult", "identity_attack")
#: A ToxicSpans post gets a per-type label when at least this many raters marked such a span.
MIN_SPAN_RATERS = 2
SPAN_TYPES = {
    "Insult": "insult",
    "Insu": "insult",
    "Threat": "threat",
    "Identity based Attack": "identity_attack",
    "Identity based ": "identity_attack",
    "Profane/Obscene": "obscene",
}

#: Licence-clean sets a shipped model may train on (folder -> licence as documented).
TRAIN_SETS: dict[str, str] = {
    "toxic-spans-civil-comments": "CC0 1.0",
    "davidson-hate-offensive": "MIT",
    "jigsaw-toxic-detoxify-sample": "Apache-2.0 (repo) / CC0 (Jigsaw data)",
    "civil-comments-autolabel-sample": "CC0 1.0 data (MIT repository)",
    "youtube-spam": "citation: Alberto, Lochter, Almeida, TubeSpam, ICMLA 2015",
}
#: Sets with unclear or non-commercial licences: evaluation only, never training.
EVAL_ONLY_SETS = ("olid", "kaggle-insults-social-commentary", "sfu-constructiveness-toxicity")

LABEL_MAPPING: dict[str, str] = {
    "toxic-spans-civil-comments": (
        "toxicity=1 for every post (all were pre-selected toxic by Civil Comments raters). "
        "insult/threat/identity_attack/obscene = 1 when >= 2 raters marked a span "
        "of type Insult / Threat / Identity based Attack / Profane/Obscene; 0 when no rater did; "
        "unknown when one rater did. severe_toxicity = 1 (proxy) when two or more of those types "
        "are confirmed in the post, else unknown. spam=0."
    ),
    "davidson-hate-offensive": (
        "class 2 (neither): every toxicity label 0. class 0 (hate): toxicity=1, "
        "identity_attack=1, severe_toxicity=1 (proxy) when every annotator chose hate. "
        "class 1 (offensive): toxicity=1, identity_attack=0 when no annotator "
        "chose hate, else unknown; obscene/insult/threat/severe unknown. spam=0."
    ),
    "jigsaw-toxic-detoxify-sample": (
        "toxic->toxicity, severe_toxic->severe_toxicity, obscene, threat, insult, "
        "identity_hate->identity_attack (0/1); test rows with -1 dropped. spam=0."
    ),
    "civil-comments-autolabel-sample": (
        "civil_comments.csv: each label = score >= 0.5 (sexual_explicit unused). "
        "civil_comments_test/seed.csv: 'not toxic' -> every toxicity label 0; 'toxic' -> "
        "toxicity=1, subtypes unknown. spam=0."
    ),
    "youtube-spam": "CLASS -> spam; toxicity labels unknown.",
    "extra CSV": (
        "approve/0 -> every label 0 (a moderator approved it); reject/1 -> toxicity=1, other "
        "labels unknown (the reason for a rejection is not exported)."
    ),
}


@dataclass
class Example:
    text: str
    labels: dict[str, int]
    source: str
    group: str = ""  # split key for near-duplicate-heavy sets (YouTube: the video)
    meta: dict[str, str] = field(default_factory=dict)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _all_zero() -> dict[str, int]:
    return {k: 0 for k in STANDARD_LABELS}


def load_toxic_spans(folder: Path) -> list[Example]:
    """ToxicSpans: toxic news comments with typed spans from 3+ raters (see LABEL_MAPPING)."""
    texts = {r["comment_id"]: r["comment_text"] for r in _read(folder / "comments.csv")}
    raters: dict[str, set[str]] = defaultdict(set)
    post_of: dict[str, str] = {}
    ann_worker: dict[str, str] = {}
    for r in _read(folder / "annotations.csv"):
        raters[r["comment_id"]].add(r["worker"])
        post_of[r["annotation"]] = r["comment_id"]
        ann_worker[r["annotation"]] = r["worker"]
    marked: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in _read(folder / "spans.csv"):
        label = SPAN_TYPES.get(r["type"])
        post = post_of.get(r["annotation"])
        if label and post:
            marked[(post, label)].add(ann_worker[r["annotation"]])
    out = []
    for cid, text in texts.items():
        n = len(raters.get(cid, ()))
        if n == 0 or n > 50:  # unannotated, or the 357-rater quality-control quiz post
            continue
        labels = {"toxicity": 1, "spam": 0}
        for label in ("insult", "threat", "identity_attack", "obscene"):
            votes = len(marked.get((cid, label), ()))
            if votes >= MIN_SPAN_RATERS:
                labels[label] = 1
            elif votes == 0:
                labels[label] = 0
        if sum(labels.get(k, 0) for k in ("insult", "threat", "identity_attack", "obscene")) >= 2:
            labels["severe_toxicity"] = 1  # proxy: two confirmed kinds of abuse in one post
        out.append(Example(text, labels, "toxic-spans-civil-comments"))
    return out


def load_davidson(folder: Path) -> list[Example]:
    """Davidson et al. 2017 tweets: hate / offensive / neither by majority (see LABEL_MAPPING)."""
    out = []
    for r in _read(folder / "labeled_data.csv"):
        cls = int(r["class"])
        if cls == 2:
            labels = _all_zero()
        else:
            labels = {"toxicity": 1, "spam": 0}
            if cls == 0:
                labels["identity_attack"] = 1
                if int(r["hate_speech"]) == int(r["count"]):
                    labels["severe_toxicity"] = 1  # proxy: every annotator chose hate speech
            elif int(r["hate_speech"]) == 0:
                labels["identity_attack"] = 0
        out.append(Example(r["tweet"], labels, "davidson-hate-offensive"))
    return out


def load_jigsaw_sample(folder: Path) -> list[Example]:
    """Detoxify's Jigsaw fixture rows (Wikipedia talk pages), six 0/1 labels."""
    names = {
        "toxic": "toxicity",
        "severe_toxic": "severe_toxicity",
        "obscene": "obscene",
        "threat": "threat",
        "insult": "insult",
        "identity_hate": "identity_attack",
    }
    out = []
    for fname in ("train.csv", "test.csv"):
        path = folder / fname
        if not path.exists():
            continue
        for r in _read(path):
            if any(r[k].strip() == "-1" for k in names):
                continue
            labels = {v: int(r[k]) for k, v in names.items()}
            labels["spam"] = 0
            out.append(Example(r["comment_text"], labels, "jigsaw-toxic-detoxify-sample"))
    return out


def load_civil_autolabel(folder: Path) -> list[Example]:
    """Civil Comments news comments: scored rows and binary toxic / not toxic rows."""
    out = []
    scored = folder / "civil_comments.csv"
    if scored.exists():
        for r in _read(scored):
            labels = {k: int(float(r[k]) >= 0.5) for k in ("toxicity", *TOXIC_SUBTYPES)}
            labels["spam"] = 0
            out.append(Example(r["text"], labels, "civil-comments-autolabel-sample"))
    for fname in ("civil_comments_test.csv", "civil_comments_seed.csv"):
        path = folder / fname
        if not path.exists():
            continue
        for r in _read(path):
            lab = r["label"].strip().lower()
            if lab == "not toxic":
                labels = _all_zero()
            elif lab == "toxic":
                labels = {"toxicity": 1, "spam": 0}
            else:
                continue
            out.append(Example(r["example"], labels, "civil-comments-autolabel-sample"))
    return out


def load_youtube_spam(folder: Path) -> list[Example]:
    """TubeSpam (UCI YouTube Spam Collection): spam 0/1; grouped by video for splitting."""
    out = []
    for path in sorted(folder.glob("Youtube*.csv")):
        video = path.stem
        for r in _read(path):
            out.append(
                Example(r["CONTENT"], {"spam": int(r["CLASS"])}, "youtube-spam", group=video)
            )
    return out


def load_extra_csv(path: Path, text_column: str, label_column: str) -> list[Example]:
    """Moderator decisions exported as CSV: approve/reject or 0/1 (see LABEL_MAPPING)."""
    out = []
    rows = _read(path)
    if rows and (text_column not in rows[0] or label_column not in rows[0]):
        raise ValueError(
            f"{path}: columns {text_column!r} and {label_column!r} required; "
            f"found {sorted(rows[0])}"
        )
    for i, r in enumerate(rows, start=2):
        raw = (r[label_column] or "").strip().lower()
        if raw in ("approve", "approved", "0", "0.0", "false"):
            labels = _all_zero()
        elif raw in ("reject", "rejected", "1", "1.0", "true"):
            labels = {"toxicity": 1}
        else:
            raise ValueError(f"{path}:{i}: label {raw!r} is not approve/reject or 0/1")
        out.append(Example(r[text_column] or "", labels, "extra"))
    return out


# ---- evaluation-only sets ------------------------------------------------------------------


def _kaggle_text(raw: str) -> str:
    """Kaggle insults wraps each comment in literal quotes; escapes are undone by text_prep."""
    raw = raw.strip()
    if len(raw) >= 2 and raw[0] == raw[-1] == '"':
        raw = raw[1:-1]
    return raw


def load_olid(folder: Path) -> list[Example]:
    """OLID training tweets (EVALUATION ONLY): OFF -> toxicity; TIN -> insult (incl. threats)."""
    out = []
    for r in _read(folder / "olid-training-v1.0.csv"):
        off = int(r["subtask_a"] == "OFF")
        labels = {"toxicity": off, "insult": int(r["subtask_b"] == "TIN")}
        out.append(Example(r["tweet"], labels, "olid"))
    return out


def load_kaggle_insults(folder: Path) -> list[Example]:
    """Kaggle 'Detecting Insults' train.csv (EVALUATION ONLY): Insult -> insult."""
    return [
        Example(_kaggle_text(r["Comment"]), {"insult": int(r["Insult"])}, "kaggle-insults")
        for r in _read(folder / "train.csv")
    ]


def load_sfu(folder: Path) -> list[Example]:
    """SFU news comments (EVALUATION ONLY): toxicity level 1-4 kept in meta; toxicity = level>=2."""
    out = []
    for r in _read(folder / "SFU_constructiveness_toxicity.csv"):
        level = r["is_toxic_popular_answer_1"].strip()
        if not level.isdigit():
            continue
        out.append(
            Example(
                r["comment"],
                {"toxicity": int(int(level) >= 2)},
                "sfu",
                meta={"level": level},
            )
        )
    return out


TRAIN_LOADERS = {
    "toxic-spans-civil-comments": load_toxic_spans,
    "davidson-hate-offensive": load_davidson,
    "jigsaw-toxic-detoxify-sample": load_jigsaw_sample,
    "civil-comments-autolabel-sample": load_civil_autolabel,
    "youtube-spam": load_youtube_spam,
}
EVAL_LOADERS = {
    "olid": load_olid,
    "kaggle-insults-social-commentary": load_kaggle_insults,
    "sfu-constructiveness-toxicity": load_sfu,
}


def load_sets(root: Path, loaders: dict, required: Iterable[str] = ()) -> dict[str, list[Example]]:
    """Run the loaders whose folder exists under ``root``; a missing required folder is an error."""
    found = {}
    for name, loader in loaders.items():
        folder = root / name
        if folder.is_dir():
            found[name] = loader(folder)
        elif name in set(required):
            raise FileNotFoundError(f"data set folder missing: {folder}")
    return found
