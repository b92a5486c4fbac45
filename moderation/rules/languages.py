"""The covered languages' lists and patterns, added to a policy version's RuleSet.

They become ordinary word-index entries and phrase patterns, so matching costs no more per token
and English comments pay nothing: no English word is in these lists (tests/languages), and every
pattern requires a word of its own language, which the pattern prefilter checks with one set
operation. Rule ids carry the language (``threat.ar.kill``, ``profanity.tr.words``) so that the
engine can keep a language's evidence to the sentences written in it (moderation.languages.scope).
"""

from __future__ import annotations

from typing import Any

from moderation.languages.entries import entry_regex
from moderation.languages.entries import expand as expand_pattern
from moderation.languages.morphology import expand
from moderation.rules.phrases import CompiledPattern
from moderation.rules.words import canonical


def add_language_rules(rs: Any, policy: Any) -> None:
    """Compile every covered language's rules of ``policy`` into the RuleSet ``rs`` (the
    categories it has enabled only)."""
    lists = policy._lists
    for code, lang in policy.doc.languages.covered.items():
        for cname, lc in lang.categories.items():
            if cname not in rs.categories:
                continue
            cat = policy.categories[cname]
            for src in lc.words:
                if src.file is None:
                    continue
                action = src.action or cat.action
                excluded = {canonical(e) for ex in src.exclude for e in policy.words(ex)}
                entries = tuple(e for e in policy.words(src.file) if canonical(e) not in excluded)
                singles = expand(tuple(e for e in entries if " " not in e), lang.morphology)
                rs.words.add(cname, singles, action, lang=code)
                multi = sorted({e for e in expand(entries, "none") if " " in e}, key=len,
                               reverse=True)
                if multi:
                    rx = r"\b(?:" + "|".join(entry_regex(e) for e in multi) + r")\b"
                    rs.patterns.append(CompiledPattern.compile(
                        cname, f"{cname}.{code}.words", rx, action))
            for p in lc.patterns:
                rs.patterns.append(CompiledPattern.compile(
                    cname, f"{cname}.{code}.{p.id}", expand_pattern(p.pattern, lists),
                    p.action or cat.action))
            if lc.allow:
                rs.words.add_allow(cname, lc.allow)
