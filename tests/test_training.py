"""`moderation train` pipeline: synthetic run (no data needed), determinism, data set loaders."""

from __future__ import annotations

import csv
import hashlib
import os
import random
from pathlib import Path

import pytest

from moderation.scorers.sklearn_scorer import SklearnScorer
from moderation.training import datasets as ds
from moderation.training.split import dedupe, split_indices
from moderation.training.train import TrainOptions, run

REPO = Path(__file__).resolve().parent.parent
DATASETS = Path(os.environ.get("MODERATION_DATASETS", REPO.parent / "shared" / "datasets"))

CLEAN = ["the council", "budget vote", "thanks for", "good article", "the mayor said",
         "housing prices", "I agree with", "school funding", "the election", "tax reform"]
ABUSE = ["you idiot", "stupid moron", "shut up loser", "you pathetic clown", "dumb jerk"]


def _synthetic_csv(path: Path, n: int = 240, seed: int = 1) -> Path:
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["comment", "decision"])
        for i in range(n):
            toxic = i % 3 == 0
            words = rng.sample(CLEAN, 3) + (rng.sample(ABUSE, 2) if toxic else [])
            rng.shuffle(words)
            label = rng.choice(["reject", "1"]) if toxic else rng.choice(["approve", "0"])
            w.writerow([" ".join(words) + f" #{i}", label])
    return path


def _train(tmp: Path, csv_path: Path, out: str, seed: int = 0) -> dict:
    opts = TrainOptions(datasets=tmp / "no-datasets-here", out=tmp / out, seed=seed,
                        extra=csv_path, text_column="comment", label_column="decision",
                        progress=False)
    return run(opts)


def test_synthetic_training_run(tmp_path: Path) -> None:
    report = _train(tmp_path, _synthetic_csv(tmp_path / "mod.csv"), "model")
    assert (tmp_path / "model" / "model.npz").is_file()
    card = (tmp_path / "model" / "MODEL_CARD.md").read_text()
    assert "review_at" in card and "extra" in card
    # about 20% held out (a per-text hash, so not exactly 48), before fitting
    assert report["n_test"] + report["n_train"] == 240 and 36 <= report["n_test"] <= 60
    assert report["heldout"]["toxicity"]["roc_auc"] > 0.9
    scorer = SklearnScorer.load(tmp_path / "model")
    assert scorer.labels == ("toxicity",)  # the moderator CSV only says toxic / not toxic
    clean, toxic = scorer.score(["the mayor said budget vote", "you idiot stupid moron"])
    assert toxic["toxicity"] > clean["toxicity"]


def test_training_is_deterministic(tmp_path: Path) -> None:
    data = _synthetic_csv(tmp_path / "mod.csv")
    a = _train(tmp_path, data, "a", seed=3)
    b = _train(tmp_path, data, "b", seed=3)
    c = _train(tmp_path, data, "c", seed=4)
    digest = [hashlib.sha256((tmp_path / d / "model.npz").read_bytes()).hexdigest()
              for d in "abc"]
    assert a["sha256"] == b["sha256"] == digest[0] == digest[1]
    assert c["sha256"] != a["sha256"]  # another seed, another split


def test_extra_csv_rejects_unknown_labels(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("text,label\nhello,maybe\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.csv:2"):
        ds.load_extra_csv(path, "text", "label")
    with pytest.raises(ValueError, match="columns"):
        ds.load_extra_csv(path, "comment", "label")


def test_dedupe_uses_prepared_text_and_split_is_disjoint() -> None:
    ex = [ds.Example(t, {"toxicity": i % 2}, "s") for i, t in enumerate(
        ["Hello&#39;s world", "hello's   world", "another one\ufeff", "another one"] +
        [f"text {i}" for i in range(40)])]
    kept, prepared, dropped = dedupe(ex)
    assert dropped == 2 and len(set(prepared)) == len(prepared)
    train, test = split_indices(kept, 0.25, seed=0)
    assert not set(train) & set(test) and len(train) + len(test) == len(kept)
    assert split_indices(kept, 0.25, seed=0) == (train, test)


def test_split_keeps_groups_whole_and_sets_independent() -> None:
    thread = [ds.Example(f"comment {i}", {"toxicity": i % 2}, "fox", group=f"article {i % 10}")
              for i in range(200)]
    other = [ds.Example(f"tweet {i}", {"toxicity": i % 3 == 0}, "tw") for i in range(300)]
    train, test = split_indices(thread + other, 0.2, seed=0)
    side = {}
    for i in test:
        if i < 200:
            side.setdefault(thread[i].group, set()).add("test")
    for i in train:
        if i < 200:
            side.setdefault(thread[i].group, set()).add("train")
    assert all(len(v) == 1 for v in side.values())  # an article's thread on one side only
    assert 0 < sum(v == {"test"} for v in side.values()) < 10
    alone_train, alone_test = split_indices(other, 0.2, seed=0)
    # the tweets' held-out rows do not depend on the other set being in the run
    assert [i - 200 for i in test if i >= 200] == alone_test
    assert 0.1 < len(alone_test) / len(other) < 0.3
    assert split_indices(other, 0.2, seed=1)[1] != alone_test


def test_prepare_masks_kurdish_group_words_only() -> None:
    from moderation.scorers.text_prep import prepare

    assert prepare("Kürtler ve HDP'liler bugün miting yaptı") == "ve bugün miting yaptı"
    assert prepare("The Kurds of Kurdistan and the PKK") == "the of and the"
    assert prepare("الأكراد في كردستان") == "في"
    # Turkish look-alikes stay: abortion, toothpick, wolf, rescue
    assert prepare("kürtaj kürdan kurdu kurtardı") == "kürtaj kürdan kurdu kurtardı"


def test_cli_registers_train_command() -> None:
    from click.testing import CliRunner

    from moderation.cli import main

    result = CliRunner().invoke(main, ["train", "--help"])
    assert result.exit_code == 0, result.output
    assert "--datasets" in result.output and "--extra" in result.output


# ---- real data sets --------------------------------------------------------------------------

needs_datasets = pytest.mark.skipif(
    not (DATASETS / "toxic-spans-civil-comments").is_dir(),
    reason=f"data sets not found at {DATASETS} (set MODERATION_DATASETS)",
)


@needs_datasets
@pytest.mark.datasets
def test_loaders_row_counts_and_labels() -> None:
    expected = {
        "toxic-spans-civil-comments": 11218,
        "davidson-hate-offensive": 24783,
        "jigsaw-toxic-detoxify-sample": 308,
        "civil-comments-autolabel-sample": 2997,
        "youtube-spam": 1138,
        "olid": 13240,
        "kaggle-insults-social-commentary": 3947,
        "sfu-constructiveness-toxicity": 1121,
    }
    sets = {**ds.load_sets(DATASETS, ds.TRAIN_LOADERS), **ds.load_sets(DATASETS, ds.EVAL_LOADERS)}
    assert {k: len(v) for k, v in sets.items() if k not in ds.NEW_SETS} == expected
    assert all(e.labels["toxicity"] == 1 for e in sets["toxic-spans-civil-comments"])
    davidson = sets["davidson-hate-offensive"]
    assert sum(e.labels["toxicity"] == 0 for e in davidson) == 4163  # class 2 "neither"
    assert sum(e.labels.get("identity_attack") == 1 for e in davidson) == 1430  # class 0
    civil = sets["civil-comments-autolabel-sample"]
    assert sum(e.labels["toxicity"] == 0 for e in civil) > 2000  # the clean news comments
    yt = sets["youtube-spam"]
    assert {e.meta["video"] for e in yt} == {
        "Youtube01-Psy", "Youtube02-KatyPerry", "Youtube03-LMFAO"}
    assert all(set(e.labels) == {"spam"} for e in yt)
    kaggle = sets["kaggle-insults-social-commentary"]
    assert not any(e.text.startswith('"') and e.text.endswith('"') for e in kaggle)
    for name, rows in sets.items():
        for e in rows:
            assert set(e.labels) <= set(ds.STANDARD_LABELS), name
            assert all(v in (0, 1) for v in e.labels.values()), name


needs_new_datasets = pytest.mark.skipif(
    not all((DATASETS / n).is_dir() for n in ds.NEW_SETS),
    reason=f"the 2026-12-05 data sets ({', '.join(ds.NEW_SETS)}) not all found at {DATASETS} "
           "(set MODERATION_DATASETS)",
)


def _count(rows: list[ds.Example], label: str, value: int) -> int:
    return sum(e.labels.get(label) == value for e in rows)


@needs_new_datasets
@pytest.mark.datasets
def test_new_loaders_map_labels_as_documented() -> None:
    sets = ds.load_sets(DATASETS, {n: ds.TRAIN_LOADERS[n] for n in ds.NEW_SETS})
    for name, rows in sets.items():
        assert name in ds.LABEL_MAPPING and name in ds.CITATIONS and name in ds.TRAIN_SETS
        for e in rows:
            assert set(e.labels) <= set(ds.STANDARD_LABELS), name
            assert all(v in (0, 1) for v in e.labels.values()), name
    fox = sets["fox-news-comments"]
    assert len(fox) == 1528 and len({e.group for e in fox}) == 10  # split by article
    assert _count(fox, "toxicity", 1) == _count(fox, "identity_attack", 1) == 435
    assert all("insult" not in e.labels for e in fox)  # 'not hateful' says nothing on insults
    gab = sets["gab-hate-corpus"]
    assert len(gab) == 2580 and _count(gab, "toxicity", 1) == 302  # hd or cv or vo
    assert _count(gab, "threat", 1) == 12 and _count(gab, "obscene", 1) == 167
    assert _count(gab, "identity_attack", 1) == 233  # hd or cv
    hx = sets["hatexplain"]
    assert _count(hx, "identity_attack", 1) == 5852 and _count(hx, "insult", 1) == 5401
    assert _count(hx, "toxicity", 0) == 7708
    sf = sets["stormfront-hate-speech"]
    assert len(sf) == 9507 + 1196 and _count(sf, "identity_attack", 1) == 1196  # no relation
    assert all(e.group and "_" not in e.group for e in sf)  # grouped by post
    sms = sets["sms-spam-collection"]
    assert _count(sms, "spam", 1) == 747 and all(set(e.labels) == {"spam"} for e in sms)
    mp = sets["arabic-multiplatform-comments"]
    assert len(mp) == 3999 - 30  # the expert-marked label errors dropped
    assert _count(mp, "identity_attack", 1) == 180 and _count(mp, "obscene", 1) == 36
    mlma = sets["arabic-mlma"]
    assert _count(mlma, "toxicity", 0) == 915 and len(mlma) == 3353 - 282  # split rows dropped
    aoe = sets["arabic-offenseval2020"]
    assert _count(aoe, "toxicity", 1) == 1409 and _count(aoe, "identity_attack", 1) == 361
    tr = sets["turkish-offenseval2020"]
    assert len(tr) == 31740 and _count(tr, "toxicity", 1) == 6130
    assert _count(tr, "insult", 0) == 25610 and _count(tr, "insult", 1) == 0


def test_reserved_sets_are_never_loaded() -> None:
    names = " ".join([*ds.TRAIN_LOADERS, *ds.EVAL_LOADERS]).lower()
    for reserved in ("hatecheck", "hatemoderate", "l-hsab", "lhsab", "pars-off", "parsoff"):
        assert reserved not in names


@needs_datasets
@pytest.mark.datasets
@pytest.mark.slow
def test_small_training_run_on_real_data(tmp_path: Path) -> None:
    opts = TrainOptions(datasets=DATASETS, out=tmp_path / "m", seed=0, progress=False,
                        max_rows_per_set=400)
    report = run(opts)
    assert set(report["raw_counts"]) == set(ds.DEFAULT_TRAIN)  # eval-only sets never trained on
    assert set(ds.DEFAULT_TRAIN) <= set(ds.TRAIN_SETS)
    assert set(report["cross"]) == set(ds.EVAL_ONLY_SETS)
    assert report["heldout"]["toxicity"]["roc_auc"] > 0.7
    assert report["heldout"]["spam"]["roc_auc"] > 0.8
    scorer = SklearnScorer.load(tmp_path / "m")
    clean, abusive = scorer.score(["Thanks, a useful summary of the budget.",
                                   "You are a fucking idiot."])
    assert abusive["toxicity"] > clean["toxicity"]
