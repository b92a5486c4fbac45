"""Helpers shared by CLI commands: loading policy/scorer with readable errors, highlighting."""

from __future__ import annotations

import re
import sys
from typing import NoReturn

import click

from moderation.errors import ModerationError
from moderation.models import Decision


def fail(message: str, code: int = 2) -> NoReturn:
    """Print a readable error (never a stack trace) and exit."""
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


_SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def decode_lenient(raw: bytes) -> tuple[str, int]:
    """UTF-8 text with every invalid byte sequence replaced by U+FFFD, and how many were
    replaced: a comment with a broken byte is still moderated (and the user told), never a
    traceback from the JSON output."""
    try:
        return raw.decode("utf-8"), 0
    except UnicodeDecodeError:
        text = raw.decode("utf-8", "replace")
        return text, text.count(REPLACEMENT) - raw.count(REPLACEMENT.encode("utf-8"))


def clean_text(text: str) -> tuple[str, int]:
    """``text`` with lone surrogates (from a JSON ``\\ud800`` escape, or bytes that were not
    UTF-8 smuggled in by ``surrogateescape``) replaced by U+FFFD, and how many were."""
    if not _SURROGATE.search(text):
        return text, 0
    raw = text.encode("utf-8", "surrogateescape") if _only_escaped(text) else None
    if raw is not None:
        return decode_lenient(raw)
    return _SURROGATE.subn(REPLACEMENT, text)


def _only_escaped(text: str) -> bool:
    """Every surrogate is a ``surrogateescape`` byte (U+DC80..U+DCFF): the text came from bytes
    (argv, a stream) and can be decoded again properly."""
    return all("\udc80" <= m.group() <= "\udcff" for m in _SURROGATE.finditer(text))


def replaced_note(count: int, where: str) -> str:
    return (f"{where} was not valid UTF-8 text: {count} invalid byte sequence(s) or lone "
            "surrogate(s) replaced by U+FFFD before moderation")


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
