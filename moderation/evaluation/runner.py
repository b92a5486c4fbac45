"""Feed labelled rows through ``Engine.decide_batch`` and keep what the report needs.

Rows are pre-checked one by one (``Engine.check``) so that one bad comment never fails a batch;
if a batch still raises, its rows are retried one at a time and only the culprit is skipped.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from moderation.engine import Engine
from moderation.errors import ModerationError, TextTooLong
from moderation.evaluation.dataset import LabelledRow, SkippedRow
from moderation.evaluation.metrics import Outcome
from moderation.models import Article, Comment, Decision

BATCH_SIZE = 256


@dataclass
class Judged:
    """A row and the engine's decision on it (reasons kept for the example tables)."""

    row: LabelledRow
    decision: Decision

    @property
    def outcome(self) -> Outcome:
        rej = {r.category for r in self.decision.reasons if r.action == "reject"}
        rev = {r.category for r in self.decision.reasons if r.action == "review"}
        return Outcome(self.row.violating, self.decision.action, frozenset(rej),
                       frozenset(rev), self.row.category)


@dataclass
class EvaluationRun:
    judged: list[Judged] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def outcomes(self) -> list[Outcome]:
        return [j.outcome for j in self.judged]


def _comment(row: LabelledRow) -> Comment:
    article = None
    if row.article_title:
        digest = hashlib.sha1(row.article_title.encode("utf-8", "replace")).hexdigest()[:12]
        article = Article(id=f"eval-{digest}", title=row.article_title)
    return Comment(text=row.text, comment_id=str(row.row), article=article)


def _skip_reason(exc: Exception) -> str:
    if isinstance(exc, TextTooLong):
        return "too long"
    if isinstance(exc, ModerationError):
        return "rejected input: " + type(exc).__name__
    return "engine error: " + type(exc).__name__


def run_evaluation(
    engine: Engine,
    rows: Sequence[LabelledRow],
    progress: Callable[[int], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> EvaluationRun:
    """Decide every row; ``progress(n)`` is called with the number of rows done per batch."""
    import time

    run = EvaluationRun()
    t0 = time.perf_counter()
    for start in range(0, len(rows), batch_size):
        chunk = rows[start : start + batch_size]
        ok: list[tuple[LabelledRow, Comment]] = []
        for row in chunk:
            try:
                comment = _comment(row)
                engine.check(comment.text)
            except Exception as exc:  # noqa: BLE001 - a bad row is reported, never fatal
                run.skipped.append(SkippedRow(row.row, _skip_reason(exc), str(exc)[:200]))
                continue
            ok.append((row, comment))
        try:
            decisions = engine.decide_batch([c for _, c in ok])
            run.judged.extend(Judged(r, d) for (r, _), d in zip(ok, decisions, strict=True))
        except Exception:  # noqa: BLE001 - find the culprit row by row
            for row, comment in ok:
                try:
                    run.judged.append(Judged(row, engine.decide(comment)))
                except Exception as exc:  # noqa: BLE001
                    run.skipped.append(SkippedRow(row.row, _skip_reason(exc), str(exc)[:200]))
        if progress is not None:
            progress(len(chunk))
    run.seconds = time.perf_counter() - t0
    return run
