"""``moderation policy ...``: validate, apply, inspect and backtest policies.

Commands that use the version store (apply, history, diff of stored versions, backtest of stored
comments) read ``MODERATION_DATABASE_URL`` like the service, and migrate it first.
"""

from __future__ import annotations

import getpass
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click


def register(group: click.Group) -> None:
    group.add_command(policy)


@click.group()
def policy() -> None:
    """Validate, apply, version and backtest policy YAML files."""


def _db() -> Any:
    from moderation.config import Settings
    from moderation.store import migrate
    from moderation.store.db import Database

    settings = Settings.from_env()
    db = Database.connect(settings.database_url, pool_size=2, timeout_s=settings.db_timeout_s)
    migrate.upgrade(db.engine)
    return db


def _refuse(exc: Exception) -> None:
    click.echo(str(exc), err=True)
    sys.exit(1)


@policy.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--fast", is_flag=True,
              help="Skip the measured regex bound (static checks only).")
def validate(file: str, fast: bool) -> None:
    """Check a policy file; list every problem with its file, line and column."""
    from moderation.errors import PolicyError
    from moderation.policy import load_policy

    try:
        p = load_policy(file, strict=not fast)
    except PolicyError as exc:
        _refuse(exc)
    cats = ", ".join(f"{n} ({c.action})" for n, c in p.categories.items())
    based = f" (extends {p.doc.extends})" if p.doc.extends else ""
    click.echo(f"ok: policy {p.id}{based} version {p.version}: {len(p.categories)} "
               f"categories: {cats}")
    langs = p.doc.languages
    if langs.covered:
        click.echo(f"   languages besides English: {', '.join(langs.covered)}; others: "
                   f"{langs.not_covered}")


@policy.command()
@click.option("--out", type=click.Path(dir_okay=False), default=None,
              help="Write to this file instead of stdout.")
def schema(out: str | None) -> None:
    """Print the JSON Schema of the policy format (for editors: yaml-language-server etc.)."""
    from moderation.policy import json_schema

    text = json.dumps(json_schema(), indent=2) + "\n"
    if out:
        Path(out).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


@policy.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("-m", "--message", default="", help="Why this change (kept in the history).")
@click.option("--author", default=None, help="Who (default: the login name).")
def apply(file: str, message: str, author: str | None) -> None:
    """Validate FILE, store it as the next version of its policy and make it live.

    Every API process and worker switches to it within MODERATION_POLICY_RELOAD_SECONDS.
    An invalid file changes nothing (exit 1, every problem listed).
    """
    from moderation.errors import PolicyError
    from moderation.policy.admin import apply_file

    db = _db()
    try:
        applied = apply_file(db, file, author=author or _whoami(), message=message)
    except PolicyError as exc:
        click.echo("refused: the live version is unchanged", err=True)
        _refuse(exc)
    finally:
        db.dispose()
    i = applied.info
    if applied.created:
        click.echo(f"applied: {i.policy_id}@{i.seq} version {i.version} is live "
                   f"(by {i.author})")
    else:
        click.echo(f"unchanged: {i.policy_id}@{i.seq} version {i.version} is already live")


@policy.command()
@click.argument("ref")
@click.option("-m", "--message", default=None, help="Why (default: 'rollback to <ref>').")
@click.option("--author", default=None, help="Who (default: the login name).")
def rollback(ref: str, message: str | None, author: str | None) -> None:
    """Make a stored version (REF: id@seq) live again, as a new version with its content."""
    from moderation.errors import PolicyError
    from moderation.policy import policy_from_bundle
    from moderation.policy.versions import apply_version, find_version

    db = _db()
    try:
        with db.session() as s:
            row = find_version(s, ref)
        if row is None or "@" not in ref:
            raise PolicyError(ref, [f"{ref}: no such stored version (use id@seq; see "
                                    "'moderation policy history')"])
        policy = policy_from_bundle(row.bundle, f"{row.policy_id}@{row.seq}")
        applied = apply_version(db, policy, author=author or _whoami(),
                                message=message or f"rollback to {row.policy_id}@{row.seq}")
    except PolicyError as exc:
        _refuse(exc)
    finally:
        db.dispose()
    i = applied.info
    state = "is live" if applied.created else "was already live"
    click.echo(f"{i.policy_id}@{i.seq} (content of {row.policy_id}@{row.seq}, version "
               f"{i.version}) {state}")


def _whoami() -> str:
    try:
        return getpass.getuser()
    except Exception:  # pragma: no cover - no login name in some containers
        return "cli"


@policy.command()
@click.argument("policy_id", required=False)
@click.option("--limit", default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True)
def history(policy_id: str | None, limit: int, as_json: bool) -> None:
    """Versions of POLICY_ID (all policies when omitted), newest first; * marks the live one."""
    from moderation.policy.versions import history as list_history

    db = _db()
    try:
        with db.session() as s:
            rows = list_history(s, policy_id, limit)
    finally:
        db.dispose()
    if as_json:
        click.echo(json.dumps([r.as_dict() for r in rows], indent=2))
        return
    if not rows:
        click.echo("no stored versions" + (f" of {policy_id}" if policy_id else ""))
    for r in rows:
        mark = "*" if r.live else " "
        click.echo(f"{mark} {r.label:<20} {r.version}  {r.created_at:%Y-%m-%d %H:%M:%S}  "
                   f"{r.author:<12} {r.decisions:>7} decisions  {r.message}")


@policy.command()
@click.argument("v1")
@click.argument("v2")
def diff(v1: str, v2: str) -> None:
    """Differences between two versions: YAML lines and word-list entries.

    V1/V2: ``id@seq`` (``default@3``), ``id`` (its live version), a content hash, or a policy
    file (``policies/default.yaml``: what ``apply`` would store). ``V2`` may be ``@seq`` of
    the same policy as V1.
    """
    from moderation.errors import PolicyError
    from moderation.policy.admin import render_diff

    db = _db()
    try:
        a = _version_or_file(db, v1, None)
        b = _version_or_file(db, v2, a.policy_id)
    except PolicyError as exc:
        _refuse(exc)
    finally:
        db.dispose()
    click.echo(render_diff(a, b))


def _version_or_file(db: Any, ref: str, default_policy: str | None) -> Any:
    """A stored version row, or a file made to look like one (not stored)."""
    from types import SimpleNamespace

    from moderation.errors import PolicyError
    from moderation.policy import load_policy
    from moderation.policy.versions import find_version

    if ref.endswith((".yaml", ".yml")) or Path(ref).is_file():
        p = load_policy(ref)
        return SimpleNamespace(policy_id=p.id, seq="file", version=p.version, bundle=p.bundle,
                               created_at=datetime.now(), author="-", message=str(ref))
    with db.session() as s:
        row = find_version(s, ref, default_policy)
    if row is None:
        raise PolicyError(ref, [f"{ref}: no such stored version (see 'moderation policy "
                                "history'; use id@seq, id, a hash or a file)"])
    return row


@policy.command()
@click.argument("new_file", type=click.Path(dir_okay=False, exists=True))
@click.option("--against", default=None,
              help="Live policy id (default: the new file's id), id@seq, or a policy file.")
@click.option("--last", type=int, default=None, help="Replay the last N stored comments.")
@click.option("--since", type=click.DateTime(), default=None, help="Stored comments from DATE.")
@click.option("--until", type=click.DateTime(), default=None, help="... up to DATE (excluded).")
@click.option("--site", "sites", multiple=True,
              help="Stored comments of these sites (default: the sites using the policy).")
@click.option("--labels", type=click.Path(dir_okay=False, exists=True), default=None,
              help="A CSV of comments, labelled or not.")
@click.option("--text-column", default="text", show_default=True)
@click.option("--label-column", default="label", show_default=True,
              help="Label column (reject/approve, 1/0, toxic/ok...); '' for none.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Write report.md, report.json and PNG charts here.")
@click.option("--scorer", "scorer_name", default=None,
              help="sklearn, detoxify or none (default: $MODERATION_SCORER or sklearn).")
@click.option("--jobs", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Decide in this many processes (each loads both versions and the model).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def backtest(new_file: str, against: str | None, last: int | None, since: datetime | None,
             until: datetime | None, sites: tuple[str, ...], labels: str | None,
             text_column: str, label_column: str, out_dir: str | None,
             scorer_name: str | None, jobs: int, as_json: bool) -> None:
    """Replay comments through NEW_FILE and the live version; report what would change."""
    from tqdm import tqdm

    from moderation.engine import Engine
    from moderation.errors import ModerationError
    from moderation.policy import backtest as bt
    from moderation.policy import load_policy
    from moderation.scorers import load_scorer

    try:
        new_policy = load_policy(new_file, strict=True)
        use_store = last is not None or since is not None or until is not None or not labels
        db = _db() if use_store or not (against and Path(against).suffix in (".yaml", ".yml")) \
            else None
        live_policy, live_label = bt.resolve_policy(against or new_policy.id, db)
        items: list[bt.Item] = []
        if use_store:
            items += bt.stored_items(db, last=last if (last or since or until) else 1000,
                                     since=_utc(since), until=_utc(until), site_ids=sites,
                                     policy_id=live_policy.id)
        if labels:
            items += bt.csv_items(labels, text_column, label_column or None)
        scorer = bt.SharedScores(load_scorer(scorer_name))
    except ModerationError as exc:
        _refuse(exc)
    if db is not None:
        db.dispose()
    new = Engine(new_policy, scorer)
    live = Engine(live_policy, scorer)
    with tqdm(total=len(items), unit="comment", file=sys.stderr,
              disable=not items or as_json and not sys.stderr.isatty()) as bar:
        new_label = f"{new_file} ({new_policy.version})"
        if jobs > 1 and len(items) > 512:
            res = bt.run_parallel(new_policy, live_policy, items, jobs=jobs,
                                  scorer_name=scorer_name, progress=bar.update,
                                  new_label=new_label, live_label=live_label)
        else:
            res = bt.run(new, live, items, progress=bar.update, new_label=new_label,
                         live_label=live_label)
    charts: list[str] = []
    if out_dir:
        out = Path(out_dir)
        charts = bt.write_charts(res, out)
        (out / "report.json").write_text(json.dumps(res.as_dict(), indent=2), encoding="utf-8")
        (out / "report.md").write_text(bt.to_markdown(res, charts), encoding="utf-8")
    if as_json:
        click.echo(json.dumps(res.as_dict(), indent=2))
    else:
        click.echo(bt.to_markdown(res, charts))
    if out_dir:
        click.echo(f"report written to {Path(out_dir) / 'report.md'}", err=True)


def _utc(d: datetime | None) -> datetime | None:
    from datetime import UTC

    return d.replace(tzinfo=UTC) if d is not None and d.tzinfo is None else d
