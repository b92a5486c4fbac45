"""Word-list matching: one dictionary lookup per token form, not a regex per word.

better-profanity's own matcher tries every word against every token (about 74 ms for a 50-word
comment in 0.7.0); here each list entry is canonicalised once into the same form tokens take
(leetspeak decoded, separators dropped), so a comment costs a handful of set lookups per token.
Multi-word entries ("blow job") are left to the phrase matcher.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from moderation.normalize import LEET, WILDCARDS, Token, fold_entry, squash

_LEET_TABLE = str.maketrans(LEET)
_MEMO_SIZE = 200_000
_ELONGATED = re.compile(r"(.)\1\1")
_NON_LETTERS = re.compile(r"[^a-z\u00c0-\uffff]+")


@dataclass(frozen=True, slots=True)
class WordHit:
    category: str
    term: str  # the list entry, canonical form
    action: str
    lang: str = ""  # the policy language whose list holds it ("" for the categories' own)


def canonical(entry: str) -> str:
    """The token form a single-word list entry matches: leet decoded, separators dropped (and,
    outside ASCII, folded as comments are: ``şerefsiz`` -> ``serefsiz``)."""
    if not entry.isascii():
        entry = fold_entry(entry)
    return _NON_LETTERS.sub("", entry.lower().translate(_LEET_TABLE))


class WordIndex:
    """Maps token forms to the categories whose lists hold them."""

    def __init__(self) -> None:
        self.exact: dict[str, list[WordHit]] = {}
        self.squashed: dict[str, list[tuple[int, WordHit]]] = {}
        self.by_length: dict[int, list[tuple[str, WordHit]]] = {}
        self.embedded: list[tuple[str, WordHit]] = []
        self.allow: dict[str, set[str]] = {}  # category -> allowed token forms
        self.allow_capitalized: dict[str, set[str]] = {}  # category -> forms allowed as Names
        self._removed: set[str] = set()  # excluded entries: ordinary words a wildcard may hide
        self._memo: dict[tuple[str, tuple[str, ...], bool, bool], list[WordHit]] = {}

    def add(self, category: str, entries: Iterable[str], action: str, lang: str = "") -> None:
        for entry in entries:
            form = canonical(entry)
            if len(form) < 2:
                continue
            hit = WordHit(category, form, action, lang)
            bucket = self.exact.setdefault(form, [])
            # One hit per category, and per language: a word in both the Arabic and the Persian
            # list (ديوث) must count in a Persian sentence too, where the Arabic hit does not
            # (moderation.languages.scope). The categories' own lists count everywhere.
            if any(h.category == category and (h.lang == lang or not h.lang) for h in bucket):
                continue
            bucket.append(hit)
            self.squashed.setdefault(squash(form), []).append((len(form), hit))
            self.by_length.setdefault(len(form), []).append((form, hit))

    def add_embedded(self, category: str, stems: Iterable[str], action: str) -> None:
        for stem in stems:
            self.embedded.append((canonical(stem), WordHit(category, canonical(stem), action)))

    def add_allow(self, category: str, words: Iterable[str],
                  capitalized: Iterable[str] = ()) -> None:
        self.allow.setdefault(category, set()).update(canonical(w) for w in words)
        self.allow_capitalized.setdefault(category, set()).update(canonical(w) for w in capitalized)

    def allowed_as_name(self, hit: WordHit, original: str) -> bool:
        """"Dick Cheney", "Anthony Weiner": a listed word written as a Name is allowed."""
        names = self.allow_capitalized.get(hit.category)
        if not names or hit.term not in names:
            return False
        return original[:1].isupper() and not original.isupper()

    def note_excluded(self, entries: Iterable[str]) -> None:
        """Remember entries an exclude list took out of a base list: they are ordinary words
        ("hell", "kill"), which a wildcard spelling like ``he##`` may stand for."""
        self._removed.update(canonical(e) for e in entries)

    def may_hit(self, words: frozenset[str] | set[str], folded: str) -> bool:
        """Could a plain comment with these words hit a list? (Any listed form among them, or an
        embedded stem anywhere in the text.) Plain comments have no leetspeak, wildcards or
        stretched words, so exact forms are all there is to check."""
        if not self.exact.keys().isdisjoint(words):
            return True
        for stem, _ in self.embedded:
            if stem in folded:
                return True
        return False

    def lookup(self, tok: Token) -> list[WordHit]:
        """Every list hit for a token (memoised: the same words come back in every comment)."""
        key = (tok.form, tok.alts, tok.wildcard, tok.synthetic)
        hits = self._memo.get(key)
        if hits is None:
            hits = self._lookup(tok)
            if len(self._memo) >= _MEMO_SIZE:
                self._memo.clear()
            self._memo[key] = hits
        return hits

    def _lookup(self, tok: Token) -> list[WordHit]:
        """Every list hit for a token, trying its forms, elongations, wildcards and stems."""
        for form in tok.forms():
            if tok.wildcard:
                hits = self._wildcard(form)
            else:
                hits = self.exact.get(form)
                if not hits and len(form) > 3 and _ELONGATED.search(form):
                    sq = self.squashed.get(squash(form))
                    if sq:
                        # Only a stretched spelling counts: "fuuuck", "shiiit" (a letter three
                        # times or more), never "assess" for "asses" or "as" for "ass".
                        hits = [h for n, h in sq if len(form) > n]
                if not hits and self.embedded and not tok.synthetic:
                    hits = [h for stem, h in self.embedded if stem in form and form != stem]
            if hits:
                return [h for h in hits if form not in self.allow.get(h.category, ())]
        return []

    def _wildcard(self, form: str) -> list[WordHit]:
        """``f*ck`` / ``s**t``: at least as many letters as wildcards, and only the first
        category (in policy order) whose list fits, since the word itself is not known."""
        wild = sum(1 for c in form if c in WILDCARDS)
        if len(form) - wild < wild:
            return []
        rx = re.compile("".join("[a-z]" if c in WILDCARDS else re.escape(c) for c in form))
        innocent = (self._removed - self.exact.keys()) | {
            w for ws in self.allow.values() for w in ws}
        if any(len(w) == len(form) and rx.fullmatch(w) for w in innocent):
            return []  # "he##" may be "hell", which the policy allows
        for f, hit in self.by_length.get(len(form), ()):
            if rx.fullmatch(f):
                return [hit]
        return []
