"""The package's shape (issue 11): no import circle between files, and few loose modules.

The layer contracts themselves are import-linter's (``[tool.importlinter]`` in pyproject.toml,
run by ``lint-imports`` in .ci/run); this file adds what import-linter has no contract for.
"""

from __future__ import annotations

from pathlib import Path

import grimp

import moderation

ROOTS = ("moderation", "workers")


def import_cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    adj = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = 0
    for root in sorted(adj):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            v, i = work.pop()
            if i == 0:
                index[v] = low[v] = counter
                counter += 1
                stack.append(v)
                on_stack.add(v)
            succ = adj.get(v, [])
            if i < len(succ):
                work.append((v, i + 1))
                w = succ[i]
                if w not in index:
                    work.append((w, 0))
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
                continue
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[v])
    return out


def test_cycle_finder_sees_a_circle() -> None:
    """The finder itself: a three-module circle and a separate edge."""

    class Fake:
        modules = {"a", "b", "c", "d"}
        edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}

        def find_modules_directly_imported_by(self, m: str) -> set[str]:
            return self.edges.get(m, set())

    assert import_cycles(Fake()) == [["a", "b", "c"]]  # type: ignore[arg-type]


def test_no_import_circle_between_files() -> None:
    """Every import counts, inside functions and under TYPE_CHECKING too."""
    graph = grimp.build_graph(*ROOTS)
    assert import_cycles(graph) == []


def test_few_modules_directly_under_the_package() -> None:
    """The top level holds the engine's own modules and the entry points (at most 10)."""
    top = sorted(p.name for p in Path(moderation.__file__).parent.glob("*.py"))
    assert len(top) <= 10, top
