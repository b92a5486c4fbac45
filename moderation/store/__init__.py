"""Durable state of the service: schema, engine/sessions, migrations and repository functions."""

from moderation.store.db import Database

__all__ = ["Database"]
