"""Expand the functional test suite's templates (tests/functional/templates.yaml) into cases.

The templates are data written from the posted guidelines, not from the rules, so the suite is a
yardstick the rules are measured against. Expansion is deterministic (no randomness: sampling
keeps the cases whose text hashes lowest), so the committed cases.csv can be checked against it:

    python -m moderation.evaluation.functional            # rewrite tests/functional/cases.csv
    python -m moderation.evaluation.functional --check    # exit 1 if the CSV is stale
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import itertools
import re
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "tests" / "functional" / "templates.yaml"
CASES = ROOT / "tests" / "functional" / "cases.csv"

EXPECTED = ("reject", "approve", "review_ok")
COLUMNS = ("id", "function", "category", "expected", "target_group", "evasion", "contrasts",
           "text")

_SLOT = re.compile(r"\{(@?)([A-Za-z_]+)\}")
_MARK = re.compile(r"\[([^\]]+)\]")

# ---------------------------------------------------------------- evasions (one word at a time)

_LEET = str.maketrans({"a": "@", "e": "3", "i": "1", "o": "0", "s": "5",
                       "A": "4", "E": "3", "I": "1", "O": "0", "S": "5"})
_CYRILLIC = str.maketrans({"a": "а", "e": "е", "o": "о", "c": "с", "p": "р", "x": "х",
                           "i": "і", "y": "у", "A": "А", "B": "В", "C": "С", "E": "Е",
                           "H": "Н", "K": "К", "M": "М", "O": "О", "P": "Р", "T": "Т",
                           "X": "Х"})
_VOWELS = "aeiouAEIOU"


def _interior_vowel(word: str) -> int | None:
    return next((i for i in range(1, len(word) - 1) if word[i] in _VOWELS), None)


def _dropped_vowel(word: str) -> str:
    i = _interior_vowel(word)
    return word if i is None else word[:i] + word[i + 1:]


def _swapped(word: str) -> str:
    return word[0] + word[2] + word[1] + word[3:] if len(word) >= 4 else word


def _stretched(word: str) -> str:
    i = _interior_vowel(word)
    return word if i is None else word[:i] + word[i] * 4 + word[i + 1:]


def _fullwidth(word: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in word)


#: name -> how a disguised word is written ("joined" also removes a neighbouring space).
EVASIONS: dict[str, Callable[[str], str]] = {
    "spaced": lambda w: " ".join(w),
    "dotted": lambda w: ".".join(w),
    "dropped_vowel": _dropped_vowel,
    "swapped": _swapped,
    "leet": lambda w: w.translate(_LEET),
    "cyrillic": lambda w: w.translate(_CYRILLIC),
    "zero_width": lambda w: "\u200b".join(w),
    "fullwidth": _fullwidth,
    "joined": lambda w: w,
    "stretched": _stretched,
}


def apply_evasion(text: str, evasion: str) -> str:
    """Disguise every [marked] word of ``text``; "" drops the brackets (plain case)."""
    if not evasion:
        return _MARK.sub(r"\1", text)
    out = _MARK.sub(lambda m: EVASIONS[evasion](m.group(1)), text)
    if evasion == "joined":  # the marked word runs into its neighbour: "killyou", "behanged"
        m = _MARK.search(text)
        assert m is not None
        before, word, after = text[: m.start()], m.group(1), text[m.end():]
        if after.startswith(" "):
            out = before + word + after[1:]
        else:
            out = before.rstrip(" ") + word + after
    return out


# ---------------------------------------------------------------- expansion


@dataclass(frozen=True)
class Case:
    id: str
    function: str
    category: str
    expected: str
    target_group: str
    evasion: str
    contrasts: str
    text: str

    def row(self) -> dict[str, str]:
        return {c: getattr(self, c) for c in COLUMNS}


def _a(noun: str) -> str:
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _records(spec: Mapping[str, Any], block: Mapping[str, Any]) -> list[dict[str, str]]:
    """What fills a block's slots: one record per group, slur, target, or one empty record."""
    over = block.get("over", "none")
    groups = spec["groups"]
    kinds = block.get("kinds")
    if kinds:
        groups = [g for g in groups if g["kind"] in kinds]
    if over == "groups":
        recs = [dict(g, a_sg=_a(g["sg"]), target=g["id"]) for g in groups]
    elif over == "evasion_groups":  # one-word group names, so a disguise covers the whole name
        recs = [dict(g, a_sg=_a(g["sg"]), target=g["id"]) for g in groups if " " not in g["pl"]]
    elif over == "slurs":
        by_id = {g["id"]: g for g in groups}
        recs = [dict(by_id[gid], slur=s, target=gid)
                for gid, slurs in spec["slurs"].items() if gid in by_id for s in slurs]
    elif over == "targets":
        recs = [dict(t, target=t["kind"]) for t in spec["targets"]]
    elif over == "none":
        recs = [{"target": block.get("target", "none")}]
    else:
        raise ValueError(f"unknown block 'over': {over!r}")
    return recs


def _fill(template: str, rec: Mapping[str, str], lists: Mapping[str, Sequence[str]]
          ) -> Iterator[str]:
    """Every text a template yields for one record: {field}, {Field}, and {@list} crossed."""
    list_names = [n for at, n in _SLOT.findall(template) if at]
    for combo in itertools.product(*(lists[n] for n in list_names)):
        chosen = dict(zip(list_names, combo, strict=True))

        def sub(m: re.Match[str], chosen: dict[str, str] = chosen) -> str:
            at, name = m.groups()
            if at:
                return chosen[name]
            value = rec.get(name.lower())
            if value is None:
                raise KeyError(f"slot {{{name}}} not available in {template!r}")
            return _cap(value) if name[0].isupper() else value

        yield _SLOT.sub(sub, template)


def _key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def expand_function(spec: Mapping[str, Any], fn: Mapping[str, Any]) -> list[Case]:
    """All cases of one function (sampled to ``max`` by text hash, then in generation order)."""
    expected = fn["expected"]
    if expected not in EXPECTED:
        raise ValueError(f"{fn['id']}: expected must be one of {EXPECTED}")
    out: list[Case] = []
    seen: set[str] = set()
    for block in fn["blocks"]:
        evasions = block.get("evasions") or [""]
        for rec in _records(spec, block):
            category = rec.get("category", "none") if fn["category"] == "group" else fn["category"]
            for template in block.get("templates") or block.get("texts") or []:
                for filled in _fill(template, rec, spec.get("lists", {})):
                    for ev in evasions:
                        if ev and not _MARK.search(filled):
                            continue
                        text = apply_evasion(filled, ev)
                        if text in seen or (ev and text == apply_evasion(filled, "")):
                            continue  # duplicates, and disguises that change nothing
                        seen.add(text)
                        out.append(Case(
                            id=f"{fn['id']}-{_key(fn['id'] + text)[:8]}", function=fn["id"],
                            category=category, expected=expected, target_group=rec["target"],
                            evasion=ev or "none", contrasts=fn.get("contrasts", ""), text=text))
    limit = fn.get("max")
    if limit and len(out) > limit:
        keep = {c.id for c in sorted(out, key=lambda c: _key(c.text))[:limit]}
        out = [c for c in out if c.id in keep]
    return out


def load_spec(path: Path = TEMPLATES) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def generate(path: Path = TEMPLATES) -> list[Case]:
    """Every case of the suite, function by function, as the YAML lists them."""
    spec = load_spec(path)
    unknown = set(spec.get("evasions", [])) - set(EVASIONS)
    if unknown:
        raise ValueError(f"unknown evasions in {path}: {sorted(unknown)}")
    cases: list[Case] = []
    seen: dict[str, str] = {}
    for fn in spec["functions"]:
        for c in expand_function(spec, fn):
            if c.text in seen:  # the same text in two functions would have two answers
                raise ValueError(f"{c.text!r} is in both {seen[c.text]} and {c.function}")
            seen[c.text] = c.function
            cases.append(c)
    return cases


def to_csv(cases: Sequence[Case]) -> str:
    buf = io.StringIO(newline="")
    w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(c.row() for c in cases)
    return buf.getvalue()


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--templates", type=Path, default=TEMPLATES)
    ap.add_argument("--out", type=Path, default=CASES)
    ap.add_argument("--check", action="store_true", help="exit 1 if --out differs")
    a = ap.parse_args(argv)
    text = to_csv(generate(a.templates))
    if a.check:
        same = a.out.exists() and a.out.read_text(encoding="utf-8") == text
        print(f"{a.out}: {'up to date' if same else 'STALE: regenerate it'}", file=sys.stderr)
        return 0 if same else 1
    a.out.write_text(text, encoding="utf-8")
    n = text.count("\n") - 1
    print(f"{a.out}: {n} cases", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
