"""Fixtures shared by every test package: the store on SQLite and on PostgreSQL, and the CMS
callback receiver.

PostgreSQL: one fresh database per test run, created from MODERATION_TEST_POSTGRES_URL (default
``postgresql+psycopg://postgres@127.0.0.1:5432/test``) and dropped at the end; every table is
emptied before each test. Without a server the PostgreSQL half skips with the reason (fails
under MODERATION_REQUIRE_SERVICES=1, see tests/require.py).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from moderation.store import migrate
from moderation.store.db import Database
from tests.require import service_missing
from tests.service.support import SECRET, CallbackReceiver

PG_URL = os.environ.get("MODERATION_TEST_POSTGRES_URL",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"modtest_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        admin.dispose()
        service_missing(f"PostgreSQL not available at {PG_URL}: {exc}")
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    db = Database.connect(url)
    migrate.upgrade(db.engine)
    db.dispose()
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty store: a fresh SQLite file, or the run's PostgreSQL database emptied."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'data' / 'moderation.db'}"
        db = Database.connect(url)
        migrate.upgrade(db.engine)
        db.dispose()
        return url
    url = request.getfixturevalue("pg_database")
    eng = create_engine(url)
    with eng.begin() as conn:
        names = [r[0] for r in conn.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename <> 'alembic_version'"))]
        conn.execute(text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))
    eng.dispose()
    return url


@pytest.fixture
def receiver() -> Iterator[CallbackReceiver]:
    """The CMS side: a real HTTP server on loopback that checks signatures and records calls."""
    r = CallbackReceiver(SECRET).start()
    yield r
    r.stop()
