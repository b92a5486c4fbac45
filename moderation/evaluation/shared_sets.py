"""The shared labelled data sets (../shared/datasets) as rows with a should-reject label.

One reader per folder; each maps the set's own labels onto "a moderator of a news site would
reject this" as its README defines them (docstrings say how). Rows the shipped model was trained
on are set apart by :func:`held_out_sets`, which recomputes the training split with the
training code itself (same loaders, dedupe and seed), so figures are on comments it never saw.
Used by benchmarks/eval_all.py (the test sample), dev_misses.py (the rows around it) and
encoder_experiment.py.
"""

from __future__ import annotations

import csv
import hashlib
import html
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from moderation.evaluation.dataset import LabelledRow

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass
class EvalSet:
    """One data set (or one file of it) ready to judge."""

    name: str
    folder: str
    domain: str
    rule: str  # how the set's labels map to should-reject, for the report
    rows: list[LabelledRow]
    notes: list[str] = field(default_factory=list)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _rows(items: Iterable[tuple[str, bool, str, str | None, str | None]]) -> list[LabelledRow]:
    """(text, violating, raw label, category, article title) -> rows, empty texts dropped."""
    return [LabelledRow(row=i, text=t, violating=v, label=lab, category=c, article_title=a)
            for i, (t, v, lab, c, a) in enumerate(items, start=1) if t and t.strip()]


def sfu(folder: Path) -> EvalSet:
    """SFU Globe and Mail comments: toxicity level 3-4 (toxic, very toxic) = violating."""
    out = []
    for r in _read(folder / "SFU_constructiveness_toxicity.csv"):
        level = r["is_toxic_popular_answer_1"].strip()
        if level.isdigit():
            out.append((r["comment"], int(level) >= 3, level, f"level {level}", r["title"]))
    return EvalSet("SFU news comments", folder.name, "news comments",
                   "level 3-4 violating, 1-2 clean", _rows(out))


def civil_binary(folder: Path) -> EvalSet:
    """Civil Comments test + seed files: `toxic` = violating."""
    out = []
    for name in ("civil_comments_test.csv", "civil_comments_seed.csv"):
        for r in _read(folder / name):
            lab = r["label"].strip().lower()
            out.append((r["example"], lab == "toxic", lab, None, None))
    return EvalSet("Civil Comments (binary files)", folder.name, "news comments",
                   "`toxic` violating", _rows(out))


_CIVIL_TYPES = ("threat", "identity_attack", "insult", "obscene", "sexual_explicit")


def civil_scored(folder: Path) -> EvalSet:
    """Civil Comments scored file: toxicity >= 0.5 violating; category = first subtype >= 0.5."""
    out = []
    for r in _read(folder / "civil_comments.csv"):
        tox = float(r["toxicity"]) >= 0.5
        cat = next((t for t in _CIVIL_TYPES if float(r[t]) >= 0.5), "other" if tox else "clean")
        out.append((r["text"], tox, r["toxicity"], cat, None))
    return EvalSet("Civil Comments (scored file)", folder.name, "news comments",
                   "toxicity >= 0.5 violating", _rows(out),
                   ["block-structured sample (see its README), not a random one"])


def toxic_spans(folder: Path) -> EvalSet:
    """ToxicSpans: every post toxic; category = span type >= 2 raters marked, else `other`."""
    from moderation.training.datasets import load_toxic_spans

    out = []
    for ex in load_toxic_spans(folder):
        cat = next((c for c in ("threat", "identity_attack", "insult", "obscene")
                    if ex.labels.get(c) == 1), "other")
        out.append((ex.text, True, "toxic", cat, None))
    return EvalSet("ToxicSpans", folder.name, "news comments (all toxic)", "every post violating",
                   _rows(out), ["no clean rows: recall only"])


def davidson(folder: Path) -> EvalSet:
    """Davidson tweets: hate speech or offensive language = violating, neither = clean."""
    names = {"0": "hate speech", "1": "offensive", "2": "neither"}
    out = [(html.unescape(r["tweet"]), r["class"] in ("0", "1"), r["class"], names[r["class"]],
            None) for r in _read(folder / "labeled_data.csv")]
    return EvalSet("Davidson hate/offensive", folder.name, "tweets",
                   "hate or offensive violating", _rows(out),
                   ["lexicon-sampled: 77 % offensive; includes in-group slur use"])


def jigsaw(folder: Path) -> EvalSet:
    """Detoxify's Jigsaw fixture: any of the six labels = violating (-1 rows dropped)."""
    labels = ("threat", "identity_hate", "insult", "severe_toxic", "obscene", "toxic")
    out = []
    for name in ("train.csv", "test.csv"):
        for r in _read(folder / name):
            if any(r[k].strip() == "-1" for k in labels):
                continue
            cat = next((k for k in labels if r[k].strip() == "1"), "clean")
            out.append((r["comment_text"], cat != "clean", cat, cat, None))
    return EvalSet("Jigsaw sample", folder.name, "Wikipedia talk", "any label violating",
                   _rows(out), ["tiny: figures are anecdotes"])


_BR = re.compile(r"<br\s*/?>", re.I)


def youtube(folder: Path) -> EvalSet:
    """YouTube comments: spam = violating (promotion)."""
    out = []
    for path in sorted(folder.glob("Youtube*.csv")):
        for r in _read(path):
            text = html.unescape(_BR.sub("\n", r["CONTENT"])).replace("\ufeff", "")
            out.append((text, r["CLASS"].strip() == "1", r["CLASS"], path.stem, None))
    return EvalSet("YouTube spam", folder.name, "YouTube comments", "spam violating (promotion)",
                   _rows(out))


def olid(folder: Path) -> EvalSet:
    """OLID tweets: OFF = violating; category = subtask B (TIN targeted, UNT untargeted)."""
    out = [(r["tweet"], r["subtask_a"] == "OFF", r["subtask_a"],
            r["subtask_b"] if r["subtask_a"] == "OFF" else "NOT", None)
           for r in _read(folder / "olid-training-v1.0.csv")]
    return EvalSet("OLID", folder.name, "tweets", "OFF violating", _rows(out))


_ESCAPE = re.compile(r"((?:\\x[0-9a-fA-F]{2})+)|\\u([0-9a-fA-F]{4})|\\([nrt'\"\\])")
_SIMPLE = {"n": "\n", "r": "\r", "t": "\t", "'": "'", '"': '"', "\\": "\\"}


def _unescape_once(s: str) -> str:
    def sub(m: re.Match[str]) -> str:
        if m.group(1):  # a run of \xNN: UTF-8 bytes if they decode as such, else Latin-1
            b = bytes(int(h, 16) for h in m.group(1).split("\\x")[1:])
            try:
                return b.decode("utf-8")
            except UnicodeDecodeError:
                return b.decode("latin-1")
        if m.group(2):
            return chr(int(m.group(2), 16))
        return _SIMPLE[m.group(3)]

    return _ESCAPE.sub(sub, s)


def kaggle_text(raw: str) -> str:
    """Kaggle insults: strip the literal quotes, undo (sometimes doubled) backslash escapes;
    a run of \\xNN is UTF-8 bytes when it decodes as UTF-8 (\\xc2\\xa0), else Latin-1 (\\xa0)."""
    s = raw.strip()
    if len(s) >= 2 and s[0] == s[-1] == '"':
        s = s[1:-1]
    for _ in range(2):
        if "\\" not in s:
            break
        s = _unescape_once(s)
    return s


def kaggle(folder: Path) -> EvalSet:
    """Kaggle insults: Insult = 1 violating (only insults to a participant are labelled)."""
    out = [(kaggle_text(r["Comment"]), r["Insult"].strip() == "1", r["Insult"], None, None)
           for r in _read(folder / "train.csv")]
    return EvalSet("Kaggle insults", folder.name, "social commentary",
                   "Insult=1 violating", _rows(out),
                   ["profanity without an insult is labelled clean; the guidelines reject it"])


def fox_news(folder: Path) -> EvalSet:
    """Fox News comments: label 1 (hateful) violating; article title kept."""
    out = [(r["text"], r["label"].strip() == "1", r["label"], None, r["title"] or None)
           for r in _read(folder / "fox-news-comments.csv")]
    return EvalSet("Fox News comments", folder.name, "news comments", "hateful violating",
                   _rows(out), ["no thread context given to the engine (prev/succ unused)"])


def gab(folder: Path) -> EvalSet:
    """Gab Hate Corpus development split: hd (assault on dignity), cv (call for violence) or vo
    (vulgarity) violating; category = the first of cv, hd, vo."""
    names = {"cv": "call for violence", "hd": "assault on dignity", "vo": "vulgarity"}
    out = []
    for r in _read(folder / "dev.csv"):
        cat = next((n for k, n in names.items() if r[k].strip() == "1"), None)
        out.append((r["Text"], cat is not None, cat or "none", cat or "none", None))
    return EvalSet("Gab Hate Corpus (dev split)", folder.name, "Gab posts",
                   "hd, cv or vo violating", _rows(out))


def hatexplain(folder: Path) -> EvalSet:
    """HateXplain: offensive (1) or hate speech (2) violating, normal (0) clean."""
    names = {"0": "normal", "1": "offensive", "2": "hate speech"}
    out = [(r["text"], r["label"] in ("1", "2"), r["label"], names.get(r["label"], r["label"]),
            None) for r in _read(folder / "preprocessed.csv")]
    return EvalSet("HateXplain", folder.name, "tweets and Gab posts (lowercased, no punctuation)",
                   "offensive or hate speech violating", _rows(out))


def stormfront(folder: Path) -> EvalSet:
    """Stormfront sentences: hate violating, noHate clean; relation and idk/skip left out."""
    out = [(r["text"], r["label"] == "hate", r["label"], None, None)
           for r in _read(folder / "stormfront_sentences.csv") if r["label"] in ("hate", "noHate")]
    return EvalSet("Stormfront", folder.name, "forum sentences", "hate violating",
                   _rows(out), ["`relation` and `idk/skip` sentences left out"])


def sms(folder: Path) -> EvalSet:
    """SMS Spam Collection: spam violating (promotion)."""
    out = [(html.unescape(r["text"]), r["label"] == "spam", r["label"], None, None)
           for r in _read(folder / "sms_spam.csv")]
    return EvalSet("SMS spam", folder.name, "SMS", "spam violating (promotion)", _rows(out))


def arabic_multiplatform(folder: Path) -> EvalSet:
    """Arabic news-post comments: Offensive violating; category = expert sub-label HS / V."""
    sub = {"HS": "hate speech", "V": "vulgar"}
    out = []
    for r in _read(folder / "mpold.csv"):
        off = r["Majority_Label"].strip() == "Offensive"
        cat = sub.get(r["Vulgar:V/HateSpeech:HS/None:-"].strip(), "other offensive" if off
                      else "clean")
        out.append((r["Comment"], off, r["Majority_Label"], cat, None))
    return EvalSet("Arabic multi-platform comments", folder.name,
                   "Arabic comments on news posts", "Offensive violating", _rows(out))


def arabic_mlma(folder: Path) -> EvalSet:
    """MLMA Arabic tweets: any hostility label violating (the authors' binary reading); rows
    mixing `normal` with a hostile label are their own category (annotators split)."""
    out = []
    for r in _read(folder / "ar_dataset.csv"):
        labs = r["sentiment"].split("_")
        hostile = labs != ["normal"]
        cat = "normal" if not hostile else ("hostile + normal (doubtful)" if "normal" in labs
                                            else "hostile")
        out.append((r["tweet"], hostile, r["sentiment"], cat, None))
    return EvalSet("MLMA Arabic", folder.name, "Arabic tweets (keyword-sampled)",
                   "any hostility label violating", _rows(out))


def offenseval(folder: Path) -> EvalSet:
    """OffensEval 2020 training split (Arabic or Turkish): OFF violating; Arabic adds HS."""
    out = []
    for r in _read(folder / "train.csv"):
        cat = r.get("subtask_b") or (r["subtask_a"])
        out.append((r["tweet"].replace("<LF>", "\n"), r["subtask_a"] == "OFF", r["subtask_a"],
                    cat, None))
    lang = "Arabic" if folder.name.startswith("arabic") else "Turkish"
    return EvalSet(f"OffensEval 2020 {lang} (training split)", folder.name, f"{lang} tweets",
                   "OFF violating", _rows(out))


#: folder -> reader, in report order (news comments first).
READERS: dict[str, Sequence[Callable[[Path], EvalSet]]] = {
    "sfu-constructiveness-toxicity": (sfu,),
    "civil-comments-autolabel-sample": (civil_binary, civil_scored),
    "toxic-spans-civil-comments": (toxic_spans,),
    "fox-news-comments": (fox_news,),
    "arabic-multiplatform-comments": (arabic_multiplatform,),
    "kaggle-insults-social-commentary": (kaggle,),
    "olid": (olid,),
    "davidson-hate-offensive": (davidson,),
    "hatexplain": (hatexplain,),
    "gab-hate-corpus": (gab,),
    "stormfront-hate-speech": (stormfront,),
    "jigsaw-toxic-detoxify-sample": (jigsaw,),
    "youtube-spam": (youtube,),
    "sms-spam-collection": (sms,),
    "arabic-mlma": (arabic_mlma,),
    "arabic-offenseval2020": (offenseval,),
    "turkish-offenseval2020": (offenseval,),
}


def training_texts(root: Path, seed: int = 0) -> tuple[set[str], dict[str, int]]:
    """Prepared texts of the shipped model's TRAIN split and the sets it drew from, recomputed
    with the training code (load_training_examples -> dedupe -> split_indices(seed))."""
    from moderation.training.split import dedupe, split_indices
    from moderation.training.train import TEST_SIZE, TrainOptions, load_training_examples

    examples, counts = load_training_examples(
        TrainOptions(datasets=root, out=Path("/nonexistent"), seed=seed, progress=False))
    examples, prepared, _ = dedupe(examples)
    train, _test = split_indices(examples, TEST_SIZE, seed)
    return {prepared[i] for i in train}, counts


def sample(s: EvalSet, max_rows: int | None) -> int:
    """Keep at most ``max_rows`` rows, those whose text hashes lowest (deterministic and
    unrelated to the labels); returns the row count before sampling."""
    before = len(s.rows)
    if max_rows and before > max_rows:
        keep = sorted(s.rows, key=lambda r: hashlib.sha1(
            f"{r.row}\x00{r.text}".encode("utf-8", "surrogatepass")).hexdigest())[:max_rows]
        order = {id(r) for r in keep}
        s.rows = [r for r in s.rows if id(r) in order]
    return before


def load_all(root: Path, only: Iterable[str] | None = None) -> tuple[list[EvalSet], list[str]]:
    """Every readable set under ``root`` (or the folders in ``only``) and a list of missing."""
    wanted = list(only) if only else list(READERS)
    sets, missing = [], []
    for folder in wanted:
        path = root / folder
        if not path.is_dir():
            missing.append(folder)
            continue
        sets.extend(reader(path) for reader in READERS[folder])
    return sets, missing


@dataclass
class HeldOutSet:
    """One set split three ways: ``set.rows`` is the test sample eval_all judges; ``trained`` are
    rows the shipped model trained on (in-sample for it); ``unseen`` are held-out rows beyond
    the sample (the honest pool for choosing thresholds, see benchmarks/dev_misses.py)."""

    set: EvalSet
    total: int
    trained: list[LabelledRow]
    unseen: list[LabelledRow]

    @property
    def held(self) -> int:
        """Rows left once the training rows are removed (before sampling)."""
        return len(self.set.rows) + len(self.unseen)


@dataclass
class HeldOut:
    """What :func:`held_out_sets` returns: the split sets, the folders not found, and the
    shipped model's training split (texts per source set, distinct texts in all)."""

    sets: list[HeldOutSet]
    missing: list[str]
    train_counts: dict[str, int]
    train_size: int


def held_out_sets(root: Path, only: Iterable[str] | None = None, seed: int = 0,
                  max_rows: int | None = 1000) -> HeldOut:
    """Every readable set under ``root`` split into test sample, trained and unseen rows.

    One function for every script that judges the shipped model, so they all draw the same test
    rows: load_all -> training split (seed) -> training rows removed -> sample(max_rows)."""
    from moderation.scorers.text_prep import prepare

    sets, missing = load_all(root, only)
    train, counts = training_texts(root, seed) if sets else (set(), {})
    out = []
    for s in sets:
        total = len(s.rows)
        in_train = [prepare(r.text) in train for r in s.rows]
        trained = [r for r, t in zip(s.rows, in_train, strict=True) if t]
        s.rows = [r for r, t in zip(s.rows, in_train, strict=True) if not t]
        held = list(s.rows)
        sample(s, max_rows)
        test_ids = {id(r) for r in s.rows}
        out.append(HeldOutSet(s, total, trained, [r for r in held if id(r) not in test_ids]))
    return HeldOut(out, missing, counts, len(train))
