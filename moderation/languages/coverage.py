"""Which languages a policy covers, and the codes API clients may send for them."""

from __future__ import annotations

from typing import Any


def covered_languages(policy: Any) -> frozenset[str]:
    """English (the categories' own lists) and every language the policy adds rules for."""
    return frozenset({"en", *policy.doc.languages.covered})


#: Codes clients send for a language the policy names otherwise ("ku": Kurdish, either variety).
API_ALIASES: dict[str, tuple[str, ...]] = {"ku": ("ckb", "kmr"), "sdh": ("ckb",),
                                           "pes": ("fa",), "prs": ("fa",)}


def api_languages(policy: Any) -> tuple[str, ...]:
    """The language codes an API client may send for this policy: English first, then every
    covered language, then the aliases whose languages are covered."""
    covered = covered_languages(policy)
    codes = ["en", *sorted(covered - {"en"})]
    codes += [alias for alias, langs in API_ALIASES.items() if covered.intersection(langs)]
    return tuple(codes)
