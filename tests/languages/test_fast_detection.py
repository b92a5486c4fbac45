"""Language detection's C loops give the Python loops' results, and a tie between two languages
is settled the same way in every process.

Why: every English comment goes through detection, so its per-comment work is in C
(moderation/rules/native/_plainscan.c: function_words, script_counts); the pure-Python versions
stay for installs without a C compiler, and must not decide differently.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from moderation.languages import detect as d
from tests.engine.conftest import real_comments  # noqa: F401  (the fixture)

ROOT = Path(__file__).resolve().parents[2]

# Written for this test: word edges, case, digits, long words sharing a function word's start.
TRICKY = [
    "", " ", "THE The the tHe", "thesaurus theme thereby", "the123and 3ala 7abibi y2k 5th",
    "sh1t a2b 2ab ab2 x 2 y", "supercalifragilistic is", "don't you're it's", "i",
    "Ev gotareke pir bas e", "ben bi cay istiyorum", "wallah ya habibi enta 3ayez eh",
    "Привет мир", "مرحبا hello there", "Ünïcödé ÀÿĀɏ ×÷ ﹰﻼ ﭐ", "Ελληνικά and English",
]


def _repo_texts() -> list[str]:
    texts: list[str] = []
    paths = [ROOT / "tests/functional/cases.csv", *sorted((ROOT / "tests/languages").glob("*.csv")),
             *sorted((ROOT / "tests/languages/fresh").glob("*.csv"))]
    for path in paths:
        with open(path, encoding="utf-8", newline="") as f:
            texts += [row["text"] for row in csv.DictReader(f)]
    return texts + TRICKY


def _require_c() -> None:
    if d._function_words is d._function_words_python:
        if os.environ.get("MODERATION_REQUIRE_C_SPEEDUP"):
            pytest.fail("the C speed-up is not built (MODERATION_REQUIRE_C_SPEEDUP is set)")
        pytest.skip("the C speed-up is not built here (no C compiler at install)")


def _differences(texts: list[str]) -> list[str]:
    different = []
    for text in texts:
        if text.isascii():
            low = text.lower()
            if d._function_words_c(low) != d._function_words_python(low):
                different.append(f"function words: {text[:80]!r}")
        if d._plainscan.script_counts(text) != d._script_counts_python(text):
            different.append(f"script counts: {text[:80]!r}")
    return different


def test_c_loops_give_the_python_loops_results_on_the_suites() -> None:
    _require_c()
    texts = _repo_texts()
    assert len(texts) > 3000
    assert _differences(texts) == []


def test_c_loops_give_the_python_loops_results_on_real_comments(
        real_comments: list[str]) -> None:  # noqa: F811
    _require_c()
    assert _differences(real_comments[::3]) == []


def test_arabizi_precheck_never_hides_a_match() -> None:
    """The C loop's flag says where _ARABIZI_DIGIT may match; a match where it says no would
    lose the Arabizi evidence."""
    for text in _repo_texts():
        if text.isascii() and d._ARABIZI_DIGIT.search(text.lower()):
            assert d._function_words(text.lower())[1], text


def test_a_tie_goes_to_the_language_listed_first_in_every_process() -> None:
    """'sen' (Turkish) and 'bi' (Kurmanji) plus one 'ç' (both) is a tie: before, the winner was
    whichever word a set happened to iterate first, which changes with the hash seed."""
    code = ("from moderation.languages.detect import detect; "
            "print(detect('Ben bi çay istiyorum').languages)")
    seen = set()
    for seed in range(6):
        env = {**os.environ, "PYTHONHASHSEED": str(seed), "PYTHONPATH": str(ROOT)}
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                             text=True, check=True).stdout.strip()
        seen.add(out)
    assert seen == {"['tr']"}


def test_one_sentence_languages_are_the_sentence_s() -> None:
    detection = d.detect("The council voted again and nobody explained why.")
    assert len(detection.sentences) == 1
    assert detection.languages == ["en"]


def test_detection_without_the_c_loops_is_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole detection (sentences, languages, candidates) with the Python loops an install
    without a C compiler runs."""
    _require_c()
    texts = _repo_texts()
    with_c = [d._detect(t) for t in texts]
    monkeypatch.setattr(d, "_function_words", d._function_words_python)
    monkeypatch.setattr(d, "_script_counts", d._script_counts_python)
    without = [d._detect(t) for t in texts]
    assert [t for t, a, b in zip(texts, with_c, without, strict=True) if a != b] == []
