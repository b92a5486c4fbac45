"""Helpers shared by CLI commands: loading policy/scorer with readable errors, highlighting."""

from __future__ import annotations

import sys
from typing import NoReturn

import click

from moderation.errors import ModerationError
from moderation.models import Decision


def fail(message: str, code: int = 2) -> NoReturn:
    """Print a readable error (never a stack trace) and exit."""
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def load_engine(policy_path: str | None, scorer_name: str | None):  # type: ignore[no-untyped-def]
    """Policy + scorer -> Engine, turning every known failure into a one-line error."""
    from moderation.engine import Engine
    from moderation.policy import load_policy
    from moderation.scorers import load_scorer

    try:
        policy = load_policy(policy_path)
        scorer = load_scorer(scorer_name)
    except ModerationError as exc:
        fail(str(exc))
    return Engine(policy, scorer)


def highlight(text: str, decision: Decision, color: bool) -> str:
    """The comment with every evidence span marked: ANSI colour on a terminal, [[...]] elsewhere."""
    spans = sorted({(e.start, e.end) for r in decision.reasons for e in r.evidence
                    if e.end - e.start < len(text) or len(decision.reasons) == 1})
    merged: list[list[int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    out: list[str] = []
    pos = 0
    on, off = ("\x1b[1;31m", "\x1b[0m") if color else ("[[", "]]")
    for s, e in merged:
        out.append(text[pos:s])
        out.append(on + text[s:e] + off)
        pos = e
    out.append(text[pos:])
    return "".join(out)
