"""``moderation check``: one comment as a readable verdict, or JSON lines in and out."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from moderation import safe_json
from moderation.cli.common import (
    clean_text,
    decode_lenient,
    highlight,
    load_engine,
    replaced_note,
)
from moderation.errors import ModerationError

_BATCH = 256
_ACTION_STYLE = {"approve": "green", "reject": "red", "review": "yellow"}


def register(group: click.Group) -> None:
    group.add_command(check)


@click.command(epilog="""\b
Exit codes: 0 every comment (every --jsonl line) was decided; 1 --jsonl: one or more lines
failed (each has an {"line", "error"} object in its place, and stderr says which); 2 the
command could not run (policy, scorer, or a TEXT the engine refuses).
Input that is not valid UTF-8 is decoded with U+FFFD in place of each bad byte sequence, and a
warning says so (in --jsonl, a "warning" field on that line's decision).
Blank --jsonl lines are skipped, and stderr says which.""")
@click.argument("text", required=False)
@click.option("--jsonl", is_flag=True,
              help='Read {"id": ..., "text": ...} lines on stdin; '
                   "write one JSON decision (or error) per non-blank line.")
@click.option("--json", "as_json", is_flag=True, help="Print the decision for TEXT as JSON.")
@click.option("--policy", "policy_path", type=click.Path(dir_okay=False), default=None,
              help="Policy YAML (default: policies/default.yaml or $MODERATION_POLICY_DIR).")
@click.option("--scorer", "scorer_name", default=None,
              help="sklearn (default), detoxify or none; default from $MODERATION_SCORER.")
def check(text: str | None, jsonl: bool, as_json: bool, policy_path: str | None,
          scorer_name: str | None) -> None:
    """Decide one comment (TEXT, or stdin with '-') and show why."""
    engine = load_engine(policy_path, scorer_name)
    if jsonl:
        failed = _run_jsonl(engine)
        sys.exit(1 if failed else 0)
    if text is None or text == "-":
        text, replaced = decode_lenient(sys.stdin.buffer.read())
    else:
        text, replaced = clean_text(text)  # argv bytes that were not UTF-8
    if replaced:
        click.echo("warning: " + replaced_note(replaced, "the input"), err=True)
    from moderation.models import Comment

    try:
        decision = engine.decide(Comment(text=text))
    except ModerationError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    if as_json:
        click.echo(decision.model_dump_json(indent=2))
        return
    color = sys.stdout.isatty()
    click.echo(click.style(decision.action.upper(), fg=_ACTION_STYLE[decision.action], bold=True)
               + f"  policy {decision.policy_id}@{decision.policy_version}"
               + f"  scorer {decision.scorer}  {decision.elapsed_ms:.2f} ms"
               + (f"  languages {', '.join(decision.languages)}" if decision.languages else ""),
               color=color)
    if decision.reasons:
        click.echo("")
        click.echo("  " + highlight(text, decision, color), color=color)
        click.echo("")
    for r in decision.reasons:
        click.echo(f"  - [{r.action}] {r.message}  ({r.source}: {r.rule_id or r.label})")
    if decision.scores:
        top = sorted(decision.scores.items(), key=lambda kv: -kv[1])
        click.echo("  scores: " + ", ".join(f"{k}={v:.3f}" for k, v in top))


def _emit(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def _error_text(exc: Exception) -> str:
    """The whole message on one line: a validation error's every problem, with its field."""
    from pydantic import ValidationError

    if isinstance(exc, ValidationError):
        return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'line'}: {e['msg']}"
                         for e in exc.errors())
    return " ".join(str(exc).split("\n"))


def _lines_note(lines: list[int]) -> str:
    shown = ", ".join(str(n) for n in lines[:20])
    return shown + (f" and {len(lines) - 20} more" if len(lines) > 20 else "")


def _parse_line(raw: bytes) -> tuple[Any, Any, int]:
    """(id, Comment, replaced count) of one input line; raises ValueError with the reason."""
    from moderation.models import Comment

    text, replaced = decode_lenient(raw)
    try:
        obj = safe_json.loads(text.encode("utf-8"), what="this line")
    except safe_json.BodyError as exc:
        raise ValueError(exc.reason) from None
    if not isinstance(obj, dict):
        raise ValueError('each line must be a JSON object with a string "text"')
    cid = obj.get("id")
    if not isinstance(obj.get("text"), str):
        raise _LineError(cid, 'each line must be a JSON object with a string "text"')
    comment_text, more = clean_text(obj["text"])
    try:
        comment = Comment(text=comment_text, article=obj.get("article"),
                          comment_id=str(cid) if "id" in obj else None)
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        raise _LineError(cid, _error_text(exc)) from None
    return cid, comment, replaced + more


class _LineError(ValueError):
    """A line that parsed, with its id, but cannot be decided."""

    def __init__(self, cid: Any, reason: str) -> None:
        super().__init__(reason)
        self.cid = cid


def _run_jsonl(engine) -> list[int]:  # type: ignore[no-untyped-def]
    """Stream JSON lines; a bad line gets an error object, never stops the run. Returns the
    numbers of the lines that failed."""
    pending: list[tuple[Any, Any, int]] = []
    failed: list[int] = []
    blank: list[int] = []

    def flush() -> None:
        if not pending:
            return
        decisions = engine.decide_batch([c for _, c, _ in pending])
        for (cid, _, replaced), d in zip(pending, decisions, strict=True):
            out = {"id": cid, **d.model_dump(mode="json")}
            if replaced:
                out["warning"] = replaced_note(replaced, "this line")
            _emit(out)
        pending.clear()

    for lineno, raw in enumerate(sys.stdin.buffer, start=1):
        if not raw.strip():
            blank.append(lineno)
            continue
        try:
            cid, comment, replaced = _parse_line(raw)
            try:
                engine.check(comment.text)
            except ModerationError as exc:
                raise _LineError(cid, _error_text(exc)) from None
        except _LineError as exc:
            flush()
            failed.append(lineno)
            _emit({"line": lineno, "id": exc.cid, "error": str(exc)})
            continue
        except ValueError as exc:
            flush()
            failed.append(lineno)
            _emit({"line": lineno, "error": _error_text(exc)})
            continue
        pending.append((cid, comment, replaced))
        if len(pending) >= _BATCH:
            flush()
    flush()
    sys.stdout.flush()
    if blank:
        click.echo(f"note: {len(blank)} blank line(s) skipped (line {_lines_note(blank)})",
                   err=True)
    if failed:
        click.echo(f"error: {len(failed)} line(s) failed (line {_lines_note(failed)}); each "
                   "has an error object in the output; exit code 1", err=True)
    return failed
