"""Which words of a comment pushed a linear model's score up: spans of the text as submitted.

The model's log-odds are a sum over n-gram features (value x weight), so each feature's share can
be given back to the characters it was built from: a word n-gram to its word(s), a character
n-gram to the words it overlaps (split evenly, and evenly between repeated occurrences of the
same feature). A word's push is the sum of its shares; the shares plus the n-grams made only of
spaces add up to the score exactly (``word_pushes`` returns both, and a test checks it).

The model sees the comment after ``text_prep.prepare`` (entities decoded, NFKC, lower case, links
replaced), so its words are matched to the comment's in order (``difflib``): a link that became
``xxurl`` leaves its own pieces unmatched, and every other word maps. When fewer than half of
the comment's words match (heavy entity or Unicode rewriting), the words are found by occlusion
instead: each word is left out of the ORIGINAL text and the text scored again (at most
``OCCLUDE_MAX`` words, all variants in one batch).

Function words ("a", "are", "this", "you") are not shown: they carry weight only through the
n-grams around them, and a moderator learns nothing from a highlighted "a". The list is English,
like the shipped policy.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from moderation.scorers.featurize import HashedTfidf, ngram_positions

_WORD = re.compile(r"\w+")
_FUNCTION_WORDS = frozenset("""
a an the and or but nor if then else of to in on at by for from with as into onto over under
about than so too very is are was were be been being am do does did doing have has had having
i me my mine we us our ours you your yours he him his she her hers it its they them their theirs
this that these those there here what which who whom whose when where why how all any both each
some such own same can will would shall should could may might must just also only again once
s t d ll m re ve not no yes ok oh
""".split())
#: Words left out one at a time when offsets do not map (the first ones of a long comment).
OCCLUDE_MAX = 30
#: A word is shown when it adds at least this much to the label's log-odds...
MIN_PUSH = 0.2
#: ...and at least this share of the strongest word's push (only the words that matter).
MIN_SHARE = 0.3


@dataclass(frozen=True)
class Contribution:
    """A word occurrence and how much its word adds to the label's log-odds."""

    start: int
    end: int
    text: str
    push: float


def word_pushes(prepared: str, features: HashedTfidf, weights: np.ndarray,
                label_cols: Sequence[int] | None = None
                ) -> tuple[list[re.Match[str]], np.ndarray, np.ndarray]:
    """(words of ``prepared``, push of each word per label (n_words x n_labels), the part of the
    sum no word owns (n-grams of spaces only)). ``weights`` is (n_features, all labels);
    ``label_cols`` picks the labels (default: all)."""
    label_cols = list(range(weights.shape[1])) if label_cols is None else list(label_cols)
    buckets, starts, ends, words = ngram_positions(prepared, features.cfg)
    cols = features.columns(buckets)
    keep = cols >= 0
    cols, starts, ends = cols[keep], starts[keep], ends[keep]
    n_cols = len(label_cols)
    push = np.zeros((len(words), n_cols))
    if not len(cols):
        return words, push, np.zeros(n_cols)
    x = features.transform([prepared])  # one row; its columns are sorted and include every col
    uniq, inv, counts = np.unique(cols, return_inverse=True, return_counts=True)
    values = x.data[np.searchsorted(x.indices, uniq)]
    # each occurrence's part (rows first: never copy the whole weight matrix)
    share = (values / counts)[inv][:, None] * weights[uniq][:, label_cols][inv]
    w_start = np.asarray([w.start() for w in words], dtype=np.int64)
    w_end = np.asarray([w.end() for w in words], dtype=np.int64)
    first = np.searchsorted(w_end, starts, side="right")  # first word ending after the start
    last = np.searchsorted(w_start, ends, side="left") - 1  # last word starting before the end
    owned = first <= last
    span = np.where(owned, last - first + 1, 1)
    for k in range(int(span.max())):
        sel = owned & (first + k <= last)
        np.add.at(push, first[sel] + k, share[sel] / span[sel][:, None])
    return words, push, share[~owned].sum(axis=0)


def word_contributions(
    text: str,
    prepared: str,
    features: HashedTfidf,
    weights: np.ndarray,
    label_cols: Sequence[int],
    logits: Callable[[list[str]], np.ndarray],
    top: int = 3,
) -> list[list[Contribution]]:
    """For each label column: the (at most ``top``) words of ``text`` that push its log-odds up
    most, every occurrence, as spans of ``text``. ``logits`` scores texts on those labels."""
    original = list(_WORD.finditer(text))
    words, pushed, _ = word_pushes(prepared, features, weights, label_cols)
    mine = [w.group() for w in words]
    theirs = [w.group().lower() for w in original]
    if mine == theirs:  # nearly every comment: word for word
        push = pushed
    else:
        push = np.zeros((len(original), len(label_cols)))
        matched = 0
        for i, j, size in difflib.SequenceMatcher(None, mine, theirs,
                                                  autojunk=False).get_matching_blocks():
            push[j:j + size] = pushed[i:i + size]
            matched += size
        if 2 * matched < len(original):
            push = _occlusion(text, original, len(label_cols), logits)
    out = []
    for c in range(len(label_cols)):
        total: dict[str, float] = {}
        for w, p in zip(original, push[:, c], strict=True):
            key = w.group().casefold()
            if key not in _FUNCTION_WORDS and not key.isdigit():
                total[key] = total.get(key, 0.0) + float(p)
        ranked = sorted(total.items(), key=lambda kv: -kv[1])[:top]
        best = ranked[0][1] if ranked else 0.0
        chosen = {k: v for k, v in ranked if v >= MIN_PUSH and v >= MIN_SHARE * best}
        out.append([Contribution(w.start(), w.end(), w.group(), round(chosen[k], 3))
                    for w in original if (k := w.group().casefold()) in chosen])
    return out


def _occlusion(text: str, original: Sequence[re.Match[str]], n_cols: int,
               logits: Callable[[list[str]], np.ndarray]) -> np.ndarray:
    """Per-word log-odds drop when the word (every occurrence) is left out of ``text``."""
    push = np.zeros((len(original), n_cols))
    groups: dict[str, list[int]] = {}
    for i, w in enumerate(original):
        key = w.group().casefold()
        if key not in _FUNCTION_WORDS:
            groups.setdefault(key, []).append(i)
    keys = list(groups)[:OCCLUDE_MAX]
    if not keys:
        return push
    variants = [text] + [_without(text, [original[i] for i in groups[k]]) for k in keys]
    z = np.asarray(logits(variants))
    for j, k in enumerate(keys):
        drop = z[0] - z[j + 1]
        for i in groups[k]:
            push[i] = drop / len(groups[k])  # the word's total is shared by its occurrences
    return push


def _without(text: str, matches: Sequence[re.Match[str]]) -> str:
    """``text`` with these word occurrences replaced by a space (neighbours stay apart)."""
    parts, last = [], 0
    for m in matches:
        parts.append(text[last:m.start()])
        parts.append(" ")
        last = m.end()
    parts.append(text[last:])
    return "".join(parts)
