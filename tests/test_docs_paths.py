"""A user's clone is enough to read the docs (issue 13, item 12).

Docs and code once pointed at ``../shared/ML-NOTES.md`` and other files beside the developers'
checkout that a clone does not have. What matters is in ``docs/`` now; the one outside path left
is the data sets folder, which is configurable (``$MODERATION_DATASETS``, docs/datasets.md) and
may appear in commands as they were run (``/work/shared/datasets`` on the developers' machine).
"""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
#: What a user reads: the README, docs, the package, workers, benchmarks, policies, CI.
ROOTS = ("README.md", "pyproject.toml", "docs", "moderation", "workers", "benchmarks",
         "policies", "seeds", ".ci")
SUFFIXES = {".md", ".py", ".toml", ".yaml", ".yml", ".txt", ".html", ".js", ".css", ".cfg", ""}
OUTSIDE = [
    (re.compile(r"ML-NOTES"), "the model notes are docs/model-notes.md"),
    (re.compile(r"(?:\.\./|/work/)shared/(?!datasets\b)"),
     "a file outside the repository (only the data sets folder may be outside)"),
    (re.compile(r"/work/(?!shared/datasets\b)"), "an absolute path on the developers' machine"),
]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def files() -> list[Path]:
    out: list[Path] = []
    for name in ROOTS:
        root = REPO / name
        candidates = [root] if root.is_file() else sorted(root.rglob("*"))
        out += [p for p in candidates if p.is_file() and p.suffix in SUFFIXES
                and "__pycache__" not in p.parts]
    return out


def outside_references(text: str) -> list[str]:
    return [f"{m.group(0)!r}: {why}" for pattern, why in OUTSIDE for m in pattern.finditer(text)]


def broken_links(md: Path) -> list[str]:
    """Relative Markdown links of ``md`` that do not lead to a file inside the repository."""
    bad = []
    for m in LINK.finditer(md.read_text(encoding="utf-8")):
        target = m.group(1).split("#")[0]
        if not target or re.match(r"[a-z][a-z0-9+.-]*:", target):
            continue  # same-page anchor, or a URL
        path = (md.parent / target).resolve()
        if not path.exists() or REPO not in path.parents:
            bad.append(target)
    return bad


def test_nothing_points_outside_the_repository() -> None:
    found = {}
    for path in files():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # a binary file (the model's arrays)
        problems = outside_references(text)
        if problems:
            found[str(path.relative_to(REPO))] = problems
    assert found == {}


def test_markdown_links_stay_in_the_repository() -> None:
    found = {str(md.relative_to(REPO)): broken_links(md)
             for md in files() if md.suffix == ".md"}
    assert {k: v for k, v in found.items() if v} == {}


def test_the_checks_can_fail(tmp_path: Path) -> None:
    assert outside_references("see ../shared/ML-NOTES.md") != []
    assert outside_references("D=/work/shared/lexicons/x.txt") != []
    assert outside_references("/work/moderation/README.md") != []
    assert outside_references("--datasets ../shared/datasets") == []
    assert outside_references("eval_all.py /work/shared/datasets") == []  # configurable
    md = tmp_path / "x.md"
    md.write_text("[a](../../nowhere.md) [b](https://example.org) [c](#top)", encoding="utf-8")
    assert broken_links(md) == ["../../nowhere.md"]


def test_the_notes_are_in_docs() -> None:
    notes = (REPO / "docs" / "model-notes.md").read_text(encoding="utf-8")
    assert "cannot reject news comments on its own" in notes
    datasets = (REPO / "docs" / "datasets.md").read_text(encoding="utf-8")
    from moderation.evaluation.shared_sets import READERS
    from moderation.training.datasets import EVAL_ONLY_SETS, TRAIN_SETS

    for name in {*TRAIN_SETS, *EVAL_ONLY_SETS, *READERS}:  # every set the code reads
        assert f"`{name}`" in datasets, name
