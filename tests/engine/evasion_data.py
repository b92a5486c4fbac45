"""Disguised copies of comments the rules reject: the generator and the readers of the case files,
shared by tests/engine/test_evasion.py and benchmarks/evasion_cases.py (which prints how many of
them the rules still reject).

Issue 12 item 3: a disguise (letters spaced out, dropped or swapped letters, missing spaces,
leetspeak, look-alike letters, zero-width characters, fullwidth letters, dots or dashes between
letters, stretched letters, mixed case) must never make a caught comment pass.

    python benchmarks/evasion_cases.py --write   # (re)generate tests/engine/data/evasion_cases.tsv
    python benchmarks/evasion_cases.py           # rejected share per half and disguise kind
    python benchmarks/evasion_cases.py --tune --misses   # the tuning half only, and its misses

The base comments and the word each disguises are in tests/engine/data/evasion_base.tsv, with a
few disguised by hand; every base comment is disguised once per kind, the tuning half ("tune")
with one variant of each kind and the held-out half ("held") with another (the mix differs:
double spaces or two words spaced as one run, dashes/underscores/asterisks instead of dots,
partial leetspeak with symbols, Greek as well as Cyrillic look-alikes, other invisible
characters, the whole comment in fullwidth, several letters stretched, random case). Generation
is deterministic (seeded per comment). Clean look-alikes that must stay approved:
tests/engine/data/evasion_clean.tsv. ``--misses`` never prints the held-out half's cases.
"""

from __future__ import annotations

import random
import re

from tests.engine.case_files import DATA, case_rows

KINDS = ("spaced", "separators", "drop", "swap", "glue", "leet", "homoglyph", "zerowidth",
         "fullwidth", "repeat", "mixed", "combo")

_LEET_FULL = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7"}
_LEET_SOME = {"a": "@", "e": "3", "i": "!", "o": "0", "s": "$", "l": "1", "t": "+"}
_CYRILLIC = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "i": "і"}
_GREEK = {"o": "ο", "a": "α", "i": "ι", "k": "κ", "t": "τ", "u": "υ", "v": "ν", "n": "η"}
_INVISIBLE_HELD = ("\u200d", "\u2060", "\u00ad", "\ufeff", "\u200c")


def _fullwidth(s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else ("\u3000" if c == " " else c)
                   for c in s)


def _sub_some(word: str, table: dict[str, str], rng: random.Random, share: float) -> str:
    idx = [i for i, c in enumerate(word) if c.lower() in table]
    if not idx:
        return word
    pick = set(rng.sample(idx, max(1, round(len(idx) * share))))
    return "".join(table[c.lower()] if i in pick else c for i, c in enumerate(word))


def disguise(text: str, word: str, kind: str, half: str, rng: random.Random) -> str | None:
    """``text`` with its first whole-word ``word`` disguised as ``kind`` (None: not possible)."""
    m = re.search(rf"(?i)\b{re.escape(word)}\b", text)
    if m is None:
        return None
    a, b = m.span()
    w = text[a:b]
    held = half == "held"
    n = len(w)
    if kind == "spaced":
        if held and rng.random() < 0.5:  # the next word too, as one run of letters
            nxt = re.match(r" (\w+)", text[b:])
            if nxt:
                b += nxt.end()
                return text[:a] + " ".join(text[a:b].replace(" ", "")) + text[b:]
        return text[:a] + ("  " if held else " ").join(w) + text[b:]
    if kind == "separators":
        sep = rng.choice("-_*") if held else "."
        return text[:a] + sep.join(w) + text[b:]
    if kind == "drop":
        if n < 4:
            return None
        i = rng.randrange(1, n - 1)
        return text[:a] + w[:i] + w[i + 1:] + text[b:]
    if kind == "swap":
        choices = [i for i in range(1, n - 1) if w[i] != w[i + 1]]
        if not choices:
            return None
        i = rng.choice(choices)
        return text[:a] + w[:i] + w[i + 1] + w[i] + w[i + 2:] + text[b:]
    if kind == "glue":
        after = re.match(r" (\w+)", text[b:])
        before = re.search(r"(\w+) $", text[:a])
        if held and after:
            return text[:b] + text[b + 1:]
        if before:
            return text[:a - 1] + text[a:]
        if after:
            return text[:b] + text[b + 1:]
        return None
    if kind == "leet":
        if held:
            return text[:a] + _sub_some(w, _LEET_SOME, rng, 0.5) + text[b:]
        return text[:a] + "".join(_LEET_FULL.get(c.lower(), c) for c in w) + text[b:]
    if kind == "homoglyph":
        table = {**_CYRILLIC, **_GREEK} if held else _CYRILLIC
        out = _sub_some(w, table, rng, 0.5 if held else 0.3)
        return None if out == w else text[:a] + out + text[b:]
    if kind == "zerowidth":
        if held:
            i = rng.randrange(1, n)
            j = rng.randrange(1, n)
            ch = rng.choice(_INVISIBLE_HELD)
            out = "".join(c + (ch if k + 1 in (i, j) else "") for k, c in enumerate(w[:-1])) + w[-1]
            return text[:a] + out + text[b:]
        return text[:a] + "\u200b".join(w) + text[b:]
    if kind == "fullwidth":
        return _fullwidth(text) if held else text[:a] + _fullwidth(w) + text[b:]
    if kind == "repeat":
        if held:
            picks = sorted(rng.sample(range(n), min(2, n)))
            out = "".join(c * (rng.choice((2, 3, 4)) if k in picks else 1) for k, c in enumerate(w))
            return text[:a] + out + text[b:]
        vowels = [k for k, c in enumerate(w) if c.lower() in "aeiou"] or [n - 1]
        k = rng.choice(vowels)
        return text[:a] + w[:k] + w[k] * 4 + w[k + 1:] + text[b:]
    if kind == "mixed":
        if held:
            out = "".join(c.upper() if rng.random() < 0.5 else c.lower() for c in w)
        else:
            out = "".join(c.upper() if k % 2 == 0 else c.lower() for k, c in enumerate(w))
        return text[:a] + out + text[b:]
    if kind == "combo":
        if held:  # look-alikes plus an invisible character, or leetspeak plus dots
            if rng.random() < 0.5:
                out = _sub_some(w, _CYRILLIC, rng, 0.5)
                i = rng.randrange(1, n)
                return text[:a] + out[:i] + "\u200b" + out[i:] + text[b:]
            return text[:a] + ".".join(_sub_some(w, _LEET_SOME, rng, 0.5)) + text[b:]
        return text[:a] + " ".join(_LEET_FULL.get(c.lower(), c) for c in w) + text[b:]
    raise ValueError(kind)


def generate() -> list[tuple[str, str, str, str]]:
    """(half, kind, word, text) for every disguised case, hand-made ones included."""
    out = []
    for half, word, text in case_rows(DATA / "evasion_base.tsv", 3):
        if word.startswith("hand:"):
            out.append((half, word, "-", text))
            continue
        for kind in KINDS:
            rng = random.Random(f"{half}|{kind}|{text}")
            d = disguise(text, word, kind, half, rng)
            if d is not None and d != text:
                out.append((half, kind, word, d))
    return out


def cases() -> list[tuple[str, str, str, str]]:
    """The written cases file: (half, kind, word, text)."""
    return [(r[0], r[1], r[2], r[3].replace("\\n", "\n"))
            for r in case_rows(DATA / "evasion_cases.tsv", 4)]


def clean() -> list[tuple[str, str]]:
    return [(r[0], r[1].replace("\\n", "\n")) for r in case_rows(DATA / "evasion_clean.tsv", 2)]
