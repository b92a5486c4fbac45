"""Fixtures for the policy lifecycle: small policy directories, and a Database on the store
that tests/conftest.py provides (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from moderation.store.db import Database

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


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database.connect(db_url)
    yield database
    database.dispose()
