"""Comparison tables for docs/evaluation.md: every shared labelled data set and the functional
suite, judged by the project (rules only, and rules + model) beside alt-profanity-check and
better-profanity 0.7.0, written as one markdown file.

    python benchmarks/eval_all.py --out /tmp/eval_all.md
    python benchmarks/eval_all.py ../shared/datasets --max-rows 0 --out /tmp/full.md   # all rows
    python benchmarks/eval_all.py --sets olid,sfu-constructiveness-toxicity --skip better-profanity

- Rows the shipped model trained on are removed from every set, by recomputing the training
  split with the training code (see moderation/evaluation/shared_sets.py); the report says how
  many per set. If the model was trained with other options (seed, --extra, other sets) than the
  code's defaults, pass --seed or treat the figures of the sets it trained on as in-sample.
- Large sets are cut to --max-rows rows (default 1,000) chosen by text hash (deterministic,
  label-blind), so the four systems see the same rows and better-profanity (20-70 ms a comment)
  finishes in minutes; the report gives rows used out of rows held out.
- `reject` is the prediction for every system; the baselines never send to review.
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from moderation.engine import Engine  # noqa: E402
from moderation.evaluation import functions as fx  # noqa: E402
from moderation.evaluation.dataset import LabelledRow, read_labelled_csv  # noqa: E402
from moderation.evaluation.metrics import Figures, Outcome, overall_figures  # noqa: E402
from moderation.evaluation.shared_sets import EvalSet, held_out_sets  # noqa: E402

SYSTEMS = ("rules only", "rules + model", "alt-profanity-check", "better-profanity")
#: Sets a baseline was itself trained on (alt-profanity-check's README: Davidson et al. and
#: Kaggle's Jigsaw toxic comments): its figures there are in-sample.
BASELINE_TRAINED_ON = {
    "davidson-hate-offensive": "alt-profanity-check",
    "jigsaw-toxic-detoxify-sample": "alt-profanity-check",
}


@dataclass
class SystemRun:
    """One system's action per row (approve / review / reject)."""

    name: str
    actions: list[str]
    seconds: float


@dataclass
class SetResult:
    s: EvalSet
    held_out: int  # rows left after removing training rows
    total: int  # rows read
    trained_on: int  # rows removed as training rows
    runs: dict[str, SystemRun] = field(default_factory=dict)
    skipped: int = 0  # rows the engine refused (too long): left out for every system


def _default_datasets() -> Path:
    return Path(os.environ.get("MODERATION_DATASETS", ROOT.parent / "shared" / "datasets"))


# ---------------------------------------------------------------- systems


def engine_runner(scorer: str, policy: str | None
                  ) -> tuple[Engine, Callable[[Sequence[str]], list[str]]]:
    """The engine with this scorer, and a function deciding texts in batches of 256."""
    from moderation.models import Comment
    from moderation.policy import load_policy
    from moderation.scorers import load_scorer

    engine = Engine(load_policy(policy), load_scorer(scorer))

    def run(texts: Sequence[str]) -> list[str]:
        out: list[str] = []
        for i in range(0, len(texts), 256):
            chunk = [Comment(text=t, comment_id=str(i + k)) for k, t in enumerate(texts[i:i + 256])]
            out += [d.action for d in engine.decide_batch(chunk)]
        return out

    return engine, run


def alt_profanity_runner() -> Callable[[Sequence[str]], list[str]]:
    """alt-profanity-check's ``predict`` (0.5 threshold): reject or approve."""
    from profanity_check import predict

    def run(texts: Sequence[str]) -> list[str]:
        return ["reject" if p else "approve" for p in predict(list(texts))]

    return run


def better_profanity_runner() -> Callable[[Sequence[str]], list[str]]:
    """better-profanity's ``contains_profanity`` with its default list: reject or approve."""
    from better_profanity import profanity

    profanity.load_censor_words()

    def run(texts: Sequence[str]) -> list[str]:
        return ["reject" if profanity.contains_profanity(t) else "approve" for t in texts]

    return run


def usable(rows: list[LabelledRow], engine: Engine) -> tuple[list[LabelledRow], int]:
    """Rows the engine accepts as input (over-long ones are refused); both systems skip them."""
    ok = []
    for r in rows:
        try:
            engine.check(r.text)
        except Exception:  # noqa: BLE001 - refused input is counted, not fatal
            continue
        ok.append(r)
    return ok, len(rows) - len(ok)


# ---------------------------------------------------------------- figures and markdown


def figures(rows: Sequence[LabelledRow], actions: Sequence[str], name: str = "") -> Figures:
    return overall_figures((Outcome(r.violating, a) for r, a in zip(rows, actions, strict=True)),
                           name)


def f1(f: Figures) -> str:
    """F1, 0 when a system rejects nothing on a set that has violating rows."""
    if f.f1 is None and f.n_violating and not f.tp:
        return "0.00"
    return num(f.f1)


def pct(v: float | None) -> str:
    return "—" if v is None else f"{v * 100:.1f}%"


def num(v: float | None) -> str:
    return "—" if v is None else f"{v:.2f}"


def md_row(cells: Sequence[object]) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def md_head(cells: Sequence[str], left: int = 1) -> list[str]:
    return [md_row(cells), "|" + "---|" * left + "---:|" * (len(cells) - left)]


def summary_tables(results: Sequence[SetResult], systems: Sequence[str]) -> list[str]:
    metrics: list[tuple[str, Callable[[Figures], str]]] = [
        ("F1 of the reject decision", f1),
        ("Precision of reject", lambda f: num(f.precision)),
        ("Recall of reject (violating rows rejected)", lambda f: pct(f.recall)),
        ("Clean rows rejected", lambda f: pct(f.fpr)),
        ("Clean rows sent to review (the baselines never review)",
         lambda f: pct(f.review_rate_clean)),
        ("Violating rows rejected or sent to review", lambda f: pct(f.reject_or_review_recall)),
    ]
    L: list[str] = []
    for title, get in metrics:
        L += ["", f"### {title}", ""]
        L += md_head(["data set", "rows (viol / clean)", *systems], left=2)
        for r in results:
            f0 = figures(r.s.rows, r.runs[systems[0]].actions)
            mark = " †" if r.s.folder in BASELINE_TRAINED_ON else ""
            cells = [r.s.name + mark, f"{f0.n} ({f0.n_violating} / {f0.n_clean})"]
            cells += [get(figures(r.s.rows, r.runs[s].actions)) for s in systems]
            L.append(md_row(cells))
    return L


def rows_note(r: SetResult) -> str:
    used = len(r.s.rows)
    bits = [f"{r.total} rows read"]
    bits.append(f"{r.trained_on} removed as the model's training rows" if r.trained_on
                else "none in the model's training split")
    if r.held_out > used + r.skipped:
        bits.append(f"{used} of {r.held_out} sampled by text hash")
    if r.skipped:
        bits.append(f"{r.skipped} refused by the engine (too long), left out for all")
    if r.s.folder in BASELINE_TRAINED_ON:
        bits.append(f"{BASELINE_TRAINED_ON[r.s.folder]} was trained on this set "
                    "(its figures are in-sample)")
    return "; ".join(bits)


def set_section(r: SetResult, systems: Sequence[str]) -> list[str]:
    L = ["", f"### {r.s.name} (`{r.s.folder}`)", "",
         f"{r.s.domain}; {r.s.rule}. Rows: {rows_note(r)}."
         + "".join(f" {n[:1].upper() + n[1:]}." for n in r.s.notes), ""]
    L += md_head(["system", "precision", "recall", "F1", "clean rejected", "clean to review",
                  "violating to review", "rejected or reviewed", "seconds"])
    for s in systems:
        f = figures(r.s.rows, r.runs[s].actions)
        L.append(md_row([s, num(f.precision), pct(f.recall), f1(f), pct(f.fpr),
                         pct(f.review_rate_clean), pct(f.review_rate_violating),
                         pct(f.reject_or_review_recall), f"{r.runs[s].seconds:.1f}"]))
    cats = sorted({row.category for row in r.s.rows if row.category})
    if len(cats) > 1:
        L += ["", "Per category of the data set: share of its rows rejected (reviewed); for "
              "categories of violating rows that is the recall, for clean ones the share "
              "wrongly rejected.", ""]
        L += md_head(["category", "rows (viol / clean)", *systems], left=2)
        for c in cats:
            idx = [i for i, row in enumerate(r.s.rows) if row.category == c]
            sub = [r.s.rows[i] for i in idx]
            nv = sum(x.violating for x in sub)
            cells: list[object] = [c, f"{len(sub)} ({nv} / {len(sub) - nv})"]
            for s in systems:
                acts = [r.runs[s].actions[i] for i in idx]
                rej = acts.count("reject") / len(acts)
                rev = acts.count("review") / len(acts)
                cells.append(f"{rej * 100:.1f}%" + (f" ({rev * 100:.1f}%)" if rev else ""))
            L.append(md_row(cells))
    return L


def suite_section(rows: Sequence[LabelledRow], runs: dict[str, SystemRun],
                  systems: Sequence[str], path: Path) -> list[str]:
    per_system = {}
    for s in systems:
        per_system[s] = fx.function_figures(
            (row.function or "(none)", fx.expected_of(row.label, row.violating), a)
            for row, a in zip(rows, runs[s].actions, strict=True))
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    L = ["", f"## Functional suite (`{shown}`, {len(rows)} cases)", "", fx.targets_line(), "",
         "Per function: share of its cases rejected (hateful functions: should be 100 %; "
         "contrast functions: should be 0 %), in brackets the share sent to review.", ""]
    L += md_head(["function", "expects", "n", *systems], left=2)
    names = [f.name for f in per_system[systems[0]][1]]
    for i, name in enumerate(names):
        f0 = per_system[systems[0]][1][i]
        side = "reject" if f0.hateful else ("review_ok" if f0.review_ok else "approve")
        cells: list[object] = [name, side, f0.n]
        for s in systems:
            f = per_system[s][1][i]
            rej = (f.hateful_rejected + f.contrast_rejected) / f.n if f.n else 0.0
            if f.review_ok and not (f.hateful or f.contrast):
                rej = 0.0
            rev = f.review_rate or 0.0
            cells.append(f"{rej * 100:.1f}%" + (f" ({rev * 100:.1f}%)" if rev else ""))
        L.append(md_row(cells))
    L += ["", "Overall against the targets:", ""]
    L += md_head(["system", "hateful rejected", "hateful published unseen",
                  "contrasts rejected", "all sent to review", "targets met"])
    for s in systems:
        o = per_system[s][0]
        L.append(md_row([s, pct(o.hateful_rejected_rate), pct(o.hateful_approved_rate),
                         pct(o.contrast_rejected_rate), pct(o.review_rate),
                         {True: "yes", False: "no", None: "—"}[o.meets_targets()]]))
    for s in systems[:2]:
        L += ["", f"Full per-function figures, {s}:", ""]
        L += fx.markdown_table(*per_system[s])
    return L


def git_commit() -> str:
    try:
        head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain",
                                "--untracked-files=no"], capture_output=True, text=True,
                               check=True).stdout.strip()
        return head + (" (uncommitted changes)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


# ---------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("datasets", nargs="?", type=Path, default=None,
                    help="shared data sets folder (default $MODERATION_DATASETS or "
                         "../shared/datasets)")
    ap.add_argument("--out", type=Path, required=True, help="markdown file to write")
    ap.add_argument("--max-rows", type=int, default=1000,
                    help="rows per set after removing training rows (0 = all)")
    ap.add_argument("--suite", type=Path, default=ROOT / "tests" / "functional" / "cases.csv")
    ap.add_argument("--sets", default=None, help="comma-separated folders (default: all)")
    ap.add_argument("--skip", default="", help="comma-separated systems to leave out")
    ap.add_argument("--scorer", default="sklearn", help="scorer of 'rules + model'")
    ap.add_argument("--policy", default=None, help="policy YAML (default: the shipped one)")
    ap.add_argument("--seed", type=int, default=0, help="seed the shipped model was trained with")
    a = ap.parse_args(argv)
    root = a.datasets or _default_datasets()
    t_start = time.perf_counter()

    skip = {s.strip() for s in a.skip.split(",") if s.strip()}
    runners: dict[str, Callable[[Sequence[str]], list[str]]] = {}
    notes: list[str] = []
    _, runners["rules only"] = engine_runner("none", a.policy)
    engine, runners["rules + model"] = engine_runner(a.scorer, a.policy)
    for name, make in (("alt-profanity-check", alt_profanity_runner),
                       ("better-profanity", better_profanity_runner)):
        if name in skip:
            continue
        try:
            runners[name] = make()
        except ImportError as exc:
            notes.append(f"{name} not installed ({exc}); left out")
    systems = [s for s in SYSTEMS if s in runners and s not in skip]

    held = held_out_sets(root, a.sets.split(",") if a.sets else None, a.seed, a.max_rows or None)
    held_sets, missing = held.sets, held.missing
    if not held_sets:
        sys.exit(f"error: no data set folder found under {root} (give the path or set "
                 "MODERATION_DATASETS)")
    print(f"{len(held_sets)} sets from {root}; missing folders: {missing or 'none'}",
          file=sys.stderr)
    results: list[SetResult] = []
    for h in held_sets:
        s = h.set
        s.rows, refused = usable(s.rows, engine)
        r = SetResult(s, h.held, h.total, len(h.trained), skipped=refused)
        texts = [row.text for row in s.rows]
        for name in systems:
            t0 = time.perf_counter()
            r.runs[name] = SystemRun(name, runners[name](texts), time.perf_counter() - t0)
        print(f"{s.name}: {len(s.rows)} rows, "
              + ", ".join(f"{n} {r.runs[n].seconds:.1f}s" for n in systems), file=sys.stderr)
        results.append(r)

    suite_rows: list[LabelledRow] = []
    suite_runs: dict[str, SystemRun] = {}
    if a.suite.exists():
        read = read_labelled_csv(a.suite, "text", "expected", positive=["reject"],
                                 negative=["approve", fx.REVIEW_OK], category_column="category",
                                 function_column="function")
        suite_rows = read.rows
        texts = [row.text for row in suite_rows]
        for name in systems:
            t0 = time.perf_counter()
            suite_runs[name] = SystemRun(name, runners[name](texts), time.perf_counter() - t0)

    policy = engine.policy
    L = [
        "# Comparison tables: shared data sets and the functional suite",
        "",
        f"- Generated {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `"
        + shlex.join(["python", "benchmarks/eval_all.py", *(argv if argv is not None
                                                            else sys.argv[1:])]) + "`",
        f"- Commit {git_commit()}; policy `{policy.id}@{policy.version}`; 'rules + model' "
        f"scorer `{engine.scorer.name}`; 'rules only' = scorer none",
        f"- Data sets: `{root}`; missing folders: {', '.join(missing) or 'none'}",
        f"- Model training split recomputed (seed {a.seed}) from: "
        + ", ".join(f"{k} ({v})" for k, v in held.train_counts.items())
        + f"; {held.train_size} training texts removed wherever they occur",
        f"- At most {a.max_rows or 'all'} rows per set (chosen by text hash); "
        f"{time.perf_counter() - t_start:.0f} s in all",
        "- Baselines: alt-profanity-check `predict` (its 0.5 threshold) and better-profanity "
        "0.7.0 `contains_profanity` (default word list); both only reject or approve",
        *[f"- {n}" for n in notes],
        "",
        "## Summary per data set",
        "",
        "Violating = what each set's README labels as abuse, mapped to 'should be rejected' as "
        "given in each section below. † = alt-profanity-check was trained on this set "
        "(in-sample for it).",
        *summary_tables(results, systems),
        "",
        "## Per data set",
    ]
    for r in results:
        L += set_section(r, systems)
    if suite_rows:
        L += suite_section(suite_rows, suite_runs, systems, a.suite)
    a.out.write_text("\n".join(L) + "\n", encoding="utf-8")
    print(f"wrote {a.out} ({time.perf_counter() - t_start:.0f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
