"""The functional suite (issue 12): the generator, the committed cases, the per-function figures.

No quality thresholds here: the suite is a yardstick; what the engine scores on it goes to
docs/evaluation.md (benchmarks/eval_all.py and ``moderation evaluate --function-column``).
"""

from __future__ import annotations

import csv
import json
import os
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from moderation.cli import main
from moderation.evaluation import functional as gen
from moderation.evaluation.functions import expected_of, function_figures
from moderation.policy import load_policy

CASES = gen.CASES
DATASETS = Path(os.environ.get("MODERATION_DATASETS",
                               gen.ROOT.parent / "shared" / "datasets"))


@pytest.fixture(scope="module")
def cases() -> list[gen.Case]:
    return gen.generate()


def test_generator_is_deterministic_and_large(cases: list[gen.Case]) -> None:
    again = gen.generate()
    assert [c.row() for c in again] == [c.row() for c in cases]
    texts = [c.text for c in cases]
    assert len(set(texts)) == len(texts) >= 1500
    assert len({c.id for c in cases}) == len(cases)


def test_committed_csv_is_the_generators_output(cases: list[gen.Case]) -> None:
    assert CASES.read_text(encoding="utf-8") == gen.to_csv(cases), (
        "tests/functional/cases.csv is stale: run python -m moderation.evaluation.functional")


def test_every_contrast_function_has_its_hateful_side(cases: list[gen.Case]) -> None:
    by_fn: dict[str, Counter[str]] = {}
    for c in cases:
        by_fn.setdefault(c.function, Counter())[c.expected] += 1
    spec = gen.load_spec()
    contrast_fns = [f for f in spec["functions"] if f.get("contrasts")]
    assert len(contrast_fns) >= 10
    for f in spec["functions"]:
        assert by_fn.get(f["id"]), f"{f['id']} yields no case"
        assert len(by_fn[f["id"]]) == 1, f"{f['id']} mixes expectations"
    for f in contrast_fns:
        assert by_fn[f["id"]]["approve"] > 0, f["id"]
        assert by_fn[f["contrasts"]]["reject"] > 0, f"{f['id']} -> {f['contrasts']}"


def test_sides_are_roughly_balanced_and_groups_all_covered(cases: list[gen.Case]) -> None:
    n = Counter(c.expected for c in cases)
    assert 0.6 <= n["approve"] / n["reject"] <= 1.6, n
    groups = {g["id"] for g in gen.load_spec()["groups"]}
    for side in ("reject", "approve"):
        seen = {c.target_group for c in cases if c.expected == side}
        assert groups <= seen, groups - seen
    seen_targets = {c.target_group for c in cases if c.function.startswith("threat_")}
    assert {"commenter", "author", "staff"} <= seen_targets


def test_categories_are_policy_categories(cases: list[gen.Case]) -> None:
    names = set(load_policy(None).categories)
    assert {c.category for c in cases} <= names | {"none"}


def test_every_evasion_is_used_and_changes_the_word(cases: list[gen.Case]) -> None:
    used = {c.evasion for c in cases}
    assert set(gen.EVASIONS) <= used
    plain = {c.text for c in cases if c.evasion == "none"}
    assert not {c.text for c in cases if c.evasion != "none"} & plain


@pytest.mark.parametrize(("evasion", "expected"), [
    ("", "I will kill you."),
    ("spaced", "I will k i l l you."),
    ("dotted", "I will k.i.l.l you."),
    ("dropped_vowel", "I will kll you."),
    ("swapped", "I will klil you."),
    ("leet", "I will k1ll you."),
    ("cyrillic", "I will k\u0456ll you."),
    ("zero_width", "I will k\u200bi\u200bl\u200bl you."),
    ("fullwidth", "I will \uff4b\uff49\uff4c\uff4c you."),
    ("joined", "I will killyou."),
    ("stretched", "I will kiiiill you."),
])
def test_evasions_are_written_as_documented(evasion: str, expected: str) -> None:
    assert gen.apply_evasion("I will [kill] you.", evasion) == expected


def test_joined_at_the_end_of_a_sentence_joins_the_word_before() -> None:
    assert gen.apply_evasion("They should be [hanged].", "joined") == "They should behanged."


def test_function_figures_on_a_hand_made_input() -> None:
    items = [
        ("slur", "reject", "reject"), ("slur", "reject", "review"), ("slur", "reject", "approve"),
        ("slur", "reject", "reject"),
        ("negated", "approve", "approve"), ("negated", "approve", "reject"),
        ("negated", "approve", "review"), ("negated", "approve", "approve"),
        ("negated", "approve", "approve"),
        ("borderline", "review_ok", "review"), ("borderline", "review_ok", "reject"),
    ]
    overall, per = function_figures(items)
    slur, negated, borderline = per
    assert [f.name for f in per] == ["slur", "negated", "borderline"]
    assert slur.hateful_rejected_rate == pytest.approx(2 / 4)
    assert slur.hateful_approved_rate == pytest.approx(1 / 4)
    assert slur.contrast_rejected_rate is None and slur.review_rate == pytest.approx(1 / 4)
    assert negated.contrast_rejected_rate == pytest.approx(1 / 5)
    assert negated.review_rate == pytest.approx(1 / 5)
    assert borderline.hateful_rejected_rate is None and borderline.review_ok == 2
    assert borderline.review_rate == pytest.approx(1 / 2)
    assert (overall.n, overall.hateful, overall.contrast, overall.review_ok) == (11, 4, 5, 2)
    assert overall.contrast_rejected_rate == pytest.approx(1 / 5)
    assert overall.review_rate == pytest.approx(3 / 11)
    assert overall.meets_targets() is False
    good, _ = function_figures([("x", "reject", "reject")] * 9 + [("x", "approve", "approve")])
    assert good.meets_targets() is True


def test_expected_of_reads_review_ok() -> None:
    assert expected_of("reject", True) == "reject"
    assert expected_of(" Review_OK ", False) == "review_ok"
    assert expected_of("approve", False) == "approve"


def test_cli_reports_per_function_and_leaves_review_ok_out(tmp_path: Path) -> None:
    data = tmp_path / "mini.csv"
    with data.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["function", "expected", "text"])
        w.writerows([
            ("insult", "reject", "you idiot"),                               # rejected
            ("insult", "reject", "you are a complete moron"),                # rejected
            ("polite", "approve", "Thanks for the thoughtful article."),     # approved
            ("polite", "approve", "The council meets again on Tuesday."),    # approved
            ("maybe", "review_ok", "you idiot, read it again"),              # any action
        ])
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["evaluate", str(data), "--text-column", "text",
                                    "--label-column", "expected", "--positive", "reject",
                                    "--function-column", "function", "--scorer", "none",
                                    "--out", str(out)])
    assert res.exit_code == 0, res.output
    m = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert (m["overall"]["n_violating"], m["overall"]["n_clean"]) == (2, 2)  # review_ok left out
    per = {f["name"]: f for f in m["functions"]["per_function"]}
    assert per["insult"]["hateful_rejected_rate"] == 1.0
    assert per["polite"]["contrast_rejected_rate"] == 0.0
    assert per["maybe"]["review_ok"] == 1 and per["maybe"]["hateful"] == 0
    assert m["functions"]["overall"]["n"] == 5
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "## Per function (column `function`)" in report
    assert "| insult | 2 | 2 | 100.0% |" in report
    with (out / "decisions.csv").open(encoding="utf-8", newline="") as fh:
        assert [r["function"] for r in csv.DictReader(fh)] == ["insult", "insult", "polite",
                                                                 "polite"]


def test_the_engine_runs_over_the_whole_suite(tmp_path: Path, cases: list[gen.Case]) -> None:
    out = tmp_path / "suite"
    res = CliRunner().invoke(main, ["evaluate", str(CASES), "--text-column", "text",
                                    "--label-column", "expected", "--positive", "reject",
                                    "--function-column", "function", "--category-column",
                                    "category", "--scorer", "none", "--out", str(out)])
    assert res.exit_code == 0, res.output
    m = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert m["functions"]["overall"]["n"] == len(cases)
    assert {f["name"] for f in m["functions"]["per_function"]} == {c.function for c in cases}


# --- the shared data sets behind benchmarks/eval_all.py -------------------------------------


def test_sample_is_deterministic_and_label_blind() -> None:
    from moderation.evaluation.dataset import LabelledRow
    from moderation.evaluation.shared_sets import EvalSet, sample

    def make() -> EvalSet:
        rows = [LabelledRow(i, f"comment {i}", i % 2 == 0, "x") for i in range(1, 101)]
        return EvalSet("t", "t", "d", "r", rows)

    a, b = make(), make()
    assert sample(a, 30) == 100 and sample(b, 30) == 100
    assert [r.row for r in a.rows] == [r.row for r in b.rows]
    assert len(a.rows) == 30 and a.rows == sorted(a.rows, key=lambda r: r.row)
    c = make()
    sample(c, None)
    assert len(c.rows) == 100


@pytest.mark.datasets
@pytest.mark.skipif(not DATASETS.is_dir(), reason=f"data sets not found at {DATASETS}")
def test_every_shared_set_reads_with_both_labels() -> None:
    from moderation.evaluation.shared_sets import READERS, load_all

    sets, missing = load_all(DATASETS)
    assert len(sets) >= len(READERS) - len(missing)
    for s in sets:
        labels = Counter(r.violating for r in s.rows)
        assert labels[True] > 0, s.name
        if s.folder != "toxic-spans-civil-comments":  # all toxic by construction
            assert labels[False] > 0, s.name
