"""Database engine and sessions for SQLite (embedded default) and PostgreSQL.

SQLite gets WAL, ``synchronous=FULL`` (a 2xx means the comment survived a crash) and
``BEGIN IMMEDIATE`` transactions, so concurrent writers wait on ``busy_timeout`` instead of failing
on a lock upgrade. Reads (:meth:`Database.reading`) use a plain ``BEGIN``, which in WAL mode never
waits for a writer; and a process has one writer path: its write transactions take turns on a
lock first (SQLite lets one writer in at a time anyway), so they queue in order instead of
polling SQLite's busy handler, whose sleeps grow to 100 ms and let an unlucky writer starve until
the busy timeout (``database is locked``, a 503). PostgreSQL gets a short connect timeout, so an
unreachable database turns into a prompt 503 rather than a hung request. No ``pool_pre_ping``: it
costs a round trip per transaction (measured: a third of a worker's database time); after a server
restart SQLAlchemy invalidates the whole pool on the first disconnect error, so one request fails
(503, retried by the CMS; a job is retried) and the next ones reconnect.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
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
    #: SQLite only: the process's one writer path (see the module docstring); None = no queue
    write_lock: threading.Lock | None = field(default=None, repr=False)
    write_wait_s: float = 5.0

    @classmethod
    def connect(cls, url: str, **kwargs: Any) -> Database:
        engine = make_engine(url, **kwargs)
        sqlite = engine.dialect.name == "sqlite"
        return cls(engine, sessionmaker(engine, expire_on_commit=False),
                   sessionmaker(engine.execution_options(read_only=True),
                                expire_on_commit=False),
                   threading.Lock() if sqlite else None,
                   float(kwargs.get("timeout_s", 5.0)))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def _writer_turn(self) -> Iterator[None]:
        """Wait for this process's other writers (SQLite), as long as SQLite's busy timeout."""
        if self.write_lock is None:
            yield
            return
        if not self.write_lock.acquire(timeout=self.write_wait_s):
            raise OperationalError("BEGIN IMMEDIATE", None, sqlite3.OperationalError(
                "database is locked (this process's writers took longer than the busy timeout)"))
        try:
            yield
        finally:
            self.write_lock.release()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in a write transaction: committed on success, rolled back on error.

        For reads use :meth:`reading`. Never open one inside another in the same thread: on
        SQLite the inner one would wait for the outer one's lock.
        """
        with self._writer_turn(), self.sessions.begin() as s:
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
            with self._writer_turn(), self.engine.begin() as conn:
                yield conn

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads only (on SQLite it takes no write lock and never waits)."""
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
