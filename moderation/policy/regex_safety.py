"""Catastrophic backtracking guard for policy patterns: a static check plus a measured bound.

Python's ``re`` is a backtracking engine: a pattern such as ``(\\w+\\s?)+`` can take exponential
time on a few dozen characters and, since ``re`` holds the GIL, freeze a worker. Editors write
patterns, so every pattern is checked before a policy can go live:

* **static** (always, cheap): inside a repeated group, an unbounded repeat whose characters can
  also start what follows it (the rest of the group, or the group's next iteration) lets the
  engine split one run of text in exponentially many ways - the classic nested quantifier.
  ``(?:so\\s+|such\\s+)*`` passes (a space can never start the next word); ``(a+)+``,
  ``(\\w+\\s?)+`` and ``(.*x)*`` do not.
* **measured** (``measure``, for validate/apply): the compiled pattern is run on inputs built from
  its own repeats (prefix + pumped repeat + a failing tail) of growing size up to a few KB; the
  growth is gentle (about 12% per step) so a runaway pattern is stopped a step after it crosses
  the budget, and a pattern slower than the budget on any input is refused with the time.
"""

from __future__ import annotations

import os
import re
import re._constants as C  # noqa: N812 - the sre opcodes
import re._parser as P  # noqa: N812
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

#: Characters every char set is evaluated over: ASCII plus a few non-ASCII letters and spaces.
ALPHABET: frozenset[str] = frozenset(
    [chr(i) for i in range(128)] + ["é", "ß", "ı", "\u00a0", "\u2028", "中", "😀"])
_REPEATS = (C.MAX_REPEAT, C.MIN_REPEAT)
#: Per pattern, per probe input: the default limit on one comment's worth of matching.
DEFAULT_BUDGET_MS = float(os.environ.get("MODERATION_POLICY_REGEX_BUDGET_MS", "5"))
#: Largest probe input (characters): a few KB, as a long comment.
DEFAULT_PROBE_CHARS = int(os.environ.get("MODERATION_POLICY_REGEX_PROBE_CHARS", "4000"))

#: Probe shapes tried per pattern (one per repeat, in pattern order, plus three generic ones).
MAX_PROBES = 40
_SPACES = re.compile(r"\s+")

_CATEGORY_RX = {
    C.CATEGORY_DIGIT: r"\d", C.CATEGORY_NOT_DIGIT: r"\D", C.CATEGORY_SPACE: r"\s",
    C.CATEGORY_NOT_SPACE: r"\S", C.CATEGORY_WORD: r"\w", C.CATEGORY_NOT_WORD: r"\W",
    C.CATEGORY_LINEBREAK: r"\n", C.CATEGORY_NOT_LINEBREAK: r"[^\n]",
}


@lru_cache(maxsize=64)
def _category(cat: Any) -> frozenset[str]:
    rx = re.compile(_CATEGORY_RX.get(cat, r"[\s\S]"))
    return frozenset(ch for ch in ALPHABET if rx.fullmatch(ch))


def _charset(op: Any, av: Any) -> frozenset[str]:
    if op is C.LITERAL:
        return frozenset({chr(av)})
    if op is C.NOT_LITERAL:
        return ALPHABET - {chr(av)}
    if op is C.ANY:
        return ALPHABET - {"\n"}
    if op is C.IN:
        negate = False
        out: set[str] = set()
        for iop, iav in av:
            if iop is C.NEGATE:
                negate = True
            elif iop is C.LITERAL:
                out.add(chr(iav))
            elif iop is C.RANGE:
                lo, hi = iav
                out.update(ch for ch in ALPHABET if lo <= ord(ch) <= hi)
                out.update({chr(lo), chr(hi)})
            elif iop is C.CATEGORY:
                out |= _category(iav)
            else:  # charset/bigcharset after optimisation: be conservative
                out |= ALPHABET
        return ALPHABET - out if negate else frozenset(out)
    return frozenset()


def _items(seq: Any) -> list[tuple[Any, Any]]:
    return list(seq.data if isinstance(seq, P.SubPattern) else seq)


def _inner(op: Any, av: Any) -> list[Any]:
    """The sub-sequences of a node (group body, branches, repeat body, lookaround)."""
    if op is C.SUBPATTERN:
        return [av[3]]
    if op is C.ATOMIC_GROUP:
        return [av]
    if op is C.BRANCH:
        return list(av[1])
    if op in _REPEATS or op is C.POSSESSIVE_REPEAT:
        return [av[2]]
    if op in (C.ASSERT, C.ASSERT_NOT):
        return [av[1]]
    if op is C.GROUPREF_EXISTS:
        return [x for x in av[1:] if x is not None]
    return []


def _first_item(op: Any, av: Any) -> tuple[frozenset[str], bool]:
    """(characters the node can start with, can it match the empty string)."""
    if op in (C.LITERAL, C.NOT_LITERAL, C.ANY, C.IN):
        return _charset(op, av), False
    if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
        return frozenset(), True
    if op in (C.SUBPATTERN, C.ATOMIC_GROUP):
        return _first_seq(_inner(op, av)[0])
    if op in (C.BRANCH, C.GROUPREF_EXISTS):
        first: set[str] = set()
        nullable = op is C.GROUPREF_EXISTS and len(_inner(op, av)) < 2
        for branch in _inner(op, av):
            f, n = _first_seq(branch)
            first |= f
            nullable = nullable or n
        return frozenset(first), nullable
    if op in _REPEATS or op is C.POSSESSIVE_REPEAT:
        f, n = _first_seq(av[2])
        return f, n or av[0] == 0
    return ALPHABET, True  # group references: anything


def _first_seq(seq: Any) -> tuple[frozenset[str], bool]:
    first: set[str] = set()
    for op, av in _items(seq):
        f, n = _first_item(op, av)
        first |= f
        if not n:
            return frozenset(first), False
    return frozenset(first), True


def _consumed(seq: Any) -> frozenset[str]:
    """Every character the sequence can consume anywhere."""
    out: set[str] = set()
    for op, av in _items(seq):
        out |= _charset(op, av)
        if op not in (C.ASSERT, C.ASSERT_NOT):
            for inner in _inner(op, av):
                out |= _consumed(inner)
    return frozenset(out)


def _show(chars: frozenset[str]) -> str:
    if ALPHABET - {"\n"} <= chars:
        return "any character"
    if len(chars) <= 6:
        return ", ".join(repr(c) for c in sorted(chars))
    letters = sum(c.isalpha() for c in chars)
    return f"{len(chars)} characters incl. {letters} letters (e.g. " \
        + ", ".join(repr(c) for c in sorted(chars, key=lambda c: (not c.isalpha(), c))[:4]) + ")"


def _sample(seq: Any, depth: int = 0) -> str:
    """A short string the sequence matches (first branch, fewest repeats, a letter if possible)."""
    out: list[str] = []
    for op, av in _items(seq):
        if op in (C.LITERAL, C.NOT_LITERAL, C.ANY, C.IN):
            chars = _charset(op, av)
            pick = next((c for c in "aeiosnt bx1|" if c in chars), None)
            out.append(pick or (min(chars) if chars else ""))
        elif op in (C.SUBPATTERN, C.ATOMIC_GROUP, C.BRANCH, C.GROUPREF_EXISTS):
            inner = _inner(op, av)
            out.append(_sample(inner[0], depth + 1) if inner else "")
        elif op in _REPEATS or op is C.POSSESSIVE_REPEAT:
            out.append(_sample(av[2], depth + 1) * min(max(av[0], 1), 8))
    return "".join(out)


@dataclass(frozen=True)
class StaticProblem:
    outer: str  # sample of the repeated group
    inner: frozenset[str]  # characters the inner repeat consumes
    follow: frozenset[str]  # characters that can follow it

    def describe(self) -> str:
        overlap = self.inner & self.follow
        return (f"nested quantifier: inside a repeated group (e.g. {self.outer!r}) an unbounded "
                f"repeat of [{_show(self.inner)}] can also match what follows it "
                f"([{_show(overlap)}]), so a run of such text splits in exponentially many ways")


def _scan(seq: Any, follow: frozenset[str], outer: str, out: list[StaticProblem]) -> None:
    items = _items(seq)
    for i, (op, av) in enumerate(items):
        rest_first, rest_nullable = _first_seq(items[i + 1:])
        f = rest_first | (follow if rest_nullable else frozenset())
        if op in _REPEATS and av[1] == C.MAXREPEAT:
            inner = _consumed(av[2])
            if inner & f:
                out.append(StaticProblem(outer, inner, f))
                continue
            _scan(av[2], f | _first_seq(av[2])[0], outer, out)
        elif op not in (C.ASSERT, C.ASSERT_NOT, C.POSSESSIVE_REPEAT, C.ATOMIC_GROUP):
            for inner_seq in _inner(op, av):
                _scan(inner_seq, f, outer, out)


def _repeats(seq: Any) -> Iterator[tuple[Any, Any]]:
    for op, av in _items(seq):
        if op in _REPEATS and av[1] > 1:
            yield op, av
        if op not in (C.POSSESSIVE_REPEAT, C.ATOMIC_GROUP):
            for inner in _inner(op, av):
                yield from _repeats(inner)


def static_problems(pattern: str) -> list[str]:
    """Nested-quantifier ambiguities in ``pattern`` (already compiled fine), as sentences."""
    try:
        tree = P.parse(pattern)
    except re.error:
        return []
    found: list[StaticProblem] = []
    for _op, av in _repeats(tree):
        body = av[2]
        _scan(body, _first_seq(body)[0], _sample(body)[:40], found)
    seen: set[str] = set()
    out = []
    for p in found:
        text = p.describe()
        if text not in seen:
            seen.add(text)
            out.append(text)
    return out


# ------------------------------------------------------------------ measured bound

def _probe_parts(seq: Any, prefix: str, out: list[tuple[str, str]]) -> str:
    """Collect (prefix, pump) for every repeat: the text leading to it and one iteration."""
    acc = prefix
    for op, av in _items(seq):
        if op in _REPEATS and av[1] > 1:
            pump = _sample(av[2]) or "a"
            out.append((acc, pump))
            _probe_parts(av[2], acc, out)
        elif op in (C.SUBPATTERN, C.ATOMIC_GROUP, C.BRANCH):
            for inner in _inner(op, av)[:8]:
                _probe_parts(inner, acc, out)
        acc += _sample([(op, av)])
    return acc


def probe_generators(pattern: str) -> list[tuple[str, str, str]]:
    """(prefix, pump, tail) triples: the probe of size k is ``prefix + pump * k + tail``."""
    parts: list[tuple[str, str]] = []
    try:
        _probe_parts(P.parse(pattern), "", parts)
    except re.error:
        return []
    parts = [("", "a"), ("", "a ")] + parts
    triples: list[tuple[str, str, str]] = []
    seen: set[tuple[str, str, str]] = set()
    for prefix, pump in parts:
        key = (_collapse(prefix[-60:]), pump[:60], "!")
        if key not in seen and _collapse(pump).strip():
            seen.add(key)
            triples.append(key)
    return triples[:MAX_PROBES]


def _collapse(text: str) -> str:
    """The phrase stream has exactly one space between words: probes respect that."""
    return _SPACES.sub(" ", text)


@dataclass(frozen=True)
class Measurement:
    worst_ms: float
    chars: int  # size of the probe that took worst_ms
    probe: str  # first characters of that probe

    def describe(self, budget_ms: float) -> str:
        return (f"took {self.worst_ms:.1f} ms on a {self.chars}-character probe "
                f"({self.probe[:30]!r}...), more than the {budget_ms:g} ms allowed per comment")


def _time_once(rx: re.Pattern[str], text: str) -> float:
    t0 = time.perf_counter()
    for _ in rx.finditer(text):
        pass
    return (time.perf_counter() - t0) * 1000


def measure(rx: re.Pattern[str], budget_ms: float = DEFAULT_BUDGET_MS,
            max_chars: int = DEFAULT_PROBE_CHARS) -> tuple[bool, Measurement]:
    """Run ``rx`` on probes grown to ``max_chars``; (within budget, worst measurement).

    A probe over budget is timed four more times and the fastest run counts, so a scheduling hiccup
    on a busy machine does not refuse a sound pattern; growth stops at the first probe over
    budget, so a runaway pattern costs about one budget's worth of extra time.
    """
    worst = Measurement(0.0, 0, "")
    for prefix, pump, tail in probe_generators(rx.pattern):
        k = 1
        while True:
            text = _collapse(prefix + pump * k + tail)
            ms = _time_once(rx, text)
            if ms > budget_ms:
                ms = min([ms] + [_time_once(rx, text) for _ in range(4)])
            if ms > worst.worst_ms:
                worst = Measurement(ms, len(text), text)
            if ms > budget_ms:
                return False, worst
            if len(text) >= max_chars:
                break
            room = max(1, (max_chars - len(prefix) - len(tail)) // len(pump))
            nxt = min(k + max(1, k // 5), room)
            if nxt <= k:
                break
            k = nxt
    return True, worst
