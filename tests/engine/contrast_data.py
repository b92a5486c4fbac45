"""The contrast cases (tests/engine/data/contrast_*.tsv), read once for the test and the
benchmark (benchmarks/contrast_cases.py)."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).parent / "data"


def contrast_rows(half: str, tag_languages: bool = False) -> list[tuple[str, str]]:
    """(expected, text) of one half ("tuning" or "heldout"): the English file's rows, then the
    language rows of that half (expected tagged "@lang" when ``tag_languages``)."""
    rows = []
    for line in (DATA / f"contrast_{half}.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            expected, text = line.split("\t", 1)
            rows.append((expected, text))
    for line in (DATA / "contrast_languages.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            h, expected, text = line.split("\t", 2)
            if h == half:
                rows.append((expected + ("@lang" if tag_languages else ""), text))
    return rows
