"""Integration commands, added to ``moderation sites``: Coral signing secrets, API keys for the
Perspective- and Akismet-compatible endpoints, and the feedback labels they collected."""

from __future__ import annotations

import csv
import sys

import click


def _runtime():  # type: ignore[no-untyped-def]
    """A runtime for one CLI command, on a migrated database."""
    from moderation.service.wiring import build_runtime
    from moderation.store import migrate

    rt = build_runtime()
    migrate.upgrade(rt.db.engine)
    return rt


def register(group: click.Group) -> None:
    sites = group.commands.get("sites")
    if not isinstance(sites, click.Group):  # the service commands are absent: stand alone

        @group.group("sites")
        def sites() -> None:
            """Sites: integration secrets and keys."""

    @sites.command("set-coral-secret")
    @click.argument("site_id")
    @click.argument("secret")
    @click.option("--keep-previous", "keep_s", type=float, default=None,
                  help="Seconds the previous Coral secret still verifies (Coral's rotation "
                       "overlap). Default: it stops now.")
    def set_coral_secret(site_id: str, secret: str, keep_s: float | None) -> None:
        """Store the signing secret Coral shows for the external moderation phase."""
        from moderation.integrations import store as istore

        if len(secret) < 16:
            raise click.BadParameter("a Coral signing secret is longer than that",
                                     param_hint="SECRET")
        rt = _runtime()
        try:
            with rt.db.session() as s:
                istore.set_coral_secret(s, site_id, secret, keep_previous_s=keep_s)
                n = len(istore.active_coral_secrets(s, site_id))
            click.echo(f"Coral secret set for {site_id} ({n} active)")
        except KeyError:
            raise click.ClickException(f"unknown site {site_id!r}") from None
        finally:
            rt.close()

    @sites.command("issue-key")
    @click.argument("site_id")
    @click.option("--scope", type=click.Choice(["all", "perspective", "akismet"]),
                  default="all", show_default=True)
    def issue_key(site_id: str, scope: str) -> None:
        """Issue an API key for the Perspective/Akismet endpoints (shown once, stored hashed)."""
        from moderation.integrations import store as istore

        rt = _runtime()
        try:
            with rt.db.session() as s:
                key, row = istore.issue_key(s, site_id, scope=scope)
            click.echo(f"key for {site_id} (scope {scope}, prefix {row.prefix}):")
            click.echo(key)
        except KeyError:
            raise click.ClickException(f"unknown site {site_id!r}") from None
        finally:
            rt.close()

    @sites.command("keys")
    @click.argument("site_id")
    def list_keys(site_id: str) -> None:
        """A site's API keys (prefix, scope, state)."""
        from moderation.integrations import store as istore

        rt = _runtime()
        try:
            with rt.db.session() as s:
                rows = istore.list_keys(s, site_id)
                for r in rows:
                    state = f"revoked {r.revoked_at:%Y-%m-%d %H:%M}" if r.revoked_at else "active"
                    click.echo(f"{r.prefix}  scope={r.scope:<11} created "
                               f"{r.created_at:%Y-%m-%d %H:%M}  {state}")
                if not rows:
                    click.echo("no keys")
        finally:
            rt.close()

    @sites.command("revoke-key")
    @click.argument("site_id")
    @click.argument("prefix")
    def revoke_key(site_id: str, prefix: str) -> None:
        """Revoke the key whose first characters are PREFIX (see ``sites keys``)."""
        from moderation.integrations import store as istore

        rt = _runtime()
        try:
            with rt.db.session() as s:
                n = istore.revoke_key(s, site_id, prefix)
            if n == 0:
                raise click.ClickException(f"no active key {prefix!r} for {site_id!r}")
            click.echo(f"revoked {n} key(s); running servers stop accepting it within 5 s")
        finally:
            rt.close()

    @sites.command("labels")
    @click.argument("site_id")
    def labels(site_id: str) -> None:
        """Feedback labels (suggestscore, submit-spam/ham) as CSV: label,source,text,..."""
        from moderation.integrations import store as istore

        rt = _runtime()
        try:
            with rt.db.session() as s:
                out = csv.writer(sys.stdout)
                out.writerow(["label", "source", "external_id", "submission_id", "created_at",
                              "text"])
                for r in istore.labels_for_site(s, site_id):
                    out.writerow([r.label, r.source, r.external_id or "", r.submission_id or "",
                                  r.created_at.isoformat(), r.text])
        finally:
            rt.close()
