"""``moderation check``: one comment as a readable verdict, or JSON lines in and out."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from moderation.cli.common import highlight, load_engine
from moderation.errors import ModerationError

_BATCH = 256
_ACTION_STYLE = {"approve": "green", "reject": "red", "review": "yellow"}


def register(group: click.Group) -> None:
    group.add_command(check)


@click.command()
@click.argument("text", required=False)
@click.option("--jsonl", is_flag=True,
              help='Read {"id": ..., "text": ...} lines on stdin; '
                   "write one JSON decision per line.")
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
        _run_jsonl(engine)
        return
    if text is None or text == "-":
        text = sys.stdin.read()
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
               + f"  scorer {decision.scorer}  {decision.elapsed_ms:.2f} ms", color=color)
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


def _run_jsonl(engine) -> None:  # type: ignore[no-untyped-def]
    """Stream JSON lines; a bad line gets an error object, never stops the run."""
    from pydantic import ValidationError

    from moderation.models import Comment

    pending: list[tuple[Any, Comment]] = []

    def flush() -> None:
        if not pending:
            return
        decisions = engine.decide_batch([c for _, c in pending])
        for (cid, _), d in zip(pending, decisions, strict=True):
            _emit({"id": cid, **d.model_dump(mode="json")})
        pending.clear()

    for lineno, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
                raise ValueError('each line must be an object with a string "text"')
            comment = Comment(text=obj["text"], article=obj.get("article"),
                              comment_id=str(obj["id"]) if "id" in obj else None)
            engine.check(comment.text)
        except json.JSONDecodeError as exc:
            flush()
            _emit({"line": lineno, "error": f"invalid JSON: {exc.msg}"})
            continue
        except (ValueError, ValidationError, ModerationError) as exc:
            flush()
            _emit({"line": lineno, "id": obj.get("id") if isinstance(obj, dict) else None,
                   "error": str(exc).splitlines()[0]})
            continue
        pending.append((obj.get("id"), comment))
        if len(pending) >= _BATCH:
            flush()
    flush()
    sys.stdout.flush()
