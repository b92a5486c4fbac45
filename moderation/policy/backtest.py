"""Backtest a policy edit before it goes live: replay comments through both versions, compare.

Inputs are stored comments (the last N, or a date range) and/or a labelled CSV. Each comment is
decided by the *live* engine and the *candidate* engine (``Engine.decide_batch``, in batches, so
a model scores each batch once). The report counts what changes - approve->reject,
reject->approve and anything ->review - per category, keeps examples with their evidence, and
measures precision/recall against labels where there are labels. A person's review decision on
a stored comment is its label (the latest human or overturn verdict); a CSV brings its own.

Category of a change: the category that drove the verdict that is *not* approve (for
approve->reject, the candidate's first rejecting category; for reject->approve, the live one's).
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from moderation.engine import Engine
from moderation.errors import ModerationError
from moderation.models import Article, Comment, Decision

ACTIONS = ("approve", "review", "reject")
_POSITIVE = {"reject", "rejected", "1", "true", "yes", "toxic", "bad", "remove", "removed",
             "spam", "abusive", "block", "blocked"}
_NEGATIVE = {"approve", "approved", "0", "false", "no", "ok", "good", "keep", "clean", "ham",
             "accept", "accepted", "allow", "allowed", "publish", "published"}
EXAMPLES_PER_KIND = 5


@dataclass
class Item:
    text: str
    ref: str  # "submission:<id>" or "<csv name>:<row>"
    article: dict[str, Any] | None = None
    label: str | None = None  # approve | reject (None: unlabelled)
    label_source: str | None = None  # human | csv


def normalise_label(raw: str | None) -> str | None:
    """CSV/human labels -> ``reject`` / ``approve`` (``review`` and unknown -> no label)."""
    if raw is None:
        return None
    v = str(raw).strip().lower()
    if v in _POSITIVE:
        return "reject"
    if v in _NEGATIVE:
        return "approve"
    try:
        return "reject" if float(v) >= 0.5 else "approve"
    except ValueError:
        return None


def csv_items(path: str | Path, text_column: str = "text",
              label_column: str | None = "label") -> list[Item]:
    """Comments from a CSV; rows without text are skipped, labels are optional."""
    p = Path(path)
    items: list[Item] = []
    with p.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        cols = reader.fieldnames or []
        if text_column not in cols:
            raise ModerationError(f"{p}: no column {text_column!r} (columns: {', '.join(cols)})")
        if label_column and label_column not in cols:
            raise ModerationError(f"{p}: no column {label_column!r} (columns: {', '.join(cols)}"
                                  "; use --label-column, or none)")
        for i, row in enumerate(reader, start=2):
            text = row.get(text_column) or ""
            if not text.strip():
                continue
            label = normalise_label(row.get(label_column)) if label_column else None
            items.append(Item(text, f"{p.name}:{i}", None, label, "csv" if label else None))
    return items


def stored_items(db: Any, *, last: int | None = None, since: datetime | None = None,
                 until: datetime | None = None, site_ids: Sequence[str] | None = None,
                 policy_id: str | None = None) -> list[Item]:
    """Stored comments, newest first, with their latest human verdict as label.

    Sites: ``site_ids`` if given, else the sites using ``policy_id`` (all sites when none do).
    """
    from sqlalchemy import select

    from moderation.store.schema import DecisionRow, Site, Submission

    with db.session() as s:
        sites = list(site_ids or [])
        if not sites and policy_id:
            sites = list(s.scalars(select(Site.id).where(Site.policy_id == policy_id)))
        q = select(Submission.id, Submission.text, Submission.article).order_by(
            Submission.received_at.desc(), Submission.id.desc())
        if sites:
            q = q.where(Submission.site_id.in_(sites))
        if since is not None:
            q = q.where(Submission.received_at >= since)
        if until is not None:
            q = q.where(Submission.received_at < until)
        if last is not None:
            q = q.limit(last)
        rows = s.execute(q).all()
        ids = [r.id for r in rows]
        labels: dict[int, str] = {}
        for chunk in range(0, len(ids), 1000):
            part = ids[chunk:chunk + 1000]
            for sid, action, _kind in s.execute(
                    select(DecisionRow.submission_id, DecisionRow.action, DecisionRow.kind)
                    .where(DecisionRow.submission_id.in_(part), DecisionRow.kind != "engine")
                    .order_by(DecisionRow.decided_at, DecisionRow.id)):
                if action in ("approve", "reject"):
                    labels[sid] = action  # later human verdicts (overturns) win
    return [Item(r.text, f"submission:{r.id}", r.article, labels.get(r.id),
                 "human" if r.id in labels else None) for r in rows]


# ------------------------------------------------------------------ running


@dataclass
class Example:
    ref: str
    text: str
    live: str
    new: str
    category: str | None
    label: str | None
    evidence: list[dict[str, Any]]  # reasons of the verdict that is not approve

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


@dataclass
class Scores:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, predicted: bool, actual: bool) -> None:
        if predicted and actual:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif actual:
            self.fn += 1
        else:
            self.tn += 1

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    def as_dict(self) -> dict[str, Any]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "tn": self.tn,
                "precision": _r(self.precision), "recall": _r(self.recall)}


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


@dataclass
class BacktestResult:
    live_label: str
    new_label: str
    total: int = 0
    skipped: list[dict[str, str]] = field(default_factory=list)
    matrix: Counter[tuple[str, str]] = field(default_factory=Counter)  # (live, new) -> n
    by_category: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    examples: dict[str, list[Example]] = field(default_factory=lambda: defaultdict(list))
    labelled: int = 0
    # "reject": predicted positive = reject; "flagged": reject or review
    metrics: dict[str, dict[str, Scores]] = field(default_factory=lambda: {
        side: {"reject": Scores(), "flagged": Scores()} for side in ("live", "new")})
    elapsed_s: float = 0.0

    @property
    def changed(self) -> int:
        return sum(n for (a, b), n in self.matrix.items() if a != b)

    def transitions(self) -> dict[str, int]:
        """approve->reject, reject->approve, ->review (from approve or reject), review->... ."""
        t: Counter[str] = Counter()
        for (a, b), n in self.matrix.items():
            if a != b:
                t[_kind(a, b)] += n
        return dict(t)

    def as_dict(self) -> dict[str, Any]:
        return {
            "live": self.live_label, "new": self.new_label, "total": self.total,
            "changed": self.changed, "skipped": self.skipped,
            "matrix": {f"{a}->{b}": n for (a, b), n in sorted(self.matrix.items())},
            "transitions": self.transitions(),
            "by_category": {c: dict(v) for c, v in sorted(self.by_category.items())},
            "examples": {k: [e.as_dict() for e in v] for k, v in self.examples.items()},
            "labelled": self.labelled,
            "metrics": {side: {k: s.as_dict() for k, s in m.items()}
                        for side, m in self.metrics.items()},
            "elapsed_s": round(self.elapsed_s, 3),
        }


def _kind(a: str, b: str) -> str:
    return "->review" if b == "review" else f"{a}->{b}"


def _driving(d: Decision) -> str | None:
    cats = d.categories
    return cats[0] if cats else None


def _evidence(d: Decision) -> list[dict[str, Any]]:
    return [{"category": r.category, "rule": r.rule_id or r.label, "action": r.action,
             "message": r.message, "evidence": [e.text for e in r.evidence][:5]}
            for r in d.reasons if r.action != "flag"]


def run(new: Engine, live: Engine, items: Iterable[Item], *, batch_size: int = 256,
        progress: Callable[[int], None] | None = None, new_label: str = "new",
        live_label: str = "live") -> BacktestResult:
    """Decide every item with both engines; count, categorise and score the differences."""
    import time

    t0 = time.perf_counter()
    res = BacktestResult(live_label, new_label)
    batch: list[tuple[Item, Comment]] = []

    def flush() -> None:
        if not batch:
            return
        comments = [c for _, c in batch]
        for (item, _c), dl, dn in zip(batch, live.decide_batch(comments),
                                      new.decide_batch(comments), strict=True):
            _count(res, item, dl, dn)
        if progress is not None:
            progress(len(batch))
        batch.clear()

    for item in items:
        comment = Comment(text=item.text,
                          article=Article(**item.article) if item.article else None)
        try:
            live.check(item.text)
            new.check(item.text)
        except ModerationError as exc:
            res.skipped.append({"ref": item.ref, "reason": str(exc)})
            if progress is not None:
                progress(1)
            continue
        batch.append((item, comment))
        if len(batch) >= batch_size:
            flush()
    flush()
    res.elapsed_s = time.perf_counter() - t0
    return res


def _count(res: BacktestResult, item: Item, dl: Decision, dn: Decision) -> None:
    res.total += 1
    a, b = dl.action, dn.action
    res.matrix[(a, b)] += 1
    if a != b:
        kind = _kind(a, b)
        driver = dn if b != "approve" else dl
        category = _driving(driver) or "(none)"
        res.by_category[category][kind] += 1
        if len(res.examples[kind]) < EXAMPLES_PER_KIND:
            res.examples[kind].append(Example(item.ref, item.text[:500], a, b, category,
                                              item.label, _evidence(driver)))
    if item.label is not None:
        res.labelled += 1
        actual = item.label == "reject"
        for side, d in (("live", dl), ("new", dn)):
            res.metrics[side]["reject"].add(d.action == "reject", actual)
            res.metrics[side]["flagged"].add(d.action != "approve", actual)


def merge(results: Sequence[BacktestResult]) -> BacktestResult:
    """Combine partial results (batches decided in other processes), in order."""
    out = BacktestResult(results[0].live_label, results[0].new_label) if results else \
        BacktestResult("live", "new")
    for r in results:
        out.total += r.total
        out.skipped += r.skipped
        out.matrix.update(r.matrix)
        for cat, counts in r.by_category.items():
            out.by_category[cat].update(counts)
        for kind, examples in r.examples.items():
            room = EXAMPLES_PER_KIND - len(out.examples[kind])
            out.examples[kind].extend(examples[:max(room, 0)])
        out.labelled += r.labelled
        for side, kinds in r.metrics.items():
            for k, sc in kinds.items():
                o = out.metrics[side][k]
                o.tp, o.fp, o.fn, o.tn = o.tp + sc.tp, o.fp + sc.fp, o.fn + sc.fn, o.tn + sc.tn
    return out


_WORKER: dict[str, Any] = {}


def _init_worker(new_bundle: dict[str, Any], live_bundle: dict[str, Any],
                 scorer_name: str | None, labels: tuple[str, str]) -> None:
    from moderation.policy import policy_from_bundle
    from moderation.scorers import load_scorer

    scorer = SharedScores(load_scorer(scorer_name))
    _WORKER["new"] = Engine(policy_from_bundle(new_bundle, "new"), scorer)
    _WORKER["live"] = Engine(policy_from_bundle(live_bundle, "live"), scorer)
    _WORKER["labels"] = labels


def _run_chunk(items: list[Item]) -> BacktestResult:
    new_label, live_label = _WORKER["labels"]
    return run(_WORKER["new"], _WORKER["live"], items, new_label=new_label,
               live_label=live_label)


def run_parallel(new_policy: Any, live_policy: Any, items: Sequence[Item], *, jobs: int,
                 scorer_name: str | None, progress: Callable[[int], None] | None = None,
                 new_label: str = "new", live_label: str = "live",
                 chunk: int = 512) -> BacktestResult:
    """``run`` in ``jobs`` fresh processes (spawned: no model is forked), each building both
    engines from the versions' bundles once; chunks of ``chunk`` comments, results merged."""
    import multiprocessing as mp
    import time
    from concurrent.futures import ProcessPoolExecutor

    t0 = time.perf_counter()
    chunks = [list(items[i:i + chunk]) for i in range(0, len(items), chunk)]
    with ProcessPoolExecutor(jobs, mp_context=mp.get_context("spawn"),
                             initializer=_init_worker,
                             initargs=(new_policy.bundle, live_policy.bundle, scorer_name,
                                       (new_label, live_label))) as pool:
        parts = []
        for part in pool.map(_run_chunk, chunks):
            parts.append(part)
            if progress is not None:
                progress(part.total + len(part.skipped))
    res = merge(parts)
    res.new_label, res.live_label = new_label, live_label
    res.elapsed_s = time.perf_counter() - t0
    return res


# ------------------------------------------------------------------ reports


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


def to_markdown(res: BacktestResult, charts: Sequence[str] = ()) -> str:
    t = res.transitions()
    lines = [f"# Backtest: {res.new_label} against {res.live_label}", "",
             f"{res.total} comments replayed ({len(res.skipped)} skipped) in "
             f"{res.elapsed_s:.1f} s; {res.changed} decided differently.", "",
             "| change | comments |", "|---|---:|"]
    for kind in ("approve->reject", "reject->approve", "->review", "review->approve",
                 "review->reject"):
        lines.append(f"| {kind} | {t.get(kind, 0)} |")
    lines += ["", "## Live x new", "", "| live \\ new | " + " | ".join(ACTIONS) + " |",
              "|---|" + "---:|" * len(ACTIONS)]
    for a in ACTIONS:
        lines.append(f"| {a} | " + " | ".join(str(res.matrix.get((a, b), 0)) for b in ACTIONS)
                     + " |")
    if res.by_category:
        kinds = sorted({k for v in res.by_category.values() for k in v})
        lines += ["", "## Changes per category", "", "| category | " + " | ".join(kinds) + " |",
                  "|---|" + "---:|" * len(kinds)]
        for cat, counts in sorted(res.by_category.items()):
            lines.append(f"| {cat} | " + " | ".join(str(counts.get(k, 0)) for k in kinds) + " |")
    lines += ["", "## Against labels", ""]
    if res.labelled:
        lines += [f"{res.labelled} labelled comments (human review decisions and CSV labels; "
                  "positive = should be rejected).", "",
                  "| version | predicted positive | precision | recall | tp | fp | fn |",
                  "|---|---|---:|---:|---:|---:|---:|"]
        for side, label in (("live", res.live_label), ("new", res.new_label)):
            for kind, what in (("reject", "reject"), ("flagged", "reject or review")):
                s = res.metrics[side][kind]
                lines.append(f"| {label} | {what} | {_pct(s.precision)} | {_pct(s.recall)} | "
                             f"{s.tp} | {s.fp} | {s.fn} |")
    else:
        lines.append("No labelled comments.")
    if res.examples:
        lines += ["", "## Examples"]
        for kind, examples in res.examples.items():
            lines += ["", f"### {kind}", ""]
            for e in examples:
                text = e.text.replace("\n", " ")
                lines.append(f"- `{e.ref}` ({e.category}; label {e.label or '-'}): {text[:200]}")
                for r in e.evidence[:3]:
                    ev = ", ".join(f'"{x}"' for x in r["evidence"])
                    lines.append(f"  - {r['action']} {r['category']} ({r['rule']}): {ev}")
    if res.skipped:
        lines += ["", f"## Skipped ({len(res.skipped)})", ""]
        lines += [f"- `{s['ref']}`: {s['reason']}" for s in res.skipped[:20]]
    if charts:
        lines += ["", "## Charts", ""] + [f"![{Path(c).stem}]({Path(c).name})" for c in charts]
    return "\n".join(lines) + "\n"


def write_charts(res: BacktestResult, out_dir: Path) -> list[str]:
    """PNG charts: changes per category, and precision/recall of both versions."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from moderation.evaluation.charts import save_figure

    out_dir.mkdir(parents=True, exist_ok=True)
    paths: list[str] = []
    cats = sorted(res.by_category)
    kinds = sorted({k for v in res.by_category.values() for k in v})
    fig, ax = plt.subplots(figsize=(8, max(2.5, 0.45 * len(cats) + 1.5)))
    if cats:
        left = [0] * len(cats)
        for kind in kinds:
            vals = [res.by_category[c].get(kind, 0) for c in cats]
            ax.barh(cats, vals, left=left, label=kind)
            left = [x + y for x, y in zip(left, vals, strict=True)]
        ax.legend(loc="lower right")
    else:
        ax.text(0.5, 0.5, "no decision changed", ha="center", va="center")
    ax.set_xlabel("comments decided differently")
    ax.set_title(f"{res.new_label} vs {res.live_label}: changes per category")
    paths.append(str(save_figure(fig, out_dir / "changes_by_category.png")))
    if res.labelled:
        fig, ax = plt.subplots(figsize=(7, 3.5))
        names, vals = [], []
        for side, label in (("live", res.live_label), ("new", res.new_label)):
            s = res.metrics[side]["reject"]
            names += [f"{label}\nprecision", f"{label}\nrecall"]
            vals += [s.precision or 0.0, s.recall or 0.0]
        ax.bar(names, vals, color=["#888", "#bbb", "#1f77b4", "#7fb2e5"])
        ax.set_ylim(0, 1)
        ax.set_title(f"against {res.labelled} labels (positive = reject)")
        paths.append(str(save_figure(fig, out_dir / "precision_recall.png")))
    return paths


# ------------------------------------------------------------------ what to compare against


def resolve_policy(ref: str, db: Any | None) -> tuple[Any, str]:
    """A policy to compare with: a file path, a stored version (``id``, ``id@seq``, a hash), or
    a policy id with no stored version yet (its file). Returns (Policy, label)."""
    from moderation.errors import PolicyError
    from moderation.policy import load_policy, policy_from_bundle
    from moderation.policy.sources import find_policy_file

    path = Path(ref)
    if path.suffix in (".yaml", ".yml") or path.is_file():
        return load_policy(path), str(path)
    if db is not None:
        from moderation.policy.versions import find_version

        try:
            with db.session() as s:
                row = find_version(s, ref)
        except Exception:  # no store here (not migrated, unreachable): fall back to files
            row = None
        if row is not None:
            label = f"{row.policy_id}@{row.seq}"
            return policy_from_bundle(row.bundle, label), f"{label} ({row.version})"
    policy_id = ref.partition("@")[0]
    file = find_policy_file(policy_id)
    if file is None:
        raise PolicyError(ref, [f"{ref}: no stored version and no {policy_id}.yaml in the "
                                "policies directory"])
    return load_policy(file), f"{policy_id} (file {file})"


class SharedScores:
    """Wraps a scorer so the live and the new engine score each batch once, not twice."""

    def __init__(self, scorer: Any) -> None:
        self.inner = scorer
        self.name = scorer.name
        self.labels = scorer.labels
        self._key: tuple[str, ...] | None = None
        self._value: list[dict[str, float]] = []

    def score(self, texts: Sequence[str]) -> list[dict[str, float]]:
        key = tuple(texts)
        if key != self._key:
            self._value = self.inner.score(list(texts))
            self._key = key
        return self._value
