"""``moderation evaluate``: measure the engine on a labelled CSV and write report.md + charts."""

from __future__ import annotations

import json
import shlex
import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from moderation.cli.common import fail, load_engine

#: Show a progress bar from this many rows on (short runs stay quiet).
PROGRESS_FROM = 1000


def register(group: click.Group) -> None:
    group.add_command(evaluate)


def default_out_dir(csv_path: Path) -> Path:
    """``data/x.csv`` -> ``data/x-evaluation/`` (report.md and PNGs together, next to FILE)."""
    return csv_path.with_name(csv_path.stem + "-evaluation")


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--text-column", required=True, help="Column holding the comment text.")
@click.option("--label-column", required=True,
              help="Column holding the label (see --positive for what counts as violating).")
@click.option("--category-column", default=None,
              help="Column naming the guideline category the label is about (per-category "
                   "figures by it); without it, figures per engine reason category.")
@click.option("--positive", default=None,
              help="Comma-separated label values meaning 'should be rejected' (case-insensitive;"
                   " default: 1,true,yes,reject,toxic,spam,OFF,hate,offensive).")
@click.option("--negative", default=None,
              help="Comma-separated label values meaning 'clean' (case-insensitive; default: "
                   "0,false,no,approve,clean,ok,NOT,ham,none,normal, minus any --positive "
                   "value). A label in neither list stops the run with the list of accepted "
                   "values (exit 2): it is never counted as clean silently.")
@click.option("--article-title-column", default=None,
              help="Column with the article title (used by the off_topic relevance check).")
@click.option("--policy", "policy_path", type=click.Path(dir_okay=False), default=None,
              help="Policy YAML (default: policies/default.yaml or $MODERATION_POLICY_DIR).")
@click.option("--scorer", "scorer_name", default=None,
              help="sklearn (default), detoxify or none; default from $MODERATION_SCORER.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Directory for report.md, metrics.json, decisions.csv and charts "
                   "(default: FILE's stem + '-evaluation' next to FILE).")
@click.option("--function-column", default=None,
              help="Column naming each row's function in a functional suite (e.g. `function` "
                   "in tests/functional/cases.csv): adds per-function figures (hateful "
                   "rejected, contrasts rejected, all sent to review). The label review_ok is "
                   "then accepted, and such rows count only in the review share.")
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="Judge only the first N usable rows.")
def evaluate(file: Path, text_column: str, label_column: str, category_column: str | None,
             positive: str | None, negative: str | None, article_title_column: str | None,
             policy_path: str | None, scorer_name: str | None, out_dir: Path | None,
             function_column: str | None,
             limit: int | None) -> None:
    """Run the engine over a labelled CSV FILE: precision, recall, F1, false-positive and
    review rates per category and overall; writes report.md with PNG charts."""
    from tqdm import tqdm

    from moderation.errors import ModerationError
    from moderation.evaluation import charts
    from moderation.evaluation.dataset import (
        parse_negative,
        parse_positive,
        read_labelled_csv,
    )
    from moderation.evaluation.functions import REVIEW_OK, expected_of, function_figures
    from moderation.evaluation.functions import text_table as function_text
    from moderation.evaluation.metrics import compute_figures
    from moderation.evaluation.report import (
        ReportInfo,
        confusion_text,
        text_table,
        write_decisions_csv,
        write_report,
    )
    from moderation.evaluation.runner import EvaluationRun, run_evaluation

    try:
        pos = parse_positive(positive)
        neg = parse_negative(negative, pos)
        if function_column:  # a functional suite's third expectation: neither side
            neg |= {REVIEW_OK}
        read = read_labelled_csv(file, text_column, label_column, positive=pos, negative=neg,
                                 category_column=category_column,
                                 article_title_column=article_title_column,
                                 function_column=function_column, limit=limit)
    except (ModerationError, ValueError, OSError) as exc:
        fail(str(exc))
    engine = load_engine(policy_path, scorer_name)
    if not read.rows:
        fail(f"{file}: no usable rows ({len(read.skipped)} skipped of {read.total_rows})")

    bar = tqdm(total=len(read.rows), desc="evaluating", unit="comment", file=sys.stderr,
               disable=len(read.rows) < PROGRESS_FROM)
    run = run_evaluation(engine, read.rows, progress=bar.update)
    bar.close()
    if not run.judged:
        fail(f"{file}: every row was skipped ({len(run.skipped)} by the engine)")
    functions = None
    if function_column:
        functions = function_figures(
            (j.row.function or "(none)", expected_of(j.row.label, j.row.violating),
             j.decision.action) for j in run.judged)
        # review_ok rows are neither violating nor clean: only the per-function review share
        run = EvaluationRun([j for j in run.judged
                             if expected_of(j.row.label, j.row.violating) != REVIEW_OK],
                            run.skipped, run.seconds)
    overall, categories, mode = compute_figures(run.outcomes,
                                                "label" if category_column else "engine")

    out = out_dir or default_out_dir(file)
    out.mkdir(parents=True, exist_ok=True)
    thresholds: dict[str, list[tuple[str, float | None, float | None]]] = {}
    for name, cat in engine.policy.categories.items():
        if cat.enabled and cat.model is not None:
            for lab in cat.model.labels:
                thresholds.setdefault(lab, []).append((name, cat.model.review_at,
                                                       cat.model.reject_at))
    drawn = {
        "confusion": charts.confusion_chart(overall, out / "confusion.png"),
        "scores": charts.score_chart([j.decision.scores for j in run.judged],
                                     [j.row.violating for j in run.judged],
                                     out / "scores.png", thresholds),
        "categories": charts.category_chart(
            categories, out / "categories.png",
            "per label category" if mode == "label" else "per engine reason category"),
    }
    info = ReportInfo(
        source=str(file), command=shlex.join(["moderation", *sys.argv[1:]]),
        date=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        policy_id=engine.policy.id, policy_version=engine.policy.version,
        scorer=engine.scorer.name, positive=sorted(pos), negative=sorted(neg),
        text_column=text_column,
        label_column=label_column, category_column=category_column,
        function_column=function_column)
    report = write_report(out / "report.md", info, read, run, overall, categories, mode, drawn,
                          functions)
    write_decisions_csv(out / "decisions.csv", run)
    skipped = read.skipped + run.skipped
    (out / "metrics.json").write_text(json.dumps({
        "info": info.__dict__, "category_mode": mode, "overall": overall.as_dict(),
        "categories": [f.as_dict() for f in categories],
        "functions": None if functions is None else {
            "overall": functions[0].as_dict(),
            "per_function": [f.as_dict() for f in functions[1]]},
        "rows": {"read": read.total_rows, "judged": len(run.judged), "skipped": len(skipped),
                 "encoding_errors": len(read.encoding_errors)},
        "seconds": run.seconds,
    }, indent=2, default=str), encoding="utf-8")

    click.echo(f"{file}: {len(run.judged)} judged ({overall.n_violating} violating, "
               f"{overall.n_clean} clean), {len(skipped)} skipped; policy "
               f"{engine.policy.id}@{engine.policy.version}, scorer {engine.scorer.name}")
    click.echo("")
    click.echo(text_table(overall, categories, mode))
    click.echo("")
    click.echo(confusion_text(overall))
    if functions is not None:
        click.echo("")
        click.echo(function_text(*functions))
    click.echo("")
    click.echo(f"report: {report}")
