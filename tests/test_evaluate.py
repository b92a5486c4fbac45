"""``moderation evaluate``: exact figures on hand-computable data, robust CSV reading, report.

The CLI tests use ``--scorer none`` and comments whose decision under the default policy is not
in doubt (a second-person insult is rejected, a polite remark approved), so every figure below
can be checked by hand.
"""

from __future__ import annotations

import csv
import importlib.util
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from moderation.cli import main
from moderation.evaluation.dataset import (
    ColumnMissing,
    UnknownLabels,
    parse_negative,
    parse_positive,
    read_labelled_csv,
)
from moderation.evaluation.metrics import Outcome, compute_figures

ROOT = Path(__file__).resolve().parents[1]

# --- metrics on hand-built outcomes ------------------------------------------------------------


def _o(violating: bool, action: str, rej: tuple[str, ...] = (), rev: tuple[str, ...] = (),
       cat: str | None = None) -> Outcome:
    return Outcome(violating, action, frozenset(rej), frozenset(rev), cat)


OUTCOMES = [
    _o(True, "reject", ("personal_attack",)),   # TP
    _o(True, "reject", ("profanity", "personal_attack")),  # TP
    _o(True, "review", rev=("toxicity",)),      # FN, reviewed
    _o(True, "approve"),                        # FN, unseen
    _o(False, "reject", ("profanity",)),        # FP
    _o(False, "review", rev=("promotion",)),    # clean reviewed
    _o(False, "approve"),
    _o(False, "approve"),
    _o(False, "approve"),
    _o(False, "approve"),
]


def test_overall_figures_are_exact() -> None:
    overall, _, mode = compute_figures(OUTCOMES)
    assert mode == "engine"
    assert (overall.n, overall.n_violating, overall.n_clean) == (10, 4, 6)
    assert overall.precision == pytest.approx(2 / 3)
    assert overall.recall == pytest.approx(2 / 4)
    assert overall.f1 == pytest.approx(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5))
    assert overall.fpr == pytest.approx(1 / 6)
    assert overall.review_rate_clean == pytest.approx(1 / 6)
    assert overall.review_rate_violating == pytest.approx(1 / 4)
    assert overall.reject_or_review_recall == pytest.approx(3 / 4)
    assert overall.confusion == {"violating": {"approve": 1, "review": 1, "reject": 2},
                                 "clean": {"approve": 4, "review": 1, "reject": 1}}


def test_engine_category_figures() -> None:
    _, cats, _ = compute_figures(OUTCOMES, "engine")
    by = {f.name: f for f in cats}
    assert sorted(by) == ["personal_attack", "profanity", "promotion", "toxicity"]
    pa, prof, promo, tox = by["personal_attack"], by["profanity"], by["promotion"], by["toxicity"]
    assert (pa.tp, pa.fp, pa.precision, pa.recall, pa.fpr) == (2, 0, 1.0, 0.5, 0.0)
    assert (prof.tp, prof.fp, prof.precision, prof.recall) == (1, 1, 0.5, 0.25)
    assert prof.fpr == pytest.approx(1 / 6)
    assert promo.precision is None and promo.review_rate_clean == pytest.approx(1 / 6)
    assert tox.review_rate_violating == 0.25 and tox.reject_or_review_recall == 0.25


def test_label_category_figures_group_rows() -> None:
    rows = [_o(True, "reject", cat="threat"), _o(True, "approve", cat="threat"),
            _o(False, "reject", cat="threat"), _o(True, "review", cat="spam"), _o(False, "approve")]
    _, cats, mode = compute_figures(rows)
    assert mode == "label"
    by = {f.name: f for f in cats}
    assert by["threat"].precision == 0.5 and by["threat"].recall == 0.5
    assert by["threat"].fpr == 1.0
    assert by["spam"].recall == 0.0 and by["spam"].reject_or_review_recall == 1.0
    assert by["spam"].fpr is None  # no clean rows in the group: undefined, not 0
    assert by["(none)"].n_clean == 1 and by["(none)"].recall is None


# --- CSV reading ------------------------------------------------------------------------------


def test_reader_counts_bad_rows_and_keeps_going(tmp_path: Path) -> None:
    p = tmp_path / "messy.csv"
    p.write_bytes(
        b"\xef\xbb\xbfid,comment,verdict\n"           # BOM before the header
        b'1,"multi\nline, quoted ""text""",Toxic\n'   # quoted newline + quotes, label case
        b"2,,1\n"                                     # empty text
        b"3,no label here,\n"                         # missing label
        b"4\n"                                        # too few fields
        b"5,bad \xff byte,0\n"                        # invalid UTF-8, kept with U+FFFD
        b"6,fine,1.0\n"                               # numeric label written as float
    )
    r = read_labelled_csv(p, "comment", "verdict")
    assert [row.row for row in r.rows] == [1, 5, 6]
    assert r.rows[0].text == 'multi\nline, quoted "text"' and r.rows[0].violating
    assert r.rows[1].text == "bad \ufffd byte" and not r.rows[1].violating
    assert r.rows[2].violating
    assert r.encoding_errors == [5]
    assert {(s.row, s.reason) for s in r.skipped} == {
        (2, "empty text"), (3, "missing label"), (4, "unparseable: too few fields")}
    assert r.total_rows == 6


def test_positive_values_are_configurable(tmp_path: Path) -> None:
    p = tmp_path / "levels.csv"
    p.write_text("t,level\na,1\nb,2\nc,3\nd,4\n", encoding="utf-8")
    with pytest.raises(UnknownLabels) as info:  # 2, 3 and 4 are neither 1 nor 0 by default
        read_labelled_csv(p, "t", "level")
    assert info.value.unknown == {"2": [2], "3": [3], "4": [4]}
    strict = read_labelled_csv(p, "t", "level", positive=parse_positive("3, 4"),
                               negative=["1", "2"])
    assert [r.violating for r in strict.rows] == [False, False, True, True]
    assert len(read_labelled_csv(p, "t", "level", negative="2,3,4", limit=2).rows) == 2


def test_unknown_label_values_are_refused_with_the_accepted_ones(tmp_path: Path) -> None:
    """A "maybe" was counted as clean without a word."""
    p = tmp_path / "x.csv"
    p.write_text("t,label\na,1\nb,maybe\nc,0\nd,Maybe \ne,NOT\nf,unsure\n", encoding="utf-8")
    with pytest.raises(UnknownLabels) as info:
        read_labelled_csv(p, "t", "label")
    assert info.value.unknown == {"maybe": [2], "Maybe": [4], "unsure": [6]}
    msg = str(info.value)
    assert "'maybe' (1 row(s): 2)" in msg and "'unsure' (1 row(s): 6)" in msg
    assert "positive (should be rejected): 1, false" not in msg  # sides are not mixed up
    assert "negative (clean): 0, approve, clean" in msg and "offensive" in msg
    ok = read_labelled_csv(p, "t", "label", positive="1", negative="0,maybe,unsure,not")
    assert [r.violating for r in ok.rows] == [True, False, False, False, False, False]


def test_a_value_cannot_be_both_positive_and_negative() -> None:
    with pytest.raises(ValueError, match="both positive and negative: 1"):
        parse_negative("0,1", parse_positive("1"))
    assert "0" not in parse_negative(None, parse_positive("0"))  # default minus --positive


def test_cli_unknown_label_exits_2_listing_accepted_values(tmp_path: Path) -> None:
    data = _write(tmp_path / "labelled.csv", [*CERTAIN, ("a fine comment", "maybe")])
    res = CliRunner().invoke(main, ["evaluate", str(data), "--text-column", "body",
                                    "--label-column", "gold", "--scorer", "none",
                                    "--out", str(tmp_path / "out")])
    assert res.exit_code == 2, res.output
    assert "'maybe' (1 row(s): 7)" in res.output and "--negative" in res.output
    assert not (tmp_path / "out").exists()
    res = CliRunner().invoke(main, ["evaluate", str(data), "--text-column", "body",
                                    "--label-column", "gold", "--scorer", "none",
                                    "--negative", "0,no,maybe", "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output


def test_reader_names_the_missing_column(tmp_path: Path) -> None:
    p = tmp_path / "x.csv"
    p.write_text("text,label\nhi,0\n", encoding="utf-8")
    with pytest.raises(ColumnMissing, match="no column 'comment'.*'text', 'label'"):
        read_labelled_csv(p, "comment", "label")


# --- the command end to end -------------------------------------------------------------------

CERTAIN = [
    ("you idiot", "1"),                                            # reject: second-person insult
    ("Thanks for the thoughtful article, I learned a lot.", "0"),  # approve
    ("I disagree with the mayor about the budget.", "1"),          # approve -> false negative
    ("you are a complete moron", "0"),                             # reject -> false positive
    ("Fuck you, you stupid moron", "toxic"),                       # reject
    ("The council meets again on Tuesday.", "no"),                 # approve
]


def _write(path: Path, rows: list[tuple[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["body", "gold"])
        w.writerows(rows)
    return path


def test_cli_evaluate_figures_report_and_charts(tmp_path: Path) -> None:
    data = _write(tmp_path / "labelled.csv",
                  [*CERTAIN, ("   ", "1"), ("x" * 20_000, "0")])  # empty + too long
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["evaluate", str(data), "--text-column", "body",
                                    "--label-column", "gold", "--scorer", "none",
                                    "--out", str(out)])
    assert res.exit_code == 0, res.output
    m = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    o = m["overall"]
    # violating: idiot (rej), mayor (approve), fuck-you (rej); clean: thanks, moron (rej), council
    assert (o["n_violating"], o["n_clean"], o["tp"], o["fp"], o["fn"]) == (3, 3, 2, 1, 1)
    assert o["precision"] == pytest.approx(2 / 3)
    assert o["recall"] == pytest.approx(2 / 3)
    assert o["fpr"] == pytest.approx(1 / 3)
    assert o["review_rate_clean"] == 0.0
    assert m["rows"] == {"read": 8, "judged": 6, "skipped": 2, "encoding_errors": 0}
    assert "personal_attack" in {c["name"] for c in m["categories"]}
    assert "OVERALL" in res.output and "66.7%" in res.output and "33.3%" in res.output
    report = (out / "report.md").read_text(encoding="utf-8")
    for needle in ("| empty text | 1 |", "| too long | 1 |", "scorer `null`",
                   "you are a complete moron", "I disagree with the mayor",
                   "engine reason category"):
        assert needle in report
    for png in ("confusion.png", "categories.png"):
        assert (out / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with (out / "decisions.csv").open(encoding="utf-8", newline="") as fh:
        outcomes = [r["outcome"] for r in csv.DictReader(fh)]
    assert outcomes == ["TP", "TN", "FN", "FP", "TP", "TN"]
    assert not (out / "scores.png").exists()  # no model, no score chart (and the report says so)
    assert "No model scores" in report


def test_cli_default_out_dir_is_next_to_the_file(tmp_path: Path) -> None:
    data = _write(tmp_path / "set.csv", CERTAIN[:2])
    res = CliRunner().invoke(main, ["evaluate", str(data), "--text-column", "body",
                                    "--label-column", "gold", "--scorer", "none"])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "set-evaluation" / "report.md").is_file()


def test_cli_missing_column_exits_2_with_message(tmp_path: Path) -> None:
    data = _write(tmp_path / "labelled.csv", CERTAIN)
    res = CliRunner().invoke(main, ["evaluate", str(data), "--text-column", "comment",
                                    "--label-column", "gold", "--scorer", "none"])
    assert res.exit_code == 2
    assert "no column 'comment' (given by --text-column)" in res.output
    assert "'body', 'gold'" in res.output
    assert "Traceback" not in res.output


# --- the converter used for docs/evaluation.md ------------------------------------------------


def test_kaggle_escapes_are_decoded() -> None:
    spec = importlib.util.spec_from_file_location(
        "to_eval_csv", ROOT / "benchmarks" / "datasets" / "to_eval_csv.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert mod.kaggle_text('"A\\xc2\\xa0majority\\nof"') == "A\xa0majority\nof"
    assert mod.kaggle_text('"point.\\xa0 It"') == "point.\xa0 It"
    assert mod.kaggle_text('"bi\\\\u1ec3u"') == "bi\u1ec3u"
