"""``moderation`` command line: one module per command family, registered here.

Each module under ``moderation.cli`` exposes ``register(group)``; heavy imports stay inside the
commands so that ``moderation --help`` is instant.
"""

from __future__ import annotations

import importlib

import click

from moderation import __version__

#: Command modules, in the order their commands appear in ``--help``.
COMMAND_MODULES: tuple[str, ...] = (
    "moderation.cli.demo",
    "moderation.cli.check",
    "moderation.cli.evaluate",
    "moderation.cli.policy",
    "moderation.cli.review",
    "moderation.cli.service",
    "moderation.cli.integrations",
    "moderation.cli.train",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="moderation")
def main() -> None:
    """Comment moderation engine for news sites."""


for _name in COMMAND_MODULES:
    importlib.import_module(_name).register(main)
