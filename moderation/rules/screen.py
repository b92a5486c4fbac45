"""A quick proof that a plain comment cannot match any word list or phrase pattern.

Most comments are plain ASCII prose with no disguised words, and none of their words is in a
list. For those, building tokens and the phrase stream (the tokenizer's per-word Python work) is
wasted: this screen looks at the folded text with a few C-level regular expression and set
operations instead. It is conservative: it computes a SUPERSET of the words the full tokenizer
would look up and of the words the phrase stream would hold, and says "clear" only when none of
them can fire. Anything unusual (non-ASCII, stretched letters, wildcards, letters spaced out)
sends the comment down the full path. tests/engine/test_screen.py checks on real comments that
the screen never changes a result.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from moderation.normalize import LEET, REPEAT3, WILDCARDS

_LEET_TABLE = str.maketrans(LEET)
_LEET_ALT_TABLE = str.maketrans({**LEET, "1": "l", "|": "i", "!": "l"})
_WILD = "".join(sorted(WILDCARDS))
# Signs that need the full tokenizer: stretched letters, wildcards inside a word, and three
# single characters in a row (letters spaced out: "f u c k", "k i l l").
_SLOW_SIGNS = re.compile(
    r"([a-z])\1\1"
    rf"|[a-z][{_WILD}]|[{_WILD}][a-z]"
    r"|(?<![a-z0-9])[a-z0-9](?![a-z0-9])(?:[^a-z0-9]+(?<![a-z0-9])[a-z0-9](?![a-z0-9])){2}"
)
_ALPHA_RUN = re.compile(r"[a-z]+")
_NON_ALPHA = re.compile(r"[^a-z]+")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def words_if_plain(folded: str, is_ascii: bool) -> tuple[set[str], set[str]] | None:
    """(lookup candidates, phrase words) for a plain comment, or None when it is not plain.

    Lookup candidates: every letter run and, per whitespace token, all its letters joined
    (what the tokenizer's pieces and joined forms can be), under both leetspeak readings.
    Phrase words: the same, plus digit runs, after the stream's squashing of long repeats.
    """
    if not is_ascii:
        return None
    readings = {folded, folded.translate(_LEET_TABLE), folded.translate(_LEET_ALT_TABLE)}
    for text in readings:
        if _SLOW_SIGNS.search(text):
            return None
    lookups: set[str] = set()
    phrase: set[str] = set()
    for text in readings:
        lookups.update(_ALPHA_RUN.findall(text))
        lookups.update(_NON_ALPHA.sub("", tok) for tok in text.split() if not tok.isalpha())
        squashed = REPEAT3.sub(r"\1", text)
        phrase.update(_NON_ALPHA.split(squashed))
        phrase.update(_NON_ALNUM.split(squashed))
    phrase |= lookups
    return lookups, phrase


def any_stem_in(folded: str, stems: Iterable[str]) -> bool:
    readings = (folded, folded.translate(_LEET_TABLE), folded.translate(_LEET_ALT_TABLE))
    return any(stem in text for stem in stems for text in readings)
