"""Review-queue commands: ``users add|list|disable|enable`` and ``export-labels``."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click


def _db():  # type: ignore[no-untyped-def]
    """The service database (MODERATION_DATABASE_URL), migrated."""
    from moderation.config import Settings
    from moderation.store import migrate
    from moderation.store.db import Database

    st = Settings.from_env()
    db = Database.connect(st.database_url, pool_size=2, timeout_s=st.db_timeout_s)
    migrate.upgrade(db.engine)
    return db


def _since(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        d = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DD or an ISO 8601 date-time",
                                 param_hint="--since") from None
    return d if d.tzinfo else d.replace(tzinfo=UTC)


def register(group: click.Group) -> None:
    @group.group()
    def users() -> None:
        """Moderator and admin accounts of the review queue."""

    @users.command("add")
    @click.argument("name")
    @click.option("--role", type=click.Choice(["moderator", "admin"]), default="moderator",
                  show_default=True)
    def users_add(name: str, role: str) -> None:
        """Create an account and print its token (shown this once; only a hash is stored)."""
        from moderation.review import accounts
        from moderation.review.errors import ReviewError

        db = _db()
        try:
            with db.session() as s:
                user, token = accounts.add_user(s, name, role)
                click.echo(f"user {user.name} added (role {user.role})")
            click.echo(f"token: {token}")
            click.echo("Keep it now: it cannot be shown again.", err=True)
        except ReviewError as exc:
            raise click.ClickException(exc.reason) from None
        finally:
            db.dispose()

    @users.command("list")
    def users_list() -> None:
        """List accounts (never tokens)."""
        from moderation.review import accounts

        db = _db()
        try:
            with db.session() as s:
                rows = [(u.name, u.role, u.disabled, u.created_at)
                        for u in accounts.list_users(s)]
        finally:
            db.dispose()
        for name, role, disabled, created in rows:
            state = "disabled" if disabled else "active"
            click.echo(f"{name:<24} {role:<10} {state:<9} created {created:%Y-%m-%d %H:%M} UTC")

    for verb, flag in (("disable", True), ("enable", False)):

        @users.command(verb, help=f"{verb.capitalize()} an account"
                       + (" (its token and web sessions stop working at once)." if flag
                          else "."))
        @click.argument("name")
        def _toggle(name: str, _flag: bool = flag) -> None:
            from moderation.review import accounts
            from moderation.review.errors import ReviewError

            db = _db()
            try:
                with db.session() as s:
                    accounts.set_disabled(s, name, _flag)
                click.echo(f"user {name} {'disabled' if _flag else 'enabled'}")
            except ReviewError as exc:
                raise click.ClickException(exc.reason) from None
            finally:
                db.dispose()

    @group.command("export-labels")
    @click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
                  help="CSV to write (columns text, action, category).")
    @click.option("--site", default=None, help="Only this site's comments.")
    @click.option("--since", default=None, help="Only decisions on or after this date.")
    def export_labels(out: Path, site: str | None, since: str | None) -> None:
        """Write moderators' final decisions as a CSV for `moderation train --extra` and
        `moderation evaluate` (--text-column text --label-column action)."""
        from moderation.review import export

        when = _since(since)
        db = _db()
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            with db.session() as s, out.open("w", encoding="utf-8", newline="") as fh:
                n = export.write_csv(fh, export.labels(s, site=site, since=when))
        finally:
            db.dispose()
        click.echo(f"wrote {n} decision(s) to {out}")
