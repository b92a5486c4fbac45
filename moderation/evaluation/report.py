"""The figures as a terminal table and as report.md (with the charts beside it)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from moderation.evaluation.dataset import ReadResult
from moderation.evaluation.functions import (
    REVIEW_OK,
    FunctionFigures,
    expected_of,
    targets_line,
)
from moderation.evaluation.functions import markdown_table as function_markdown
from moderation.evaluation.metrics import ACTIONS, CategoryMode, Figures, fmt
from moderation.evaluation.runner import EvaluationRun, Judged

EXAMPLES = 10
TRUNCATE = 200

_COLUMNS = (
    ("n", "n", None), ("viol", "n_violating", None), ("clean", "n_clean", None),
    ("prec", "precision", True), ("recall", "recall", True), ("F1", "f1", True),
    ("FPR", "fpr", True), ("rev clean", "review_rate_clean", True),
    ("rev viol", "review_rate_violating", True),
    ("rej+rev recall", "reject_or_review_recall", True),
)


@dataclass
class ReportInfo:
    """Everything about the run that is not a figure: for reproducing it later."""

    source: str
    command: str
    date: str
    policy_id: str
    policy_version: str
    scorer: str
    positive: Sequence[str]
    text_column: str
    label_column: str
    category_column: str | None = None
    negative: Sequence[str] = ()
    function_column: str | None = None


def _cells(f: Figures) -> list[str]:
    out = []
    for _, attr, is_rate in _COLUMNS:
        v = getattr(f, attr)
        out.append(fmt(v) if is_rate else str(v))
    return out


def text_table(overall: Figures, categories: Sequence[Figures], mode: CategoryMode) -> str:
    """Fixed-width table for the terminal: one line per category, then overall."""
    head = ["category" if mode == "engine" else "label category"] + [c[0] for c in _COLUMNS]
    body = [[f.name, *_cells(f)] for f in categories] + [["OVERALL", *_cells(overall)]]
    widths = [max(len(r[i]) for r in [head, *body]) for i in range(len(head))]
    lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                       for i, (c, w) in enumerate(zip(row, widths, strict=True)))
             for row in [head, *body]]
    lines.insert(1, "-" * len(lines[0]))
    lines.insert(len(lines) - 1, "-" * len(lines[0]))
    return "\n".join(lines)


def confusion_text(overall: Figures) -> str:
    lines = ["label \\ decision  " + "  ".join(a.rjust(8) for a in ACTIONS)]
    for lab in ("clean", "violating"):
        lines.append(f"{lab:<17} " + "  ".join(str(overall.confusion[lab][a]).rjust(8)
                                                for a in ACTIONS))
    return "\n".join(lines)


def _md_table(overall: Figures, categories: Sequence[Figures], first: str) -> list[str]:
    head = [first] + [c[0] for c in _COLUMNS]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for f in categories:
        lines.append("| " + " | ".join([f.name, *_cells(f)]) + " |")
    lines.append("| **overall** | " + " | ".join(_cells(overall)) + " |")
    return lines


def _cell(text: str, limit: int = TRUNCATE) -> str:
    t = " ".join(text.split())
    if len(t) > limit:
        t = t[: limit - 1] + "…"
    return t.replace("|", "\\|").replace("<", "&lt;")


def _reasons(j: Judged) -> str:
    parts = [f"[{r.action}] {r.message}" for r in j.decision.reasons if r.action != "flag"]
    return _cell("; ".join(parts) or "(no reason)", 240)


def _top_scores(j: Judged, k: int = 3) -> str:
    top = sorted(j.decision.scores.items(), key=lambda kv: -kv[1])[:k]
    return ", ".join(f"{lab} {v:.2f}" for lab, v in top) or "-"


def pick_examples(items: Sequence[Judged], key, n: int = EXAMPLES) -> list[Judged]:  # type: ignore[no-untyped-def]
    """Up to n items, round-robin over ``key`` groups (file order within a group), so the
    examples show different causes instead of ten copies of the commonest one."""
    groups: dict[str, list[Judged]] = {}
    for j in items:
        groups.setdefault(key(j), []).append(j)
    queues = sorted(groups.values(), key=len, reverse=True)
    out: list[Judged] = []
    depth = 0
    while len(out) < n and any(depth < len(q) for q in queues):
        for q in queues:
            if depth < len(q) and len(out) < n:
                out.append(q[depth])
        depth += 1
    return out


def _fp_key(j: Judged) -> str:
    r = next((r for r in j.decision.reasons if r.action == "reject"), None)
    return "-" if r is None else (r.rule_id or f"model:{r.label}")


def write_report(
    path: Path,
    info: ReportInfo,
    read: ReadResult,
    run: EvaluationRun,
    overall: Figures,
    categories: Sequence[Figures],
    mode: CategoryMode,
    charts: dict[str, Path | None],
    functions: tuple[FunctionFigures, Sequence[FunctionFigures]] | None = None,
) -> Path:
    """Write report.md; chart paths are linked relative to it. ``functions``: per-function
    figures of a functional suite (a section after the overall table)."""
    skipped = read.skipped + run.skipped
    reasons = Counter(s.reason for s in skipped)
    L: list[str] = [
        f"# Evaluation: `{Path(info.source).name}`",
        "",
        f"- Date: {info.date}",
        f"- Command: `{info.command}`",
        f"- Data: `{info.source}`; text column `{info.text_column}`, label column "
        f"`{info.label_column}`" + (f", category column `{info.category_column}`"
                                    if info.category_column else ""),
        f"- Violating when the label is one of: {', '.join(sorted(info.positive))}; clean "
        f"when one of: {', '.join(sorted(info.negative))} (case-insensitive; any other "
        "value refuses the run).",
        f"- Policy `{info.policy_id}` version `{info.policy_version}`; scorer `{info.scorer}`",
        f"- Rows: {read.total_rows} read, {len(run.judged)} judged "
        f"({overall.n_violating} violating, {overall.n_clean} clean), {len(skipped)} skipped"
        f"; {run.seconds:.1f} s in the engine "
        f"({len(run.judged) / run.seconds if run.seconds else 0:.0f} comments/s).",
    ]
    if read.encoding_errors:
        L.append(f"- {len(read.encoding_errors)} rows had invalid UTF-8 bytes (replaced by "
                 f"U+FFFD and judged): rows {_rows(read.encoding_errors)}")
    if skipped:
        L += ["", "### Skipped rows", "", "| reason | rows | first rows |", "|---|---|---|"]
        for reason, count in reasons.most_common():
            rows = [s.row for s in skipped if s.reason == reason]
            L.append(f"| {_cell(reason)} | {count} | {_rows(rows)} |")
    L += [
        "",
        "## Overall (reject decision)",
        "",
        "Precision/recall/F1 are for `reject` vs the label; FPR = clean comments rejected; "
        "`rev clean`/`rev viol` = share of clean/violating comments sent to review; "
        "`rej+rev recall` = violating comments rejected or sent to review.",
        "",
        *_md_table(overall, [], "slice"),
        "",
        "| label \\ decision | " + " | ".join(ACTIONS) + " |",
        "|---|" + "---|" * len(ACTIONS),
    ]
    for lab in ("clean", "violating"):
        L.append(f"| {lab} | " + " | ".join(str(overall.confusion[lab][a]) for a in ACTIONS)
                 + " |")
    if charts.get("confusion"):
        L += ["", f"![confusion matrix]({charts['confusion'].name})"]  # type: ignore[union-attr]
    if functions is not None:
        L += ["", f"## Per function (column `{info.function_column}`)", "",
              targets_line() + " Rows labelled `review_ok` count only in the review share "
              "(they are left out of every other figure in this report).", "",
              *function_markdown(*functions)]
    L += ["", "## Per category", ""]
    if mode == "label":
        L.append(f"Rows grouped by the CSV column `{info.category_column}`; every figure is "
                 "computed within the group (`(none)` = rows without a category; n/a = the "
                 "group has no clean or no violating rows).")
    else:
        L.append("The CSV has no category column, so these figures are per **engine reason "
                 "category** against the overall label: a comment counts as rejected (reviewed) "
                 "for a category when a reason of that category carries the reject (review) "
                 "action. Recall = share of ALL violating comments that category rejected; the "
                 "per-category recalls overlap and do not add up to the overall one.")
    L += ["", *_md_table(overall, categories, "category")]
    if charts.get("categories"):
        L += ["", f"![per category]({charts['categories'].name})"]  # type: ignore[union-attr]
    L += ["", "## Model scores", ""]
    if charts.get("scores"):
        L.append(f"![score distributions]({charts['scores'].name})")  # type: ignore[union-attr]
    else:
        L.append(f"No model scores: scorer `{info.scorer}` produced none (rules only).")
    fps = [j for j in run.judged if not j.row.violating and j.decision.action == "reject"]
    fns = [j for j in run.judged if j.row.violating and j.decision.action != "reject"]
    L += ["", f"## False positives (clean, rejected): {len(fps)}", "",
          f"Up to {EXAMPLES}, spread over the rule/model that rejected them; texts truncated to "
          f"{TRUNCATE} characters.", ""]
    L += _example_table(pick_examples(fps, _fp_key))
    L += ["", f"## False negatives (violating, not rejected): {len(fns)}", "",
          f"Up to {EXAMPLES}, alternating approved and reviewed ones.", ""]
    L += _example_table(pick_examples(fns, lambda j: j.decision.action))
    path.write_text("\n".join(L) + "\n", encoding="utf-8")
    return path


def write_decisions_csv(path: Path, run: EvaluationRun) -> Path:
    """One line per judged row (label, action, reason ids, top scores, text): for finding the
    patterns behind the errors, which ten examples cannot show."""
    import csv

    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["row", "label", "violating", "label_category", "function", "action",
                    "outcome",
                    "reject_reasons", "review_reasons", "evidence", "top_scores", "text"])
        for j in run.judged:
            d = j.decision
            outcome = {(True, "reject"): "TP", (False, "reject"): "FP"}.get(
                (j.row.violating, d.action), "FN" if j.row.violating else "TN")
            if expected_of(j.row.label, j.row.violating) == REVIEW_OK:
                outcome = REVIEW_OK
            ids = {a: sorted({r.rule_id or f"model:{r.category}:{r.label}"
                              for r in d.reasons if r.action == a})
                   for a in ("reject", "review")}
            evidence = sorted({e.text for r in d.reasons if r.action != "flag"
                               for e in r.evidence if e.end - e.start <= 80})
            w.writerow([j.row.row, j.row.label, int(j.row.violating), j.row.category or "",
                        j.row.function or "", d.action, outcome, " ".join(ids["reject"]),
                        " ".join(ids["review"]), " | ".join(evidence), _top_scores(j),
                        j.row.text])
    return path


def _example_table(items: Sequence[Judged]) -> list[str]:
    if not items:
        return ["(none)"]
    out = ["| row | label | decision | text | reasons | top scores |", "|---|---|---|---|---|---|"]
    for j in items:
        out.append(f"| {j.row.row} | {_cell(j.row.label, 20)} | {j.decision.action} | "
                   f"{_cell(j.row.text)} | {_reasons(j)} | {_top_scores(j)} |")
    return out


def _rows(rows: Sequence[int], k: int = 10) -> str:
    shown = ", ".join(str(r) for r in rows[:k])
    return shown + (f", … (+{len(rows) - k})" if len(rows) > k else "")
