"""The covered languages' lists and patterns, added to a policy version's RuleSet.

They become ordinary word-index entries and phrase patterns, so matching costs no more per token
and English comments pay nothing: no English word is in these lists (tests/languages), and every
pattern requires a word of its own language, which the pattern prefilter checks with one set
operation. Rule ids carry the language (``threat.ar.kill``, ``profanity.tr.words``) so that the
engine can keep a language's evidence to the sentences written in it (moderation.languages.scope).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from moderation.languages.morphology import expand
from moderation.languages.policy import entry_regex
from moderation.languages.policy import expand as expand_pattern
from moderation.rules.phrases import CompiledPattern
from moderation.rules.words import canonical

if TYPE_CHECKING:
    from moderation.policy import Policy
    from moderation.rules import RuleSet


def add_language_rules(rs: RuleSet, policy: Policy) -> None:
    """Compile every covered language's rules into ``rs`` (categories it has enabled only)."""
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


def covered_languages(policy: Policy) -> frozenset[str]:
    """English (the categories' own lists) and every language the policy adds rules for."""
    return frozenset({"en", *policy.doc.languages.covered})


#: Codes clients send for a language the policy names otherwise ("ku": Kurdish, either variety).
API_ALIASES: dict[str, tuple[str, ...]] = {"ku": ("ckb", "kmr"), "sdh": ("ckb",),
                                           "pes": ("fa",), "prs": ("fa",)}


def api_languages(policy: Policy) -> tuple[str, ...]:
    """The language codes an API client may send for this policy: English first, then every
    covered language, then the aliases whose languages are covered."""
    covered = covered_languages(policy)
    codes = ["en", *sorted(covered - {"en"})]
    codes += [alias for alias, langs in API_ALIASES.items() if covered.intersection(langs)]
    return tuple(codes)
