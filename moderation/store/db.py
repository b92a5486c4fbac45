"""Database engine and sessions for SQLite (embedded default) and PostgreSQL.

SQLite gets WAL, ``synchronous=FULL`` (a 2xx means the comment survived a crash) and
``BEGIN IMMEDIATE`` transactions, so concurrent writers wait on ``busy_timeout`` instead of failing
on a lock upgrade. PostgreSQL gets a short connect timeout, so an unreachable database turns into
a prompt 503 rather than a hung request. No ``pool_pre_ping``: it costs a round trip per
transaction (measured: a third of a worker's database time); after a server restart SQLAlchemy
invalidates the whole pool on the first disconnect error, so one request fails (503, retried by
the CMS; a job is retried) and the next ones reconnect.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker


def make_engine(
    url: str, *, pool_size: int = 10, timeout_s: float = 5.0
) -> Engine:
    busy_timeout_ms = int(timeout_s * 1000)
    connect_timeout_s = max(1, int(round(timeout_s)))
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"timeout": busy_timeout_ms / 1000, "isolation_level": None}
        )

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            # writers queue up front; read-only sessions (see Database.reading) do not take the
            # write lock at all, so status reads never wait behind a burst of webhooks
            read_only = conn.get_execution_options().get("read_only", False)
            conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

        return engine
    connect_args: dict[str, Any] = {}
    if parsed.get_backend_name() == "postgresql":
        connect_args["connect_timeout"] = connect_timeout_s
    return create_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_timeout=connect_timeout_s,
        connect_args=connect_args,
    )


@dataclass
class Database:
    """An engine plus its session factory; one per process."""

    engine: Engine
    sessions: sessionmaker[Session]
    read_sessions: sessionmaker[Session]

    @classmethod
    def connect(cls, url: str, **kwargs: Any) -> Database:
        engine = make_engine(url, **kwargs)
        return cls(engine, sessionmaker(engine, expire_on_commit=False),
                   sessionmaker(engine.execution_options(read_only=True),
                                expire_on_commit=False))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in a transaction: committed on success, rolled back on error."""
        with self.sessions.begin() as s:
            yield s

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """A Core connection for one self-contained write statement, committed on exit.

        On PostgreSQL it runs in autocommit (a single statement is atomic by itself, and this
        saves the ``COMMIT`` round trip); on SQLite it is a ``BEGIN IMMEDIATE`` transaction.
        """
        if self.dialect == "postgresql":
            with self.engine.connect() as conn:
                yield conn.execution_options(isolation_level="AUTOCOMMIT")
        else:
            with self.engine.begin() as conn:
                yield conn

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads only (on SQLite it does not take the write lock)."""
        with self.read_sessions.begin() as s:
            yield s

    def dispose(self) -> None:
        self.engine.dispose()


def upsert_insert(s: Session | Database, table: Table) -> Any:
    """``INSERT`` with the dialect's ``ON CONFLICT`` support (PostgreSQL and SQLite)."""
    name = s.dialect if isinstance(s, Database) else s.get_bind().dialect.name
    if name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - the service supports these two
        raise NotImplementedError(f"no ON CONFLICT insert for {name}")
    return insert(table)
