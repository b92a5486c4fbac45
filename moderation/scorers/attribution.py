"""Which words of a comment pushed a linear model's score up: spans of the text as submitted.

Why occlusion rather than reading the weights of the hashed n-grams: the model sees the comment
after ``text_prep.prepare`` (entities decoded, NFKC, lower case, links replaced), so an n-gram's
position in the model's text does not map back to the comment reliably. Leaving each word out of
the ORIGINAL text and scoring again measures exactly what the model does with it, and the span
is a slice of the comment by construction. Every occurrence of a word is left out at once (a
repeated insult counts once, with its full weight), and all variants are scored as one batch, so
explaining a 50-word comment is one feature pass over ~50 short texts.

Function words ("a", "are", "this", "you") are not tried: leaving one out breaks the n-grams
around it and moves the score (measured on the shipped model: "a" in "you are a complete waste of
oxygen" drops the toxicity log-odds by 1.98, more than "waste"), but a moderator learns nothing
from a highlighted "a". The list is English, like the shipped policy.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

_WORD = re.compile(r"\w+")
_FUNCTION_WORDS = frozenset("""
a an the and or but nor if then else of to in on at by for from with as into onto over under
about than so too very is are was were be been being am do does did doing have has had having
i me my mine we us our ours you your yours he him his she her hers it its they them their theirs
this that these those there here what which who whom whose when where why how all any both each
some such own same can will would shall should could may might must just also only again once
s t d ll m re ve not no yes ok oh
""".split())
#: Distinct words tried per comment (the first ones); longer comments are explained in part.
MAX_WORDS = 120
#: A word is shown when leaving it out lowers the log-odds by at least this much...
MIN_DROP = 0.2
#: ...and by at least this share of the strongest word's drop (only the words that matter).
MIN_SHARE = 0.3


@dataclass(frozen=True)
class Contribution:
    """A word occurrence and how much the label's log-odds fall when the word is left out."""

    start: int
    end: int
    text: str
    drop: float


def word_contributions(
    text: str,
    labels: Sequence[int],
    logits: Callable[[list[str]], np.ndarray],
    top: int = 3,
) -> dict[int, list[Contribution]]:
    """label column -> the (at most ``top``) words that raise its score most, as spans of
    ``text``. ``logits`` maps texts to log-odds of shape (len(texts), n_labels)."""
    occurrences: dict[str, list[re.Match[str]]] = {}
    for m in _WORD.finditer(text):
        word = m.group().casefold()
        if word not in _FUNCTION_WORDS and not word.isdigit():
            occurrences.setdefault(word, []).append(m)
    words = list(occurrences)[:MAX_WORDS]
    if not words or not labels:
        return {c: [] for c in labels}
    variants = [text] + [_without(text, occurrences[w]) for w in words]
    z = np.asarray(logits(variants))
    out: dict[int, list[Contribution]] = {}
    for col in labels:
        drops = z[0, col] - z[1:, col]
        order = [i for i in np.argsort(-drops, kind="stable")[:top] if drops[i] >= MIN_DROP]
        best = float(drops[order[0]]) if order else 0.0
        spans = [Contribution(m.start(), m.end(), m.group(), round(float(drops[i]), 3))
                 for i in order if drops[i] >= MIN_SHARE * best
                 for m in occurrences[words[i]]]
        out[col] = sorted(spans, key=lambda c: c.start)
    return out


def _without(text: str, matches: list[re.Match[str]]) -> str:
    """``text`` with these word occurrences replaced by a space (neighbours stay apart)."""
    parts, last = [], 0
    for m in matches:
        parts.append(text[last:m.start()])
        parts.append(" ")
        last = m.end()
    parts.append(text[last:])
    return "".join(parts)
