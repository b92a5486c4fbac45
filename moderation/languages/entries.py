"""List entries and patterns of a policy language, in the form comments take.

Entries and pattern literals are folded as comments are (moderation.normalize.fold_entry); a
``word*`` is a stem: in word lists it is expanded into inflected forms
(moderation.languages.morphology), in patterns and multi-word entries it allows a short suffix.
"""

from __future__ import annotations

import re

from moderation.languages.morphology import is_stem
from moderation.normalize import fold_entry, normalize

PLACEHOLDER = re.compile(r"<<([a-z0-9_]+)>>")
#: The short suffix a ``word*`` allows inside a pattern or a multi-word entry.
STEM_SUFFIX = r"\w{0,6}"


def fold_pattern(pattern: str) -> str:
    """A pattern's literals in the form tokens take (its ASCII syntax is left as written)."""
    if pattern.isascii():
        return pattern
    return "".join(c if c.isascii() else fold_entry(c) for c in pattern)


def phrase_form(entry: str) -> str:
    """An ASCII entry with digits in it (Arabizi: "yel3an abouk") as the tokenizer writes it in
    the phrase stream ("yelean abouk"), which phrase patterns read; any other entry as it is."""
    if entry.isascii() and "*" not in entry and any(c.isdigit() for c in entry):
        return normalize(entry).stream
    return entry


def entry_regex(entry: str) -> str:
    """A (folded) list entry as a regular expression: words separated by flexible white space,
    ``word*`` allowing a short suffix."""
    entry = phrase_form(entry)
    return r"\s+".join(re.escape(w[:-1]) + STEM_SUFFIX if w.endswith("*") and len(w) > 1
                       else re.escape(w) for w in entry.split())


def expand(pattern: str, lists: dict[str, list[str]]) -> str:
    """Replace ``<<name>>`` with an alternation of that (folded) named list."""

    def repl(m: re.Match[str]) -> str:
        entries = sorted(lists["@" + m.group(1)], key=len, reverse=True)
        return "(?:" + "|".join(entry_regex(e) for e in entries) + ")"

    return PLACEHOLDER.sub(repl, fold_pattern(pattern))


def entry_problem(entry: str) -> str | None:
    """Why a list entry cannot be used as written, or None."""
    if "*" in entry.replace("* ", " ").rstrip("*"):
        return "'*' may only end a word (a stem)"
    if is_stem(entry) and len(fold_entry(entry[:-1])) < 3:
        return "a stem needs at least 3 letters (shorter ones match ordinary words)"
    return None
