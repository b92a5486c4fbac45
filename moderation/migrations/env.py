"""Alembic environment: runs on the connection handed over by ``moderation.store.migrate``.

Also usable with the ``alembic`` command (``-x url=...``), but the supported way is
``moderation db upgrade`` or the automatic upgrade at ``moderation serve`` / ``worker`` start.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, text

from moderation.store.schema import Base

config = context.config
target_metadata = Base.metadata


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # several processes may start at once: one migrates, the others wait then see it done
            connection.execute(text("SELECT pg_advisory_xact_lock(7317001)"))
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    with create_engine(url).connect() as conn:
        _run(conn)
