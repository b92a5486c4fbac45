"""Candidate words for the rule layer's predicate lists, from a broad sentiment lexicon (issue 12).

The grammars that catch "<group> are <negative attribute>", "you are a <demeaning noun>",
"I <hate verb> <group>" and dehumanising comparisons are only as wide as their word lists
(policies/words/). This lists strongly negative words of VADER's lexicon (Hutto & Gilbert 2014,
"VADER: A Parsimonious Rule-based Model for Sentiment Analysis of Social Media Text", MIT
licence; ``pip install vaderSentiment``) that none of our English lists holds yet, so a person
can review them. The review is by hand and recorded in benchmarks/vocab_review.tsv (word, keep
or drop, the list it went to or the kind of word it is): only words that say something about a
person's character, intelligence, morality, hygiene, behaviour or worth are kept; what happens
TO someone (victims), emotions felt, topics and words ambiguous in news are dropped.

    pip install vaderSentiment          # a development tool only: not a runtime dependency
    python benchmarks/vocab_candidates.py                  # candidates not reviewed yet
    python benchmarks/vocab_candidates.py --all            # every candidate, with its review
    python benchmarks/vocab_candidates.py --max-valence -2.0

The lists are policy data: the engine never imports vaderSentiment.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORDS = ROOT / "policies" / "words"
REVIEW = Path(__file__).resolve().parent / "vocab_review.tsv"


def vader_lexicon() -> dict[str, tuple[float, float]]:
    """{word: (mean valence, standard deviation)} of the installed vaderSentiment's lexicon."""
    spec = importlib.util.find_spec("vaderSentiment")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("vaderSentiment is not installed: `pip install vaderSentiment` (MIT licence) to "
                 "list candidates; the engine itself does not need it.")
    path = Path(next(iter(spec.submodule_search_locations))) / "vader_lexicon.txt"
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 3:
            out[parts[0]] = (float(parts[1]), float(parts[2]))
    return out


def our_words() -> set[str]:
    """Every entry (and every single word of a phrase entry) of the English lists."""
    words: set[str] = set()
    for path in WORDS.glob("*.txt"):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip().lower()
            if line and not line.startswith("#"):
                words.add(line)
    return words


def reviewed() -> dict[str, tuple[str, str]]:
    """{word: (keep|drop, list or kind)} from benchmarks/vocab_review.tsv."""
    out = {}
    if REVIEW.exists():
        for line in REVIEW.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                word, decision, note = (line.split("\t") + ["", ""])[:3]
                out[word] = (decision, note)
    return out


def candidates(max_valence: float, max_sd: float) -> list[tuple[str, float, float]]:
    """Single alphabetic words with mean valence <= ``max_valence`` (VADER's scale is -4..4)
    and rater disagreement <= ``max_sd``, not in our lists, most negative first."""
    ours = our_words()
    out = []
    for word, (mean, sd) in vader_lexicon().items():
        if (mean <= max_valence and sd <= max_sd and re.fullmatch(r"[a-z]+", word)
                and word not in ours):
            out.append((word, mean, sd))
    return sorted(out, key=lambda t: (t[1], t[0]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--max-valence", type=float, default=-1.5)
    ap.add_argument("--max-sd", type=float, default=1.5)
    ap.add_argument("--all", action="store_true", help="also the reviewed ones, with the review")
    ap.add_argument("--summary", action="store_true", help="counts of the review only")
    a = ap.parse_args()
    cands = candidates(a.max_valence, a.max_sd)
    done = reviewed()
    todo = [c for c in cands if c[0] not in done]
    if a.summary:
        decisions = list(done.values())
        kept = sum(d == "keep" for d, _ in decisions)
        kinds: dict[str, int] = {}
        for d, note in decisions:
            if d == "drop":
                kinds[note] = kinds.get(note, 0) + 1
        print(f"reviewed {len(decisions)} words: kept {kept}, dropped {len(decisions) - kept}; "
              f"candidates not reviewed yet at valence <= {a.max_valence}: {len(todo)}")
        for k, n in sorted(kinds.items(), key=lambda kv: -kv[1]):
            print(f"  dropped as {k}: {n}")
        return
    for word, mean, sd in (cands if a.all else todo):
        note = "\t".join(done.get(word, ("", "")))
        print(f"{word}\t{mean:+.1f}\t{sd:.2f}\t{note}".rstrip())
    print(f"# {len(cands)} candidates, {len(todo)} not reviewed", file=sys.stderr)


if __name__ == "__main__":
    main()
