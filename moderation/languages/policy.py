"""Loading and checking the policy's ``languages`` section (see docs/languages.md).

Each covered language adds word lists and patterns to the policy's own categories; they are
read, folded (moderation.normalize.fold_entry) and checked here like the English ones, and their
problems are reported with file and line as the rest of the policy's are.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from moderation.languages.morphology import is_stem
from moderation.normalize import fold_entry

if TYPE_CHECKING:
    from moderation.policy import PolicyDocument

_PLACEHOLDER = re.compile(r"<<([a-z0-9_]+)>>")
#: The short suffix a ``word*`` allows inside a pattern or a multi-word entry.
STEM_SUFFIX = r"\w{0,6}"


def fold_pattern(pattern: str) -> str:
    """A pattern's literals in the form tokens take (its ASCII syntax is left as written)."""
    if pattern.isascii():
        return pattern
    return "".join(c if c.isascii() else fold_entry(c) for c in pattern)


def entry_regex(entry: str) -> str:
    """A (folded) list entry as a regular expression: words separated by flexible white space,
    ``word*`` allowing a short suffix."""
    return r"\s+".join(re.escape(w[:-1]) + STEM_SUFFIX if w.endswith("*") and len(w) > 1
                       else re.escape(w) for w in entry.split())


def expand(pattern: str, lists: dict[str, list[str]]) -> str:
    """Replace ``<<name>>`` with an alternation of that (folded) named list."""

    def repl(m: re.Match[str]) -> str:
        entries = sorted(lists["@" + m.group(1)], key=len, reverse=True)
        return "(?:" + "|".join(entry_regex(e) for e in entries) + ")"

    return _PLACEHOLDER.sub(repl, fold_pattern(pattern))


def resolve_languages(doc: PolicyDocument, lists: dict[str, list[str]],
                      load: Callable[[str, tuple[Any, ...]], None],
                      locate: Callable[[tuple[Any, ...]], str], problems: list[str]) -> None:
    """Read every language list into ``lists`` and report what a matcher could not use."""
    from moderation.policy import _static_problems

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
                    problem = _entry_problem(entry)
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
                missing = [n for n in _PLACEHOLDER.findall(pat.pattern) if "@" + n not in lists]
                if missing:
                    problems.append(f"{loc}: pattern {pat.id!r} uses unknown list(s) "
                                    f"{', '.join(missing)}")
                    continue
                try:
                    rx = re.compile(expand(pat.pattern, lists))
                except re.error as exc:
                    problems.append(f"{loc}: pattern {pat.id!r} does not compile: {exc}")
                    continue
                for text in _static_problems(pat.pattern, rx.pattern):
                    problems.append(f"{loc}: pattern {pat.id!r} can backtrack "
                                    f"catastrophically: {text}")
                    break


def _entry_problem(entry: str) -> str | None:
    """Why a list entry cannot be used as written, or None."""
    if "*" in entry.replace("* ", " ").rstrip("*"):
        return "'*' may only end a word (a stem)"
    if is_stem(entry) and len(fold_entry(entry[:-1])) < 3:
        return "a stem needs at least 3 letters (shorter ones match ordinary words)"
    return None
