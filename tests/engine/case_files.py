"""One reader for the engine's case files (tests/engine/data/*.tsv), used by every round's tests
and by the benchmarks that print their figures."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).parent / "data"


def case_rows(path: Path, fields: int) -> list[tuple[str, ...]]:
    """The rows of a tab-separated case file, ``fields`` columns each (the last one, the text,
    may hold a tab); blank lines and "#" comments are skipped. A short row is an error that
    names the file and line, so a malformed case cannot drop out of a test unseen."""
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line or line.startswith("#"):
            continue
        parts = line.split("\t", fields - 1)
        if len(parts) != fields:
            raise ValueError(f"{path.name}:{n}: expected {fields} tab-separated fields")
        rows.append(tuple(parts))
    return rows
