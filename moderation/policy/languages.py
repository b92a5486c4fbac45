"""Checking the policy's ``languages`` section (see docs/languages.md).

Each covered language adds word lists and patterns to the policy's own categories; they are
read, folded (moderation.normalize.fold_entry) and checked here like the English ones, and their
problems are reported with file and line as the rest of the policy's are.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from moderation.languages.entries import PLACEHOLDER, entry_problem, expand
from moderation.normalize import fold_entry


def resolve_languages(doc: Any, lists: dict[str, list[str]],
                      load: Callable[[str, tuple[Any, ...]], None],
                      locate: Callable[[tuple[Any, ...]], str], problems: list[str],
                      static_problems: Callable[[str, str], tuple[str, ...]]) -> None:
    """Read every language list of ``doc`` (a PolicyDocument) into ``lists`` and report what a
    matcher could not use; ``static_problems`` is the policy's regex check."""
    for code, lang in doc.languages.covered.items():
        base = ("languages", "covered", code)
        for name, ref in sorted(lang.lists.items()):
            where = base + ("lists", name)
            if name in doc.lists or "@" + name in lists:
                problems.append(f"{locate(where)}: list name {name!r} is already used (allowed: "
                                "a name no other list of the policy has, e.g. prefixed "
                                f"'{code}_')")
                continue
            load(ref, where)
            if ref in lists:
                lists["@" + name] = [fold_entry(e) for e in lists[ref]]
        if lang.victim is not None and "@" + lang.victim not in lists:
            problems.append(f"{locate(base + ('victim',))}: unknown list {lang.victim!r} "
                            "(allowed: the names under the policy's or this language's "
                            "'lists')")
        for cname, lc in lang.categories.items():
            where = base + ("categories", cname)
            if cname not in doc.categories:
                problems.append(f"{locate(where)}: unknown category {cname!r} (allowed: the "
                                f"policy's categories: {', '.join(doc.categories)})")
                continue
            for i, src in enumerate(lc.words):
                if src.file is None:
                    problems.append(f"{locate(where + ('words', i))}: a language gives list "
                                    "files only (allowed: file: words/<lang>/<name>.txt)")
                    continue
                load(src.file, where + ("words", i, "file"))
                for ex in src.exclude:
                    load(ex, where + ("words", i, "exclude"))
                for entry in lists.get(src.file, []):
                    problem = entry_problem(entry)
                    if problem:
                        problems.append(f"{locate(where + ('words', i, 'file'))}: "
                                        f"{src.file}: entry {entry!r}: {problem}")
            for i, near in enumerate(lc.near):
                names = [*near.first, *near.then, *near.unless, *near.negated_by]
                missing = [n for n in names if "@" + n not in lists]
                if missing:
                    problems.append(f"{locate(where + ('near', i))}: rule {near.id!r} uses "
                                    f"unknown list(s) {', '.join(missing)} (allowed: the "
                                    "names under the policy's or this language's 'lists')")
            for i, pat in enumerate(lc.patterns):
                loc = locate(where + ("patterns", i, "pattern"))
                missing = [n for n in [*PLACEHOLDER.findall(pat.pattern), *pat.unless]
                           if "@" + n not in lists]
                if missing:
                    problems.append(f"{loc}: pattern {pat.id!r} uses unknown list(s) "
                                    f"{', '.join(missing)}")
                    continue
                try:
                    rx = re.compile(expand(pat.pattern, lists))
                except re.error as exc:
                    problems.append(f"{loc}: pattern {pat.id!r} does not compile: {exc}")
                    continue
                for text in static_problems(pat.pattern, rx.pattern):
                    problems.append(f"{loc}: pattern {pat.id!r} can backtrack "
                                    f"catastrophically: {text}")
                    break
