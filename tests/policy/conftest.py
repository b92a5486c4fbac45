"""Fixtures for the policy lifecycle: small policy directories, and the store on SQLite and
PostgreSQL (a fresh PostgreSQL database per run, every table emptied between tests)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from moderation.store import migrate
from moderation.store.db import Database

PG_URL = os.environ.get("MODERATION_TEST_POSTGRES_URL",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/test")

BASE = """\
id: base
max_length: 2000
lists:
  mild: words/mild.txt
categories:
  profanity:
    description: swearing
    action: reject
    words:
      - file: words/swears.txt
    allow: [scunthorpe]
    patterns:
      - id: heck_off
        pattern: '\\bheck\\s+off\\b'
    model:
      labels: [obscene]
      review_at: 0.5
      reject_at: 0.9
  mild:
    description: mild words a person looks at
    action: review
    patterns:
      - id: mild_words
        pattern: '\\b(?:<<mild>>)\\b'
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def policy_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A policies directory holding ``base.yaml`` and its word lists (MODERATION_POLICY_DIR)."""
    d = tmp_path / "policies"
    write(d / "base.yaml", BASE)
    write(d / "words" / "swears.txt", "# swear words\nheck\nfrick\n")
    write(d / "words" / "mild.txt", "gosh\n")
    monkeypatch.setenv("MODERATION_POLICY_DIR", str(d))
    return d


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"modpol_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        admin.dispose()
        pytest.skip(f"PostgreSQL not available at {PG_URL}: {exc}")
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
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'data' / 'moderation.db'}"
        db = Database.connect(url)
        migrate.upgrade(db.engine)
        db.dispose()
        return url
    url = request.getfixturevalue("pg_database")
    eng = create_engine(url)
    tables = [t for t in inspect(eng).get_table_names() if t != "alembic_version"]
    with eng.begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    eng.dispose()
    return url


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database.connect(db_url)
    yield database
    database.dispose()
