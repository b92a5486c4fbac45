"""``moderation policy ...``: work with policy files."""

from __future__ import annotations

import sys

import click


def register(group: click.Group) -> None:
    group.add_command(policy)


@click.group()
def policy() -> None:
    """Validate and inspect policy YAML files."""


@policy.command()
@click.argument("file", type=click.Path(dir_okay=False))
def validate(file: str) -> None:
    """Check a policy file; list every problem with its file, line and column."""
    from moderation.errors import PolicyError
    from moderation.policy import load_policy

    try:
        p = load_policy(file)
    except PolicyError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    cats = ", ".join(f"{n} ({c.action})" for n, c in p.categories.items())
    click.echo(f"ok: policy {p.id} version {p.version}: {len(p.categories)} categories: {cats}")
