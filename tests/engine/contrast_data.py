"""The contrast cases (tests/engine/data/contrast_*.tsv), read once for the test and the
benchmark (benchmarks/contrast_cases.py)."""

from __future__ import annotations

from tests.engine.case_files import DATA, case_rows


def contrast_rows(half: str, tag_languages: bool = False) -> list[tuple[str, str]]:
    """(expected, text) of one half ("tuning" or "heldout"): the English file's rows, then the
    language rows of that half (expected tagged "@lang" when ``tag_languages``)."""
    rows = [(expected, text) for expected, text in case_rows(DATA / f"contrast_{half}.tsv", 2)]
    rows += [(expected + ("@lang" if tag_languages else ""), text)
             for h, expected, text in case_rows(DATA / "contrast_languages.tsv", 3) if h == half]
    return rows
