"""``moderation demo``: the whole flow on embedded defaults, with the seed comments.

It starts the real API (SQLite under ./data/, jobs inline: no Redis, no PostgreSQL), a small
callback receiver standing in for the CMS, registers a ``demo`` site, posts every comment in
``seeds/`` through the signed webhook exactly as a CMS would, and prints each decision with its
reasons and the callback the CMS received. ``--serve`` keeps it running for the review page.
Comment ids are the seeds' own, so a second run adds nothing: the webhook answers each as a
repeat with its stored decision, and the demo says so (and how to start over).
"""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import click

DEMO_SITE = "demo"
DEMO_SECRET = "whsec_demo_only_not_a_secret"
SEEDS = Path(__file__).resolve().parents[2] / "seeds"
_COLOURS = {"approve": "green", "reject": "red", "review": "yellow"}


def register(group: click.Group) -> None:
    group.add_command(demo)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Receiver(BaseHTTPRequestHandler):
    """The CMS side: records every callback it is sent."""

    received: list[dict[str, Any]] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server API
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            self.received.append(json.loads(body))
        except ValueError:
            self.received.append({"raw": body.decode("utf-8", "replace")})
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        return


def _start_receiver() -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/callback"


def _start_api(port: int) -> Any:
    import uvicorn

    from moderation.api.app import create_app

    config = uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning",
                            access_log=False)
    server = uvicorn.Server(config)
    threading.Thread(target=server.run, daemon=True).start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not any(
                t.is_alive() for t in threading.enumerate() if t.daemon):
            raise click.ClickException("the API did not start (see the messages above)")
        time.sleep(0.05)
    return server


def _ensure_site(callback_url: str) -> None:
    from moderation.service.wiring import build_runtime
    from moderation.store import migrate
    from moderation.store import repository as repo

    rt = build_runtime()
    try:
        migrate.upgrade(rt.db.engine)
        with rt.db.session() as s:
            site = repo.get_site(s, DEMO_SITE)
            if site is None:
                repo.add_site(s, DEMO_SITE, secret=DEMO_SECRET, callback_url=callback_url,
                              actor="demo")
            else:
                site.callback_url = callback_url
                site.secrets = [DEMO_SECRET]
    finally:
        rt.close()


def _start_over() -> str:
    """How to empty the demo's store: the embedded SQLite file, or a database named by URL."""
    from moderation.config import Settings

    url = Settings.from_env().database_url
    if url.startswith("sqlite:///"):
        return f"delete {url.removeprefix('sqlite:///')} (the demo's SQLite file)"
    return "empty the database of MODERATION_DATABASE_URL, or unset it for the embedded SQLite"


def _load_seeds(folder: Path) -> list[dict[str, Any]]:
    articles = {a["id"]: a for a in json.loads((folder / "articles.json").read_text("utf-8"))}
    comments = []
    for line in (folder / "comments.jsonl").read_text("utf-8").splitlines():
        if line.strip():
            c = json.loads(line)
            c["article"] = articles[c["article"]]
            comments.append(c)
    return comments


@click.command()
@click.option("--serve", is_flag=True, help="Keep the API running afterwards (Ctrl-C stops).")
@click.option("--port", default=0, type=int,
              help="API port (default: a free one; 8000 with --serve).")
@click.option("--seeds", "seeds_dir", type=click.Path(file_okay=False, path_type=Path),
              default=SEEDS, show_default=True,
              help="Folder with articles.json and comments.jsonl.")
def demo(serve: bool, port: int, seeds_dir: Path) -> None:
    """Post the seed comments through the real webhook and show every decision."""
    import httpx

    from moderation.service import signing

    comments = _load_seeds(seeds_dir)
    _Receiver.received.clear()
    receiver, callback_url = _start_receiver()
    _ensure_site(callback_url)
    port = port or (8000 if serve else _free_port())
    api = _start_api(port)
    base = f"http://127.0.0.1:{port}"
    click.echo(f"API on {base} (SQLite, inline jobs); CMS callbacks to {callback_url}\n")
    counts: dict[str, int] = {}
    finals = repeats = 0
    with httpx.Client(base_url=base, timeout=30) as http:
        for c in comments:
            body = json.dumps({
                "site_id": DEMO_SITE,
                "comment_id": str(c["id"]),  # stable: a re-run is a repeat, not a new comment
                "text": c["text"],
                "article": {k: c["article"][k] for k in ("id", "title", "url")},
                "author": {"id": f"reader-{c['id']}"},
            }).encode("utf-8")
            r = http.post("/v1/comments?wait=3000", content=body, headers={
                "Content-Type": "application/json",
                signing.HEADER: signing.sign(DEMO_SECRET, body),
            })
            if r.status_code >= 400:
                click.echo(f"{c['id']}: HTTP {r.status_code} {r.text[:200]}")
                continue
            decision = r.json().get("decision") or {}
            action = decision.get("action", r.json().get("status", "?"))
            counts[action] = counts.get(action, 0) + 1
            if r.json().get("duplicate"):
                repeats += 1
            elif action in ("approve", "reject"):
                finals += 1  # a new final decision: the CMS is called back
            label = click.style(f"{action.upper():8s}", fg=_COLOURS.get(action), bold=True)
            text = c["text"].replace("\n", " ")
            click.echo(f"{label} {c['id']}  {text[:90]}{'…' if len(text) > 90 else ''}")
            for reason in decision.get("reasons", []):
                click.echo(f"           - {reason.get('message')}")
    deadline = time.monotonic() + 15  # callbacks are sent in the background: let them land
    while len(_Receiver.received) < finals and time.monotonic() < deadline:
        time.sleep(0.05)
    summary = ", ".join(f"{n} {a}" for a, n in sorted(counts.items()))
    click.echo(f"\n{len(comments)} comments: {summary}; "
               f"{len(_Receiver.received)} callbacks received by the CMS (final decisions only; "
               f"'review' waits for a moderator)")
    if repeats:
        click.echo(f"{repeats} of them were stored by an earlier demo run: shown with their "
                   "stored decisions, not added again (each is once in the review queue, and "
                   f"its callback is not sent twice). To start over: {_start_over()}")
    if serve:
        click.echo(f"\nServing on {base}: API docs {base}/docs, review page {base}/review "
                   "(create a login with: moderation users add NAME --role moderator). "
                   "Ctrl-C stops.")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    api.should_exit = True
    receiver.shutdown()
