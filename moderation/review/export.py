"""Moderators' verdicts as training and evaluation data.

One row per comment a person decided: the decision in force (the latest human or overturn
verdict), never the engine's. Columns ``text, action, category`` are what ``moderation train
--extra FILE --text-column text --label-column action`` and ``moderation evaluate FILE
--text-column text --label-column action`` read; ``action`` is ``approve`` or ``reject``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import datetime
from typing import IO

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moderation.store.schema import DecisionRow, Submission

COLUMNS = ("text", "action", "category")


def labels(s: Session, site: str | None = None,
           since: datetime | None = None) -> Iterator[tuple[str, str, str]]:
    latest = (select(func.max(DecisionRow.id).label("id"))
              .where(DecisionRow.kind != "engine", DecisionRow.final.is_(True))
              .group_by(DecisionRow.submission_id).subquery())
    q = (select(Submission.text, DecisionRow.action, DecisionRow.category)
         .join(DecisionRow, DecisionRow.submission_id == Submission.id)
         .join(latest, latest.c.id == DecisionRow.id))
    if site:
        q = q.where(Submission.site_id == site)
    if since is not None:
        q = q.where(DecisionRow.decided_at >= since)
    for text, action, category in s.execute(q.order_by(DecisionRow.id)):
        yield text, action, category or ""


def write_csv(out: IO[str], rows: Iterator[tuple[str, str, str]]) -> int:
    """RFC 4180 CSV (quoted fields keep newlines and commas in comments intact)."""
    w = csv.writer(out, lineterminator="\n")
    w.writerow(COLUMNS)
    n = 0
    for row in rows:
        w.writerow(row)
        n += 1
    return n
