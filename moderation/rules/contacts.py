"""Promotion by links and contact details, including the ways people write them to slip past
filters: ``example dot com``, ``bit . ly/x``, ``name [at] mail [dot] com``, ``+44 7911 123 456``,
``nine one seven ...``. Matching runs on the folded text, so evidence maps back exactly.

A link to a news source or an official document cited as evidence is not promotion: domains in
the policy's allow-list pass; shorteners and blocked domains are rejected; any other link goes to
the action the policy gives unknown links (review by default).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from moderation.normalize import NormalizedText
from moderation.policy import ContactRules, LinkRules

# TLDs accepted even when the dot is spaced ("bit . ly") or spelled ("dot com"): none is an
# ordinary English word, so "the end. Com..." style false hits stay rare.
_TLD_STRICT = (
    "com|net|org|info|biz|io|ly|xyz|ru|ua|de|fr|uk|nl|pl|es|ch|se|cn|br|au|ca|eu|tk|ml|ga|cf|"
    "gq|pw|cc|ws|tv|gg|krd|edu|gov|online|site|shop|store|club|live|app|dev|top|click|link|vip|"
    "win|bid|loan|xxx|porn|sex|cam|ir|tr|iq|sy|lb|jo|ae|sa|qa|kw|eg|pk|ng|ke|za"
)
# Short TLDs that ARE words ("me", "in", "it", "us", "co", "ai", "to", "is", "so"): only with a
# plain, unspaced dot.
_TLD_WORDS = "me|in|it|us|co|ai|to|is|so|be|am|at|no|my|tv|fm|la|ly|id|do|go|im|mobi|news|one|page"

_DOT_SPELLED = r"(?:\s*[\[\(\{<]\s*(?:dot|\.)\s*[\]\)\}>]\s*|\s+dot\s+|\s*\.\s+|\s+\.\s*)"
_DOT = rf"(?:\.|{_DOT_SPELLED})"
# Atomic: a label never gives characters back (what follows one, a dot or a space, cannot be a
# label character), which spares the engine retrying every shorter label at every word.
_LABEL = r"(?>[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)"
_AFTER = r"(?![a-z0-9-])(?!\s+(?:bubble|boom|bust|era|crash|companies|company|startups?)\b)"

_DOMAIN = re.compile(
    rf"(?<![a-z0-9@.\-])(?P<d>{_LABEL}(?:{_DOT}{_LABEL})*?{_DOT}(?:{_TLD_STRICT})){_AFTER}"
    rf"|(?<![a-z0-9@.\-])(?P<w>{_LABEL}(?:\.{_LABEL})*\.(?:{_TLD_WORDS}))(?![a-z0-9-])(?=\s*/|\s|$|[,;!?)])"
)
_URL = re.compile(r"\b(?:h\s*[tx]\s*[tx]\s*p\s*s?\s*:\s*/\s*/|www\s*\.\s*)\S+")
_EMAIL_PROVIDERS = (
    "gmail|googlemail|yahoo|hotmail|outlook|live|msn|aol|icloud|me|mail|protonmail|proton|"
    "yandex|gmx|zoho|inbox|rocketmail|ymail"
)
_AT_STRICT = r"(?:\s*@\s*|\s*[\[\(\{<]\s*(?:at|@)\s*[\]\)\}>]\s*)"
_LOCAL = r"(?<![a-z0-9._%+\-])[a-z0-9][a-z0-9._%+\-]*+"  # possessive, as _LABEL
_EMAIL = re.compile(
    # plain: name@mail.example.org
    rf"{_LOCAL}@{_LABEL}(?:\.{_LABEL})*\.[a-z]{{2,10}}\b"
    # obfuscated: "name [at] mail [dot] com", "me @ hotmail . com": the top-level domain must
    # be a real one, so "thank you @user . america" is not an address
    rf"|{_LOCAL}{_AT_STRICT}{_LABEL}(?:{_DOT}{_LABEL})*{_DOT}(?:{_TLD_STRICT}|{_TLD_WORDS})\b"
    rf"|{_LOCAL}\s+at\s+(?:{_EMAIL_PROVIDERS}){_DOT}[a-z]{{2,6}}\b"
)
_NUMBER_WORDS = {
    "zero": "0", "oh": "0", "o": "0", "one": "1", "two": "2", "three": "3", "four": "4",
    "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
}
# A phone number: digits with at most two separators between them, or digits spelled out.
# Possessive quantifiers keep both linear in the comment's length.
_NUM = r"(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)"
_DIGITS_OR_WORDS = re.compile(
    r"(?<![\w$€£.,])(?:\+\s?)?\(?\d(?:[ \-.()]{0,2}+\d)++\)?"
    rf"|\b(?:{_NUM}|\d++)(?:[\s\-]{{1,3}}+(?:{_NUM}|\d++)\b){{4,}}+"
)
_MESSENGERS = (
    r"whats\s*app|watsapp|whatsap|telegram|signal|viber|wechat|kik|snapchat|snap|instagram|insta|"
    r"skype|discord|line\s+id"
)
_MESSENGER = re.compile(
    rf"\b(?:{_MESSENGERS})\b\s*(?:me|us)?\s*(?:on|at|:|-|number|no\.?|id|handle)?\s*"
    r"(?:@[a-z0-9_.]{3,}|\+?\d[\d\s\-]{6,}\d)"
    rf"|\b(?:add|contact|message|msg|text|dm|reach|call|find|hit)\s+(?:me|us)\s+(?:up\s+)?on\s+(?:{_MESSENGERS})\b"
    r"|\b(?:wa\.me|t\.me)/\S+"
)
_YEAR = re.compile(r"^(?:1[89]|20)\d\d$")
_DATE_OR_TIME = re.compile(
    r"\b(?:1[89]|20)\d\d[-./]\d{1,2}[-./]\d{1,2}\b|\b\d{1,2}[-./]\d{1,2}[-./](?:1[89]|20)?\d\d\b"
    r"|\b\d{1,2}:\d\d\b"
)

# Cheap screens, so that the full patterns above (costly to try at every position) run only on
# comments that could hold what they look for. Each screen is a superset test built from C-level
# string operations and the comment's set of alphanumeric runs (``NormalizedText.alnum_words``);
# tests/engine/test_contacts_screens.py checks on real comments that a screen never hides a match.
_TLDS_STRICT = frozenset(_TLD_STRICT.split("|"))
_TLDS_WORDS = frozenset(_TLD_WORDS.split("|"))
_PROVIDERS = frozenset(_EMAIL_PROVIDERS.split("|"))
_MESSENGER_WORDS = frozenset(
    "whats whatsapp watsapp whatsap telegram signal viber wechat kik snapchat snap instagram "
    "insta skype discord line".split())
_NUMBER_WORD_SET = frozenset({"zero", "oh", "one", "two", "three", "four", "five", "six",
                              "seven", "eight", "nine"})
# What follows a dot or a closing bracket: a top-level domain candidate (spaces kept apart, since
# only the strict TLDs may follow a spaced dot).
_AFTER_DOT = re.compile(r"[.\]\)\}>](\s*)([a-z0-9]+)")
_AT_PROVIDER = re.compile(rf"at\s+(?:{_EMAIL_PROVIDERS})(?![a-z0-9])")
_NUMBER_WORD = re.compile(r"\b(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)\b")
_OPENERS = "[({<"
_DIGIT = re.compile(r"\d")


def _may_hold_email(text: str, words: frozenset[str] | set[str]) -> bool:
    if "@" in text:
        return True
    if "at" not in words:
        return False
    if any(b in text for b in _OPENERS):  # "name [at] mail [dot] com"
        return True
    return not words.isdisjoint(_PROVIDERS) and _AT_PROVIDER.search(text) is not None


def _may_hold_link(text: str, words: frozenset[str] | set[str]) -> bool:
    if "www" in text or (":" in text and "/" in text):
        return True
    strict = not words.isdisjoint(_TLDS_STRICT)
    if strict and "dot" in words:  # "example dot com"
        return True
    if not strict:  # only a word TLD right after a plain dot can make a domain ("site.me")
        return any("." + w in text for w in _TLDS_WORDS.intersection(words))
    return any(w in _TLDS_STRICT or (not space and w in _TLDS_WORDS)
               for space, w in _AFTER_DOT.findall(text))


def _may_hold_messenger(text: str, words: frozenset[str] | set[str]) -> bool:
    return not words.isdisjoint(_MESSENGER_WORDS) or "me/" in text


def _may_hold_phone(text: str, words: frozenset[str] | set[str], min_digits: int) -> bool:
    if text.isascii():
        raw = text.encode()
        digits = len(raw) - len(raw.translate(None, b"0123456789"))
    else:  # \d also matches other scripts' digits, which phone patterns accept
        digits = len(_DIGIT.findall(text))
    if digits >= min_digits:
        return True
    if words.isdisjoint(_NUMBER_WORD_SET):
        return False
    return digits + len(_NUMBER_WORD.findall(text)) >= min_digits


def chunk_marks(chunk: str) -> str:
    """What the screens look for inside one whitespace-free chunk of a comment, as one mark per
    feature; the plain-comment path caches this per chunk and screens a comment from the joined
    marks (``ContactMatcher.may_hold``) instead of searching its text."""
    marks = ""
    if "@" in chunk:
        marks += "@"
    if any(b in chunk for b in _OPENERS):
        marks += "O"
    if "www" in chunk:
        marks += "W"
    if ":" in chunk:
        marks += ":"
    if "/" in chunk:
        marks += "/"
    if "me/" in chunk:
        marks += "M"
    if "." in chunk and any("." + w in chunk for w in _TLDS_WORDS):
        marks += "D"
    if any(d in chunk for d in "0123456789"):
        marks += "9"
    return marks


@dataclass(frozen=True, slots=True)
class ContactHit:
    kind: str  # link | shortener | blocked_link | email | phone | messenger
    value: str  # the decoded value (domain, address, digits)
    start: int  # original span
    end: int
    action: str


def _undot(s: str) -> str:
    return re.sub(_DOT_SPELLED, ".", s).replace(" ", "")


def _domain_matches(domain: str, suffixes: frozenset[str]) -> bool:
    """Is the domain one of these, or a subdomain of one? (One set lookup per label.)"""
    while True:
        if domain in suffixes:
            return True
        dot = domain.find(".")
        if dot < 0:
            return False
        domain = domain[dot + 1:]


class ContactMatcher:
    """Finds links, e-mail addresses, phone numbers and messenger handles in a comment."""

    def __init__(self, links: LinkRules | None, contacts: ContactRules | None) -> None:
        self.links = links
        self.contacts = contacts
        self._allowed = frozenset(links.allowed_domains) if links else frozenset()
        self._blocked = frozenset(links.blocked_domains) if links else frozenset()
        self._shorteners = frozenset(links.shorteners) if links else frozenset()

    def may_hold(self, text: str, words: frozenset[str] | set[str], marks: str) -> bool:
        """The screens of ``find``, answered from a plain comment's chunk marks (see
        ``chunk_marks``) and word set: the same answer, without scanning the text."""
        c = self.contacts
        if c is not None:
            if c.email and ("@" in marks or ("at" in words and (
                    "O" in marks or (not words.isdisjoint(_PROVIDERS)
                                     and _AT_PROVIDER.search(text) is not None)))):
                return True
            if c.messenger and ("M" in marks or not words.isdisjoint(_MESSENGER_WORDS)):
                return True
            if c.phone and ("9" in marks or not words.isdisjoint(_NUMBER_WORD_SET)) and (
                    _may_hold_phone(text, words, c.min_phone_digits)):
                return True
        if self.links is not None:
            if "W" in marks or (":" in marks and "/" in marks):
                return True
            if words.isdisjoint(_TLDS_STRICT):
                return "D" in marks
            return _may_hold_link(text, words)
        return False

    def find(self, nt: NormalizedText, words: frozenset[str] | set[str] | None = None
             ) -> list[ContactHit]:
        """Every contact detail in a comment. ``words``: a superset of the comment's [a-z0-9]
        runs, for the screens (by default ``nt.alnum_words``)."""
        text = nt.folded
        if words is None:
            words = nt.alnum_words
        c = self.contacts
        email = bool(c and c.email and _may_hold_email(text, words))
        messenger = bool(c and c.messenger and _may_hold_messenger(text, words))
        link = self.links is not None and _may_hold_link(text, words)
        phone = bool(c and c.phone and _may_hold_phone(text, words, c.min_phone_digits))
        if not (email or messenger or link or phone):
            return []  # the common case: nothing that could be a contact detail
        hits: list[ContactHit] = []
        taken: list[tuple[int, int]] = []

        def add(kind: str, value: str, a: int, b: int, action: str | None) -> None:
            taken.append((a, b))
            if action is None:
                return
            start, end = nt.folded_span_to_original(a, b)
            hits.append(ContactHit(kind, value, start, end, action))

        def free(a: int, b: int) -> bool:
            return all(b <= s or a >= e for s, e in taken)

        if email:
            assert c is not None and c.email
            for m in _EMAIL.finditer(text):
                value = _undot(m.group(0).replace("[at]", "@"))
                add("email", value, m.start(), m.end(), c.email)
        if messenger:
            assert c is not None and c.messenger
            for m in _MESSENGER.finditer(text):
                if free(m.start(), m.end()):
                    add("messenger", m.group(0), m.start(), m.end(), c.messenger)
        if link:
            self._links(nt, add, free)
        if phone:
            assert c is not None
            for m in _DIGITS_OR_WORDS.finditer(text):
                if not free(m.start(), m.end()):
                    continue
                digits = self._phone_digits(m.group(0))
                if digits and len(digits) >= c.min_phone_digits and len(digits) <= 15:
                    add("phone", digits, m.start(), m.end(), c.phone)
        return hits

    @staticmethod
    def _phone_digits(raw: str) -> str | None:
        """Digits of a phone-like run, or None for what looks like years, dates or amounts."""
        groups = re.findall(r"\d+|[a-z]+", raw)
        digits = "".join(g if g.isdigit() else _NUMBER_WORDS.get(g, "") for g in groups)
        numeric = [g for g in groups if g.isdigit()]
        if numeric and all(_YEAR.match(g) for g in numeric) and len(numeric) == len(groups):
            return None  # "2015 2016 2017"
        if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", raw.strip()):
            return None  # "2.124.821.694 views": thousands separators, not a phone
        if _DATE_OR_TIME.search(raw):
            return None  # "06/07/2012", "2018-09-14 23:56"
        return digits

    def _links(self, nt: NormalizedText, add, free) -> None:  # type: ignore[no-untyped-def]
        rules = self.links
        assert rules is not None
        text = nt.folded
        found: list[tuple[str, str, int, int]] = []
        for rx in (_URL, _DOMAIN):
            for m in rx.finditer(text):
                if not free(m.start(), m.end()):
                    continue
                if rx is _DOMAIN and _sentence_not_domain(nt, m):
                    continue
                domain = _host_of(m.group(0))
                if not domain:
                    continue
                if _domain_matches(domain, self._allowed):
                    add("link", domain, m.start(), m.end(), None)
                elif _domain_matches(domain, self._blocked):
                    add("blocked_link", domain, m.start(), m.end(), "reject")
                elif _domain_matches(domain, self._shorteners):
                    add("shortener", domain, m.start(), m.end(), rules.shortener_action)
                else:
                    taken_span = (m.start(), m.end())
                    add("link", domain, m.start(), m.end(), None)  # reserve the span
                    found.append(("link", domain, *taken_span))
        if not found:
            return
        # A link inside a real comment is a cited source; a link with a few words is dropping.
        spans = [nt.folded_span_to_original(a, b) for _, _, a, b in found]
        other_words = sum(
            1 for t in nt.tokens
            if not t.synthetic and t.form.isalpha()
            and not any(s <= t.start < e for s, e in spans)
        )
        action = (rules.cited_link_action if other_words >= rules.cited_min_words
                  else rules.unknown_link_action)
        for kind, domain, a, b in found:
            add(kind, domain, a, b, action)


def _sentence_not_domain(nt: NormalizedText, m: re.Match[str]) -> bool:
    """"already.It was" and "employees.  Click" are sentences run together, not domains: the
    part after the last dot is capitalised in the original (real host names are written in
    lower case far more often than sentences start in it)."""
    raw = m.group(0)
    cut = max(raw.rfind("."), raw.rfind(" "))
    if cut < 0:
        return False
    a, _ = nt.folded_span_to_original(m.start() + cut + 1, m.end())
    tail = nt.original[a:a + 1]
    return tail.isupper()


def _host_of(raw: str) -> str:
    """The host name of a matched URL or (obfuscated) domain, lower case, without ``www.``."""
    s = re.sub(r"^h\s*[tx]\s*[tx]\s*p\s*s?\s*:\s*/\s*/", "", raw)
    s = _undot(s)
    host = re.split(r"[/?#:\s]", s, maxsplit=1)[0].strip(".,;!?)\"'")
    if host.startswith("www."):
        host = host[4:]
    return host if "." in host else ""
