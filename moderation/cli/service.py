"""Service commands: ``serve``, ``worker``, ``sites``, ``callbacks``, ``db``, ``sweep``."""

from __future__ import annotations

import json

import click


def _runtime():  # type: ignore[no-untyped-def]
    """A runtime for one CLI command, on a migrated database."""
    from moderation.service.wiring import build_runtime
    from moderation.store import migrate

    rt = build_runtime()
    migrate.upgrade(rt.db.engine)
    return rt


def register(group: click.Group) -> None:
    @group.command()
    @click.option("--host", default="127.0.0.1", show_default=True)
    @click.option("--port", default=8000, show_default=True, type=int)
    @click.option("--workers", "http_workers", default=1, show_default=True, type=int,
                  help="HTTP worker processes (with MODERATION_REDIS_URL only).")
    @click.option("--log-level", default="warning", show_default=True)
    @click.option("--http", "http_impl", default="auto", show_default=True,
                  type=click.Choice(["auto", "httptools", "h11"]),
                  help="HTTP parser (auto: httptools when installed, a fraction of h11's CPU).")
    @click.option("--loop", "loop_impl", default="auto", show_default=True,
                  type=click.Choice(["auto", "uvloop", "asyncio"]),
                  help="Event loop (auto: uvloop when installed).")
    def serve(host: str, port: int, http_workers: int, log_level: str, http_impl: str,
              loop_impl: str) -> None:
        """Run the API (webhook, status, health, metrics). Migrates the database first."""
        import uvicorn

        from moderation.config import Settings

        if http_workers > 1 and not Settings.from_env().redis_url:
            raise click.UsageError("--workers > 1 needs MODERATION_REDIS_URL (inline mode "
                                   "decides in the API process)")
        uvicorn.run("moderation.api.app:create_app", factory=True, host=host, port=port,
                    workers=http_workers, log_level=log_level, access_log=False,
                    http=http_impl, loop=loop_impl)

    @group.command()
    @click.option("-n", "--processes", default=2, show_default=True, type=int,
                  help="Worker processes (each loads the policy and model once).")
    @click.option("--sweeper/--no-sweeper", default=True, show_default=True,
                  help="Run the lost-job sweeper in the launcher process.")
    @click.option("--burst", is_flag=True, help="One process; exit when the queue is empty.")
    def worker(processes: int, sweeper: bool, burst: bool) -> None:
        """Run RQ workers that decide queued comments (needs MODERATION_REDIS_URL)."""
        import logging

        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
        from workers import launcher

        if burst:
            launcher.run_one(burst=True)
            return
        raise SystemExit(launcher.launch(processes, sweeper=sweeper))

    @group.command()
    def sweep() -> None:
        """Run one sweeper round now: re-enqueue lost jobs and due callbacks."""
        from moderation.service.sweeper import sweep_once

        rt = _runtime()
        try:
            r = sweep_once(rt)
            click.echo(f"re-enqueued {r.reenqueued} submission(s); {r.deliveries} callback(s) "
                       f"due; {r.skipped_pending} still queued")
        finally:
            rt.close()

    @group.group()
    def sites() -> None:
        """Register CMS sites: secret, callback URL and policy."""

    @sites.command("add")
    @click.argument("site_id")
    @click.option("--callback-url", default=None, help="Where decisions are POSTed.")
    @click.option("--policy", "policy_id", default="default", show_default=True)
    @click.option("--secret", default=None, help="Shared secret (generated when omitted).")
    def sites_add(site_id: str, callback_url: str | None, policy_id: str,
                  secret: str | None) -> None:
        """Register SITE_ID and print its signing secret."""
        from moderation.store import repository as repo

        rt = _runtime()
        try:
            rt.registry.policy(policy_id)  # refuse a policy that does not load
            with rt.db.session() as s:
                if repo.get_site(s, site_id) is not None:
                    raise click.ClickException(f"site {site_id!r} already exists")
                site = repo.add_site(s, site_id, secret=secret, callback_url=callback_url,
                                     policy_id=policy_id)
                click.echo(f"site {site.id} registered (policy {site.policy_id})")
                click.echo(f"secret: {site.secrets[0]}")
        except KeyError as exc:
            raise click.ClickException(str(exc)) from None
        finally:
            rt.close()

    @sites.command("list")
    @click.option("--json", "as_json", is_flag=True)
    def sites_list(as_json: bool) -> None:
        """List sites (secrets are not shown)."""
        from moderation.store import repository as repo

        rt = _runtime()
        try:
            with rt.db.session() as s:
                rows = [{"id": x.id, "policy": x.policy_id, "callback_url": x.callback_url,
                         "secrets": len(x.secrets)} for x in repo.list_sites(s)]
        finally:
            rt.close()
        if as_json:
            click.echo(json.dumps(rows, indent=2))
            return
        for r in rows:
            click.echo(f"{r['id']:<24} policy={r['policy']:<16} secrets={r['secrets']} "
                       f"callback={r['callback_url'] or '-'}")

    @sites.command("rotate-secret")
    @click.argument("site_id")
    @click.option("--drop-old", is_flag=True, help="Stop accepting the previous secret now.")
    def sites_rotate(site_id: str, drop_old: bool) -> None:
        """Issue a new secret; the previous one stays valid until the next rotation."""
        from moderation.store import repository as repo

        rt = _runtime()
        try:
            with rt.db.session() as s:
                site = repo.rotate_secret(s, site_id, keep_previous=not drop_old)
                click.echo(f"new secret: {site.secrets[0]}")
                if len(site.secrets) > 1:
                    click.echo("the previous secret is still accepted until the next rotation")
        except KeyError:
            raise click.ClickException(f"unknown site {site_id!r}") from None
        finally:
            rt.close()

    @group.group()
    def callbacks() -> None:
        """Inspect callback deliveries."""

    @callbacks.command("failed")
    @click.option("--site", "site_id", default=None)
    @click.option("--limit", default=50, show_default=True)
    @click.option("--retry", is_flag=True, help="Give the listed deliveries a fresh set of tries.")
    def callbacks_failed(site_id: str | None, limit: int, retry: bool) -> None:
        """Deliveries that exhausted their retries (newest first)."""
        from moderation.store import repository as repo
        from moderation.store.schema import Submission

        rt = _runtime()
        try:
            with rt.db.session() as s:
                rows = repo.failed_deliveries(s, site_id, limit)
                if not rows:
                    click.echo("no failed callbacks")
                for d in rows:
                    sub = s.get(Submission, d.submission_id)
                    click.echo(f"#{d.id} site={d.site_id} comment={sub.comment_id if sub else '?'} "
                               f"attempts={d.attempts} last={d.last_status_code or '-'} "
                               f"{d.last_error or ''} url={d.url}")
                    if retry:
                        repo.retry_delivery(s, d.id)
            if retry and rows:
                click.echo(f"{len(rows)} delivery(ies) scheduled again")
        finally:
            rt.close()

    @group.group()
    def db() -> None:
        """Database schema."""

    @db.command("upgrade")
    @click.option("--revision", default="head", show_default=True)
    def db_upgrade(revision: str) -> None:
        """Apply migrations (also done automatically by serve and worker)."""
        from moderation.service.wiring import build_runtime
        from moderation.store import migrate

        rt = build_runtime()
        try:
            migrate.upgrade(rt.db.engine, revision)
            click.echo(f"database at revision {migrate.current(rt.db.engine)}")
        finally:
            rt.close()
