"""Errors a user can act on. Each carries a message meant for people, not a stack trace."""

from __future__ import annotations


class ModerationError(Exception):
    """Base class: the CLI and the API print ``str(err)`` and exit/answer cleanly."""


class TextTooLong(ModerationError):
    """The comment is longer than the policy allows (the API answers 413)."""

    def __init__(self, length: int, limit: int) -> None:
        self.length = length
        self.limit = limit
        super().__init__(
            f"comment is {length} characters long; this policy accepts at most {limit}"
        )


class PolicyError(ModerationError):
    """A policy that cannot be used; ``problems`` lists every error found, not just the first."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        listing = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"invalid policy {source}: {len(problems)} problem(s)\n{listing}")


class ScorerUnavailable(ModerationError):
    """A scorer that cannot be loaded here (missing extra, missing or corrupt model file)."""
