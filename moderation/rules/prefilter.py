"""Skip phrase patterns that cannot match: the rule layer's main speed-up.

Most comments contain none of the words a pattern needs (a threat pattern needs a violent verb,
an abuse pattern a group name), yet Python's ``re`` would still scan the whole comment for each
of them. ``required_words`` reads a compiled pattern's structure and finds a set of words such
that every match contains one of them as a whole word of the phrase stream; the matcher then
runs the pattern only when the comment's word set meets that set (one C-level set operation).

The analysis is conservative: whenever it cannot prove a requirement it returns None and the
pattern always runs. tests/engine/test_prefilter.py checks on real comments that skipping never
changes a result.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from re import _constants as C  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any

# Words so frequent that a requirement made of them filters nothing: prefer any other.
_COMMON = frozenset("""
a about after again against all also always am an and another any anyone anything are around
as at back be because been before being believe best better both but by can care come could d
day did didn do does doesn doing don done down each else end enough even ever every fact far
few find first for free from get give go going good got great had has have having he her here
him his hope how i if im in into is isn it its just keep know last left less let life like
little live ll long look lot m made make man many matter may maybe me might more most much
must my need never new no not nothing now of off old on once one only or other others our
out over own part people person point problem put re read real really right s said same say
see she should since so some someone something still stop such support sure t take than that
the their them then there these they thing things think those through time to too two under
up us use ve very want was way we well were what when where which while who why will with
without won work would wrong yes yet you your
""".split())

_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


def _is_word_char(code: int) -> bool:
    """A character ``\\w`` counts as a word character, bar ``_`` and upper-case ASCII: the
    lower-case ASCII letters and digits, and any other script's letters and digits (Arabic,
    Persian, Kurdish and Cyrillic patterns then get required words too)."""
    c = chr(code)
    return c in _WORD_CHARS or (code > 127 and c.isalnum() and not c.isupper())

Item = tuple[Any, Any]
_KEEP = 3  # requirements checked per pattern: the cheapest ones


def parse(pattern: str) -> Any:
    """The pattern's structure as ``re`` parses it, or None when it does not parse (then no
    requirement is proved and it is never skipped). The analyses below take either the pattern
    or this, so that a caller running all three parses once."""
    try:
        return _parser.parse(pattern)
    except Exception:  # noqa: BLE001 - an unparsable pattern is simply never skipped
        return None


def _parsed(pattern: Any) -> Any:
    return parse(pattern) if isinstance(pattern, str) else pattern


def required_words(pattern: Any) -> tuple[frozenset[str], ...] | None:
    """Sets of words such that every match of ``pattern`` contains, whole, a word of EACH set
    (the cheapest few are kept); None if no requirement can be proved."""
    parsed = _parsed(pattern)
    if parsed is None:
        return None
    found = sorted(set(_seq_all(list(parsed), left_ok=False, right_ok=False)), key=_cost)
    return tuple(found[:_KEEP]) or None


def _is_space_repeat(item: Item) -> bool:
    op, av = item
    if op in (C.MAX_REPEAT, C.MIN_REPEAT) and av[0] >= 1:
        inner = list(av[2])
        return len(inner) == 1 and inner[0][0] == C.IN and all(
            x == (C.CATEGORY, C.CATEGORY_SPACE) or x == (C.LITERAL, 32) for x in inner[0][1])
    return False


def _optional(item: Item) -> bool:
    op, av = item
    return op in (C.MAX_REPEAT, C.MIN_REPEAT) and av[0] == 0


def _ends_with_boundary(items: list[Item]) -> bool:
    """Whatever this sequence matches ends at a word boundary (or it is empty)."""
    if not items:
        return False
    last = items[-1]
    if _is_boundary(last):
        return True
    if _optional(last):  # "go\s+(?:and\s+)?": both with and without the optional part
        return _ends_with_boundary(list(last[1][2])) and _ends_with_boundary(items[:-1])
    op, av = last
    if op == C.SUBPATTERN:
        return _ends_with_boundary(list(av[-1]))
    if op == C.BRANCH:
        return all(_ends_with_boundary(list(alt)) for alt in av[1])
    if op in (C.MAX_REPEAT, C.MIN_REPEAT) and av[0] >= 1:
        return _ends_with_boundary(list(av[2]))
    return False


def _starts_with_boundary(items: list[Item]) -> bool:
    if not items:
        return False
    first = items[0]
    if _is_boundary(first):
        return True
    if _optional(first):
        return _starts_with_boundary(list(first[1][2])) and _starts_with_boundary(items[1:])
    op, av = first
    if op == C.SUBPATTERN:
        return _starts_with_boundary(list(av[-1]))
    if op == C.BRANCH:
        return all(_starts_with_boundary(list(alt)) for alt in av[1])
    if op in (C.MAX_REPEAT, C.MIN_REPEAT) and av[0] >= 1:
        return _starts_with_boundary(list(av[2]))
    return False


def _is_boundary(item: Item) -> bool:
    op, av = item
    if op == C.AT and av in (C.AT_BOUNDARY, C.AT_BEGINNING, C.AT_BEGINNING_STRING,
                             C.AT_END, C.AT_END_STRING):
        return True
    if op == C.LITERAL and av in (32, ord("|")):
        return True
    return _is_space_repeat(item)


def _boundary_before(seq: list[Item], i: int, left_ok: bool) -> bool:
    """Is there surely a word boundary just before item i? Optional items are looked through:
    then both "the optional part ends at a boundary" and "a boundary before it" must hold."""
    if i == 0:
        return left_ok
    prev = seq[i - 1]
    if _optional(prev):
        return _ends_with_boundary(list(prev[1][2])) and _boundary_before(seq, i - 1, left_ok)
    return _ends_with_boundary([prev])


def _boundary_after(seq: list[Item], i: int, right_ok: bool) -> bool:
    if i + 1 >= len(seq):
        return right_ok
    nxt = seq[i + 1]
    if _optional(nxt):
        return _starts_with_boundary(list(nxt[1][2])) and _boundary_after(seq, i + 1, right_ok)
    return _starts_with_boundary([nxt])


def _push_prefix(seq: list[Item], i: int, j: int) -> list[Item] | None:
    """``re`` factors a shared prefix out of alternatives (``s(?:hut|tfu)``): put it back, so
    that whole words can be read from each alternative."""
    if j < len(seq) and seq[j][0] == C.BRANCH:
        prefix = seq[i:j]
        alternatives = [prefix + list(alt) for alt in seq[j][1][1]]
        return seq[:i] + [(C.BRANCH, (None, alternatives))] + seq[j + 1:]
    return None


def _seq(seq: list[Item], left_ok: bool, right_ok: bool) -> frozenset[str] | None:
    """The single cheapest requirement of a sequence (used inside alternatives)."""
    candidates = _seq_all(seq, left_ok, right_ok)
    return min(candidates, key=_cost) if candidates else None


def _seq_all(seq: list[Item], left_ok: bool, right_ok: bool) -> list[frozenset[str]]:
    """Every requirement found in a sequence: each one holds for every match."""
    candidates: list[frozenset[str]] = []
    i = 0
    while i < len(seq):
        op, av = seq[i]
        if op == C.LITERAL and _is_word_char(av):
            j = i
            while j < len(seq) and seq[j][0] == C.LITERAL and _is_word_char(seq[j][1]):
                j += 1
            pushed = _push_prefix(seq, i, j)
            if pushed is not None:
                seq = pushed
                continue
            word = "".join(chr(seq[k][1]) for k in range(i, j))
            if _boundary_before(seq, i, left_ok) and _boundary_after(seq, j - 1, right_ok):
                candidates.append(frozenset([word]))
            i = j
            continue
        lo = _boundary_before(seq, i, left_ok)
        ro = _boundary_after(seq, i, right_ok)
        if op == C.BRANCH:
            found = _branch(av[1], lo, ro)
            if found is not None:
                candidates.append(found)
        elif op == C.SUBPATTERN:
            candidates.extend(_seq_all(list(av[-1]), lo, ro))
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT) and av[0] >= 1:
            inner = list(av[2])
            inner_right = ro if av[1] == 1 else _ends_with_boundary(inner)
            inner_left = lo if av[1] == 1 else (lo and _starts_with_boundary(inner))
            candidates.extend(_seq_all(inner, inner_left, inner_right))
        i += 1
    return candidates


def _branch(alternatives: list[Any], left_ok: bool, right_ok: bool) -> frozenset[str] | None:
    words: set[str] = set()
    for alt in alternatives:
        req = _seq(list(alt), left_ok, right_ok)
        if req is None:
            return None
        words |= req
    return frozenset(words)


# The most frequent of the everyday words: in most comments of any length.
_VERY_COMMON = frozenset("""
a and are be for i in is it of that the to we you
""".split())


def _cost(words: frozenset[str]) -> tuple[float, int]:
    """Prefer the requirement least likely to be met by an ordinary comment: roughly, the chance
    that a comment holds one of its words (a very common word 0.9, another everyday word 0.3,
    any other word 0.02)."""
    miss = 1.0
    for w in words:
        miss *= 0.1 if w in _VERY_COMMON else 0.7 if w in _COMMON else 0.98
    return (1.0 - miss, len(words))


_MAX_ALTERNATIVES = 256
# Inline flags apply to the whole pattern and backreferences count groups: leave those whole.
_UNSPLITTABLE = re.compile(r"^\(\?[aiLmsux]+\)|\\[1-9]|\(\?P=")


def split_alternatives(pattern: str) -> list[str]:
    """Patterns that together match where ``pattern`` matches: its top-level alternatives, and
    the alternatives of a group that spans all of it (``\\b(?:a|b)\\b`` -> ``\\b(?:a)\\b``,
    ``\\b(?:b)\\b``). Each alternative has its own, stronger required words ("work from home"
    needs all three), so a comment wakes far fewer of them than of the whole alternation. Only
    for asking "does anything match?": match spans may differ from the whole pattern's."""
    if _UNSPLITTABLE.search(pattern):
        return [pattern]
    parts = _top_level_split(pattern)
    if len(parts) > 1:
        out = [alt for part in parts for alt in split_alternatives(part)]
        return out if len(out) <= _MAX_ALTERNATIVES else parts
    group = _spanning_group(pattern)
    if group is None:
        return [pattern]
    prefix, inner, suffix = group
    inner_parts = split_alternatives(inner)
    if len(inner_parts) == 1:
        return [pattern]
    return [f"{prefix}(?:{alt}){suffix}" for alt in inner_parts]


def _structure(pattern: str, start: int = 0) -> Iterator[tuple[int, str, int]]:
    """(index, character, group depth before it) for each character of the pattern outside
    escapes and character classes."""
    depth = 0
    i = start
    in_class = False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            if ch == "]":
                in_class = False
        elif ch == "[":
            in_class = True
            if pattern[i + 1:i + 2] == "]":  # "[]...]": a literal "]" first
                i += 1
        else:
            yield i, ch, depth
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
        i += 1


def _top_level_split(pattern: str) -> list[str]:
    """Split at ``|`` outside groups and character classes."""
    parts: list[str] = []
    start = 0
    for i, ch, depth in _structure(pattern):
        if ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
    parts.append(pattern[start:])
    return parts


_ANCHORS = ("", r"\b", "^", r"(?:^|\|\s+)")


def _spanning_group(pattern: str) -> tuple[str, str, str] | None:
    """``prefix(?:inner)suffix`` where the prefix and suffix are only word boundaries or
    anchors (so the group is not quantified either); None otherwise."""
    for prefix in sorted(_ANCHORS, key=len, reverse=True):
        if not pattern.startswith(prefix + "(?:"):
            continue
        open_at = len(prefix)
        close_at = _matching_paren(pattern, open_at)
        if close_at is None:
            return None
        suffix = pattern[close_at + 1:]
        if suffix not in ("", r"\b"):
            return None
        return prefix, pattern[open_at + 3:close_at], suffix
    return None


def _matching_paren(pattern: str, open_at: int) -> int | None:
    for i, ch, depth in _structure(pattern, open_at):
        if ch == ")" and depth == 1:
            return i
    return None


def required_literal(pattern: Any) -> str | None:
    """The longest run of literal characters that every match of ``pattern`` contains (3 or more
    characters), or None. A C-level substring test then skips the regex in most comments even
    where no whole word can be required ("my youtube" also matches "my youtubers")."""
    parsed = _parsed(pattern)
    if parsed is None or parsed.state.flags & re.IGNORECASE:
        return None
    best = ""
    for run in _literal_runs(list(parsed)):
        if len(run) > len(best):
            best = run
    return best if len(best) >= 3 else None


def _literal_runs(seq: list[Item]) -> list[str]:
    """Literal runs in a sequence every match goes through (groups without alternatives and
    repeats of at least one are looked into; a run ends at anything else)."""
    runs: list[str] = []
    current: list[str] = []
    for op, av in seq:
        if op == C.LITERAL:
            current.append(chr(av))
            continue
        if current:
            runs.append("".join(current))
            current = []
        if op == C.SUBPATTERN:
            runs.extend(_literal_runs(list(av[-1])))
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT) and av[0] >= 1:
            runs.extend(_literal_runs(list(av[2])))
    if current:
        runs.append("".join(current))
    return runs


def sentence_bound(pattern: Any) -> bool:
    """True when every match of ``pattern`` lies within one sentence of the phrase stream: no
    item can match the stream's sentence mark ``|`` (except a ``\\|`` that opens an alternative
    of the pattern's first group, which is then the match's first character) and nothing is
    anchored at the end. Such a pattern can be run on the sentences that hold its required
    words instead of the whole comment, with the same result."""
    parsed = _parsed(pattern)
    if parsed is None:
        return False
    items = list(parsed)
    if not items:
        return False
    first, rest = items[0], items[1:]
    if first[0] == C.SUBPATTERN:  # a capturing group or one with flags
        inner = list(first[1][-1])
        first = inner[0] if len(inner) == 1 else (C.SUBPATTERN, (None, 0, 0, inner))
    if first[0] in (C.BRANCH, C.SUBPATTERN):
        alternatives = ([list(a) for a in first[1][1]] if first[0] == C.BRANCH
                        else [list(first[1][-1])])
        for alt in alternatives:
            if alt and alt[0] == (C.LITERAL, _BAR):
                alt = alt[1:]
            if not _bar_free(alt):
                return False
    elif not _bar_free([first]):
        return False
    return _bar_free(rest)


_BAR = ord("|")
_NOT_BAR_CATEGORIES = {C.CATEGORY_WORD, C.CATEGORY_SPACE, C.CATEGORY_DIGIT}


def _bar_free(seq: list[Item]) -> bool:
    """No item of the sequence can match "|", and none anchors at the end."""
    for op, av in seq:
        if op == C.LITERAL:
            if av == _BAR:
                return False
        elif op in (C.ANY, C.NOT_LITERAL):
            return False
        elif op == C.AT:
            if av in (C.AT_END, C.AT_END_STRING):
                return False
        elif op == C.IN:
            if not _class_excludes_bar(av):
                return False
        elif op == C.BRANCH:
            if not all(_bar_free(list(alt)) for alt in av[1]):
                return False
        elif op == C.SUBPATTERN:
            if not _bar_free(list(av[-1])):
                return False
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            if not _bar_free(list(av[2])):
                return False
        elif op in (C.ASSERT, C.ASSERT_NOT):
            if not _bar_free(list(av[1])):
                return False
        elif op == C.ATOMIC_GROUP:
            if not _bar_free(list(av)):
                return False
        elif op == C.CATEGORY:
            if av not in _NOT_BAR_CATEGORIES:
                return False
        else:  # GROUPREF and anything not known: be safe
            return False
    return True


def _class_excludes_bar(items: list[Item]) -> bool:
    for op, av in items:
        if op == C.NEGATE:
            return False
        if op == C.LITERAL and av == _BAR:
            return False
        if op == C.RANGE and av[0] <= _BAR <= av[1]:
            return False
        if op == C.CATEGORY and av not in _NOT_BAR_CATEGORIES:
            return False
    return True
