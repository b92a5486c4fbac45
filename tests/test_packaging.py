"""What a fresh virtual environment gets from the README's set-up (issue 13, item 1).

``pip install -e ".[test]"`` must bring every package the tests import at module level (a
missing one is a collection error, and no test of that file runs), and every package the
product imports at module level must be a plain dependency. CI installs into a fresh virtual
environment (.ci/run), so an undeclared package fails there too; this test names it.
"""

from __future__ import annotations

import ast
import functools
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LOCAL = {"moderation", "workers", "tests"}


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _names(requirements: list[str]) -> set[str]:
    out = set()
    for req in requirements:
        match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", req)
        assert match, f"unreadable requirement {req!r} in pyproject.toml"
        out.add(_canonical(match.group(1)))
    return out


def declared() -> tuple[set[str], dict[str, set[str]]]:
    """(dependencies, {extra: its packages}) from pyproject.toml."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = {k: _names(v) for k, v in project.get("optional-dependencies", {}).items()}
    return _names(project["dependencies"]), extras


def imports(folder: Path) -> tuple[set[str], set[str]]:
    """Third-party top-level module names imported (at module level, inside functions) by the
    ``.py`` files under ``folder``. Module level includes ``if``/``try`` blocks at top level."""
    top: set[str] = set()
    nested: set[str] = set()
    for path in folder.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        inner = {id(n) for f in ast.walk(tree)
                 if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)
                 for n in ast.walk(f)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                root = name.split(".")[0]
                if root in sys.stdlib_module_names or root in LOCAL:
                    continue
                (nested if id(node) in inner else top).add(root)
    return top, nested


@functools.cache
def _providers() -> dict[str, list[str]]:
    return dict(importlib.metadata.packages_distributions())


def distributions(module: str) -> set[str]:
    """The installed distributions that provide ``module`` (empty when it is not installed)."""
    found = _providers().get(module, [])
    return {_canonical(d) for d in found}


def undeclared(modules: set[str], allowed: set[str]) -> list[str]:
    """Modules none of whose providing distributions is in ``allowed``, with the reason."""
    problems = []
    for module in sorted(modules):
        dists = distributions(module)
        if not dists:
            problems.append(f"{module}: imported but not installed (declare its package)")
        elif not dists & allowed:
            problems.append(f"{module}: from {', '.join(sorted(dists))}, which pyproject.toml "
                            "does not declare")
    return problems


def test_tests_import_only_declared_packages() -> None:
    deps, extras = declared()
    top, nested = imports(REPO / "tests")
    assert undeclared(top, deps | extras["test"]) == []
    # Imports inside a test function may come from another extra (detoxify), behind an
    # importorskip; installed ones must still be declared somewhere.
    installed_nested = {m for m in nested if distributions(m)}
    assert undeclared(installed_nested, deps.union(*extras.values())) == []


def test_the_package_imports_only_its_dependencies() -> None:
    deps, extras = declared()
    top, nested = imports(REPO / "moderation")
    top_w, nested_w = imports(REPO / "workers")
    assert undeclared(top | top_w, deps) == []
    installed_nested = {m for m in nested | nested_w if distributions(m)}
    assert undeclared(installed_nested, deps.union(*extras.values())) == []


def test_the_check_names_an_undeclared_import(tmp_path: Path) -> None:
    """The check itself can fail: a file importing a package outside the declared set."""
    (tmp_path / "t.py").write_text("import pytest\nimport jsonschema\n\n"
                                   "def f():\n    import yaml\n", encoding="utf-8")
    top, nested = imports(tmp_path)
    assert (top, nested) == ({"pytest", "jsonschema"}, {"yaml"})
    problems = undeclared(top, {"pytest"})
    assert problems == ["jsonschema: from jsonschema, which pyproject.toml does not declare"]
    assert undeclared({"surely_not_a_module_here"}, {"pytest"})[0].endswith("not installed "
                                                                             "(declare its "
                                                                             "package)")
