"""Policy files: the typed schema of a site's guidelines, loading, validation and version hash.

A policy is YAML plus the word-list files it names (paths relative to the YAML). Loading checks
everything a matcher will rely on (files exist, regular expressions compile, thresholds make
sense) and reports *every* problem with the file and line it comes from, so an editor can fix a
policy in one pass. The version is a hash of the YAML and every list it uses: two policies with
the same version decide identically.
"""

from __future__ import annotations

import hashlib
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from moderation.errors import PolicyError
from moderation.models import STANDARD_LABELS
from moderation.policy.merge import Assembled, Pos, assemble
from moderation.policy.sources import (
    BETTER_PROFANITY_KEY,
    BundleSources,
    FileSources,
    Sources,
    find_policy_file,
    policy_dirs,
)
from moderation.policy.targets import TargetAnalysis, target_problems

__all__ = ["Policy", "PolicyDocument", "PolicyError", "default_policy_path", "find_policy_file",
           "json_schema", "load_policy", "parse_policy_text", "policy_dirs", "policy_from_bundle"]

CategoryAction = Literal["reject", "review", "flag"]
_PLACEHOLDER = re.compile(r"<<([a-z0-9_]+)>>")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WordSource(_Strict):
    """One source of words for a category: a list file, or better-profanity's list as the base."""

    file: str | None = None
    base: Literal["better-profanity"] | None = None
    exclude: list[str] = Field(default_factory=list, description="list files to subtract")
    action: CategoryAction | None = Field(default=None, description="overrides the category's")

    @model_validator(mode="after")
    def _one_source(self) -> WordSource:
        if (self.file is None) == (self.base is None):
            raise ValueError("give exactly one of 'file' or 'base'")
        return self


class PatternRule(_Strict):
    """A phrase pattern: a Python regular expression over the normalised phrase stream
    (lower case, leetspeak decoded, one space between words, ``|`` at sentence ends).
    ``<<list_name>>`` expands to any entry of a named list."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9_.-]+$")]
    pattern: str
    action: CategoryAction | None = None
    description: str | None = None
    confirm_only: bool = Field(
        default=False,
        description="the hit is silent (no reason, no flag) unless the category's model score "
                    "is at its ``model.confirm_at``; then it rejects, naming the words and the "
                    "score. For shapes that are insults only when the model reads them as "
                    "hostile (\"you are a ...\"); needs the category's confirm_at")


class ModelThresholds(_Strict):
    """Model signal for a category: at ``review_at`` a person looks, at ``reject_at`` it is
    rejected."""

    labels: list[str] = Field(min_length=1)
    review_at: float | None = Field(default=None, ge=0.0, le=1.0)
    reject_at: float | None = Field(default=None, ge=0.0, le=1.0)
    confirm_at: float | None = Field(
        default=None, ge=0.0, le=1.0,
        description="reject at this score when a rule of a ``confirm_with`` category already "
                    "sends the comment to review: the rule found the words, the model reads "
                    "them as hostile (never when the rules read the words as framed)")
    confirm_with: list[str] = Field(
        default_factory=list,
        description="categories whose rule review a confirm_at score turns into a reject "
                    "(default: this category)")

    @model_validator(mode="after")
    def _ordered(self) -> ModelThresholds:
        if self.review_at is not None and self.reject_at is not None:
            if self.review_at > self.reject_at:
                raise ValueError(
                    f"review_at ({self.review_at}) must not be above reject_at ({self.reject_at})"
                )
        if self.confirm_at is not None:
            if self.review_at is None or not self.review_at <= self.confirm_at:
                raise ValueError(f"confirm_at ({self.confirm_at}) needs a review_at at or "
                                 "below it (it upgrades the model's review)")
            if self.reject_at is not None and self.confirm_at > self.reject_at:
                raise ValueError(f"confirm_at ({self.confirm_at}) must not be above reject_at "
                                 f"({self.reject_at})")
        if self.review_at is None and self.reject_at is None:
            raise ValueError("give review_at, reject_at or both")
        return self


class LinkRules(_Strict):
    """How links are judged: cited sources are fine, promotion is not."""

    allowed_domains: list[str] = Field(default_factory=list)
    shorteners: list[str] = Field(default_factory=list)
    blocked_domains: list[str] = Field(default_factory=list)
    unknown_link_action: CategoryAction = "review"
    cited_link_action: CategoryAction = "flag"
    cited_min_words: int = Field(
        default=15, ge=0,
        description="an unlisted link in a comment with at least this many other words is "
                    "taken as a cited source (cited_link_action) rather than link dropping")
    shortener_action: CategoryAction = "reject"

    @field_validator("allowed_domains", "shorteners", "blocked_domains")
    @classmethod
    def _lower(cls, v: list[str]) -> list[str]:
        return [d.strip().lower().lstrip(".") for d in v if d.strip()]


class ContactRules(_Strict):
    """Contact details posted in a comment: e-mail, phone, messenger handles."""

    email: CategoryAction | None = "reject"
    phone: CategoryAction | None = "reject"
    messenger: CategoryAction | None = "reject"
    min_phone_digits: int = Field(default=8, ge=6, le=15)


class RelevanceRules(_Strict):
    """Off-topic check: a long comment sharing no content word with the article."""

    min_words: int = Field(default=25, ge=1)
    min_overlap: int = Field(default=1, ge=0)


class Category(_Strict):
    description: str = Field(min_length=1)
    guideline: str | None = None
    action: CategoryAction
    enabled: bool = True
    words: list[WordSource] = Field(default_factory=list)
    embedded: list[str] = Field(
        default_factory=list, description="stems that count even inside a longer word"
    )
    patterns: list[PatternRule] = Field(default_factory=list)
    allow: list[str] = Field(default_factory=list, description="words never matched")
    allow_phrases: list[str] = Field(default_factory=list, description="phrases never matched")
    allow_capitalized: list[str] = Field(
        default_factory=list, description="words allowed when written with a capital (names)")
    model: ModelThresholds | None = None
    links: LinkRules | None = None
    contacts: ContactRules | None = None
    relevance: RelevanceRules | None = None

    @model_validator(mode="after")
    def _confirm_only_patterns(self) -> Category:
        """A ``confirm_only`` pattern counts only through the category's own confirm_at."""
        for p in self.patterns:
            if not p.confirm_only:
                continue
            where = f"patterns.{p.id}: confirm_only"
            if self.model is None or self.model.confirm_at is None:
                raise ValueError(f"{where} needs this category's model.confirm_at (the score "
                                 "that confirms its hits); the category has none, so the "
                                 "pattern could never count")
            if self.action == "flag":
                raise ValueError(f"{where} cannot be used in a category whose action is 'flag' "
                                 "(confirm_at never applies there)")
            if p.action is not None:
                raise ValueError(f"{where} takes no 'action' (a hit the model confirms "
                                 f"rejects; without it, nothing happens): remove "
                                 f"'action: {p.action}'")
        return self


Morphology = Literal["arabic", "sorani", "persian", "turkish", "kurmanji", "german", "romance",
                     "russian", "none"]


class NearRule(_Strict):
    """Two kinds of word close together in one sentence: a group name and a dehumanising word
    ("العرب كلاب"), "you" and an insult that is an ordinary word on its own ("يا حمار"), a
    killing verb and a group. Named lists give the words (stems allowed); a word of ``unless``
    anywhere in the sentence (negation, reporting, condemning) stops the rule."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9_.-]+$")]
    first: str | list[str] = Field(description="named list(s)")
    then: str | list[str] = Field(description="named list(s)")
    within: int = Field(default=3, ge=1, le=12, description="at most this many words apart")
    ordered: bool = Field(default=False, description="a word of 'first' must come first")
    unless: str | list[str] = Field(
        default_factory=list, description="named lists: a word of these anywhere in the "
        "sentence stops the rule (reporting, condemning)")
    negated_by: str | list[str] = Field(
        default_factory=list, description="named lists: a word of these between the two "
        "words, or just before them, stops the rule (\"they are not dogs\", \"I don't hate\")")
    negation_after: int = Field(default=0, ge=0, le=3, description="words after the pair "
                                "that still negate it, for languages that put 'not' after the "
                                "predicate (Turkish değil, Sorani نین, Persian نیستند)")
    action: CategoryAction | None = None
    description: str | None = None

    @field_validator("first", "then", "unless", "negated_by", mode="after")
    @classmethod
    def _one_or_many(cls, v: str | list[str]) -> list[str]:
        """One list name or several: always a list once loaded."""
        return [v] if isinstance(v, str) else v


class LanguagePatternRule(PatternRule):
    """A covered language's pattern. A pattern that names a group ("X are not human", "X must
    be burned") is the same abuse a near rule finds, so it takes the near rules' ``unless``:
    a word of those lists in the sentence, or anywhere in the comment when the match is quoted,
    stops it (reporting and condemning, moderation.languages.unless)."""

    unless: str | list[str] = Field(
        default_factory=list, description="named lists: a word of these in the sentence "
        "stops the pattern (reporting, condemning)")

    @field_validator("unless", mode="after")
    @classmethod
    def _one_or_many(cls, v: str | list[str]) -> list[str]:
        return [v] if isinstance(v, str) else v

    @model_validator(mode="after")
    def _no_confirm_only(self) -> LanguagePatternRule:
        if self.confirm_only:
            raise ValueError(f"patterns.{self.id}: confirm_only is for the policy's own "
                             "categories, not a language's patterns")
        return self


class LanguageCategory(_Strict):
    """One language's additions to a policy category: its lists, patterns and allowed words.
    Entries and patterns are folded as comments are (see moderation.normalize.fold_entry)."""

    words: list[WordSource] = Field(default_factory=list)
    patterns: list[LanguagePatternRule] = Field(default_factory=list)
    near: list[NearRule] = Field(default_factory=list)
    allow: list[str] = Field(default_factory=list, description="words never matched")


class LanguageRules(_Strict):
    """The rules for one language besides English. A single-word entry ending in ``*`` is a
    stem: it also matches the stem with the language's common prefixes and suffixes
    (``morphology``), so lists need not spell every inflection; in patterns and multi-word
    entries ``*`` allows a short suffix."""

    name: str = Field(min_length=1)
    morphology: Morphology = "none"
    lists: dict[str, str] = Field(default_factory=dict,
                                  description="named lists for <<name>> in this language's "
                                              "patterns (names must not repeat the policy's)")
    categories: dict[str, LanguageCategory] = Field(default_factory=dict)
    victim: str | None = Field(
        default=None, description="named list of words and phrases by which a victim reports "
        "abuse said to them ('they called me', 'قالوا لي'): a word-list or aimed-insult hit "
        "in a sentence holding one is held for review instead of rejected")


class LanguagePolicy(_Strict):
    """Which languages besides English the rules cover, and what happens to the others."""

    not_covered: Literal["flag", "review"] = Field(
        default="flag", description="a comment (or sentence) in a language the rules do not "
        "cover: 'flag' approves it with a 'language not covered' flag, 'review' holds it")
    covered: dict[str, LanguageRules] = Field(default_factory=dict)

    @field_validator("covered")
    @classmethod
    def _codes(cls, v: dict[str, LanguageRules]) -> dict[str, LanguageRules]:
        for code in v:
            if not re.fullmatch(r"[a-z]{2,3}", code):
                raise ValueError(f"language code {code!r} must be an ISO 639 code (2-3 "
                                 "lower-case letters: ar, ckb, kmr, tr, fa)")
        return v


class PolicyDocument(_Strict):
    """The YAML as written (before lists are read)."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")]
    extends: str | None = Field(
        default=None, description="policy id (or relative .yaml path) this policy overrides; "
        "see docs/policies.md for the merge rules")
    name: str | None = None
    description: str | None = None
    max_length: int = Field(default=10000, ge=1, le=1_000_000)
    lists: dict[str, str] = Field(default_factory=dict)
    categories: dict[str, Category] = Field(min_length=1)
    targets: TargetAnalysis | None = None
    languages: LanguagePolicy = Field(default_factory=LanguagePolicy)

    @field_validator("categories")
    @classmethod
    def _names(cls, v: dict[str, Category]) -> dict[str, Category]:
        for name in v:
            if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
                raise ValueError(f"category name {name!r} must be lower_snake_case")
        for name, cat in v.items():
            unknown = [c for c in (cat.model.confirm_with if cat.model else []) if c not in v]
            if unknown:
                raise ValueError(f"categories.{name}.model.confirm_with: unknown categories "
                                 f"{unknown} (allowed: {', '.join(v)})")
        return v


class Policy:
    """A loaded, validated policy: the document plus every word list, read and checked."""

    def __init__(self, doc: PolicyDocument, source: str, version: str,
                 word_lists: dict[str, list[str]], bundle: dict[str, Any] | None = None) -> None:
        self.doc = doc
        self.source = source
        self.version = version
        self._lists = word_lists  # key: list file path (relative) or "@name" for named lists
        #: every file this version was built from (see moderation.policy.sources): what is stored
        self.bundle = bundle

    @property
    def id(self) -> str:
        return self.doc.id

    @property
    def max_length(self) -> int:
        return self.doc.max_length

    @property
    def categories(self) -> dict[str, Category]:
        return self.doc.categories

    def words(self, ref: str) -> list[str]:
        """The entries of a list file (as named in the YAML) or of a named list ``@name``."""
        return self._lists[ref]

    def expand(self, pattern: str) -> str:
        """Replace ``<<name>>`` placeholders with an alternation of that named list."""

        def repl(m: re.Match[str]) -> str:
            entries = sorted(self._lists["@" + m.group(1)], key=len, reverse=True)
            return "(?:" + "|".join(_entry_regex(e) for e in entries) + ")"

        return _PLACEHOLDER.sub(repl, pattern)

    def __repr__(self) -> str:
        return f"Policy(id={self.id!r}, version={self.version!r}, source={self.source!r})"


def _entry_regex(entry: str) -> str:
    """A list entry inside a pattern: words separated by flexible whitespace."""
    return r"\s+".join(re.escape(w) for w in entry.split())


def read_word_list(path: Path) -> list[str]:
    """One entry per line, ``#`` comments, blank lines ignored; entries lower-cased."""
    return parse_word_list(path.read_text(encoding="utf-8"))


def parse_word_list(text: str) -> list[str]:
    """The entries of a word-list file's text (see ``read_word_list``)."""
    entries: list[str] = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip().lower()
        if line:
            entries.append(" ".join(line.split()))
    return entries


def better_profanity_words() -> list[str]:
    """better-profanity's own word list, read from the installed package (the profanity base)."""
    import better_profanity

    path = Path(better_profanity.__file__).parent / "profanity_wordlist.txt"
    return read_word_list(path)


def default_policy_path() -> Path:
    """``$MODERATION_POLICY_DIR/default.yaml``, else the repo's ``policies/``, else the packaged
    copy."""
    found = find_policy_file("default")  # the same directories, in the same order
    if found is not None:
        return found
    raise PolicyError("default.yaml", ["no default policy found (set MODERATION_POLICY_DIR)"])


# --- loading ----------------------------------------------------------------------------------

def parse_policy_text(text: str, source: str, base_dir: Path, *, strict: bool = False,
                      files: dict[str, str] | None = None) -> Policy:
    """Validate a policy given as YAML text; files it names resolve against ``base_dir``.

    ``files`` supplies texts by key (``words/x.txt``) that are not on disk (API uploads).
    ``strict`` adds the measured regex bound (slower: for validate/apply, not for every load).
    """
    root_key = Path(source).name if source.endswith((".yaml", ".yml")) else "policy.yaml"
    sources = FileSources(base_dir, root_key, source, {**(files or {}), root_key: text})
    return load_sources(sources, root_key, source, strict=strict)


def load_policy(path: str | os.PathLike[str] | None = None, *, strict: bool = False) -> Policy:
    """Load and validate a policy file (None: the default policy). Raises PolicyError."""
    p = Path(path) if path is not None else default_policy_path()
    if not p.is_file():
        raise PolicyError(str(p), [f"{p}: file not found"])
    sources = FileSources(p.parent, p.name, str(p))
    return load_sources(sources, p.name, str(p), strict=strict)


def policy_from_bundle(bundle: dict[str, Any], label: str) -> Policy:
    """Rebuild a stored version from its bundle (no files needed). Raises PolicyError."""
    try:
        sources = BundleSources(bundle, label)
    except (ValueError, KeyError, TypeError) as exc:
        raise PolicyError(label, [f"{label}: unusable stored version: {exc}"]) from None
    return load_sources(sources, bundle["root"], label, strict=False)


def load_sources(sources: Sources, root_key: str, source: str, *, strict: bool) -> Policy:
    problems: list[str] = []
    assembled = assemble(sources, root_key, problems)
    if assembled is None or problems:
        raise PolicyError(source, problems)
    try:
        doc = PolicyDocument.model_validate(assembled.raw)
    except ValidationError as exc:
        problems = [_describe(e, assembled.pos) for e in exc.errors()]
        # The lists and patterns are checked too, so that an editor sees every problem in one
        # pass (issue 13, item 9): those of the parts that passed the schema.
        salvaged = _salvage(assembled.raw)
        if salvaged is not None:
            problems += _check(salvaged, sources, assembled, strict)[2]
        raise PolicyError(source, problems) from None
    return _resolve(doc, source, sources, assembled, strict)


def _salvage(raw: Any) -> PolicyDocument | None:
    """A document holding what the file and pattern checks need (named lists, word sources,
    patterns, model labels) from ``raw`` wherever it has the right type, even inside entries the
    schema refused, for a policy whose schema check failed. Not a usable policy: built without
    validation, never returned."""
    if not isinstance(raw, dict):
        return None
    lists = raw.get("lists")
    named = {k: v for k, v in lists.items() if isinstance(k, str) and isinstance(v, str)} \
        if isinstance(lists, dict) else {}
    categories: dict[str, Category] = {}
    cats = raw.get("categories")
    for name, cat in (cats.items() if isinstance(cats, dict) else ()):
        if not isinstance(cat, dict):
            continue
        model = cat.get("model")
        labels = [x for x in _items(model.get("labels")) if isinstance(x, str)] \
            if isinstance(model, dict) else []
        categories[str(name)] = Category.model_construct(
            words=[_salvage_words(w) for w in _items(cat.get("words"))],
            patterns=[_salvage_pattern(p) for p in _items(cat.get("patterns"))],
            model=ModelThresholds.model_construct(labels=labels) if labels else None)
    return PolicyDocument.model_construct(lists=named, categories=categories)


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _salvage_words(w: Any) -> WordSource:
    """An entry's list files (an entry that is not a mapping keeps its index, with none)."""
    w = w if isinstance(w, dict) else {}
    return WordSource.model_construct(
        file=_str(w.get("file")), base=w.get("base") if w.get("base") == "better-profanity"
        else None, exclude=[x for x in _items(w.get("exclude")) if _str(x)])


def _salvage_pattern(p: Any) -> PatternRule:
    """An entry's pattern, if it has a text one (its id as written, else its position)."""
    p = p if isinstance(p, dict) else {}
    text = _str(p.get("pattern"))
    return PatternRule.model_construct(id=(_str(p.get("id")) or "(no id)") if text else "",
                                       pattern=text or "")


def _describe(e: Any, pos: Pos) -> str:
    loc = tuple(e["loc"])
    where = pos.locate(loc)
    what = ".".join(map(str, loc)) or "(top)"
    msg = e["msg"]
    if e["type"] in ("literal_error", "enum"):
        msg += f" (got {e['input']!r})"
    elif e["type"] == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1])
        if allowed:
            msg += f" (allowed here: {', '.join(allowed)})"
    elif e["type"] == "missing":
        msg += " (a new category needs at least description and action)" \
            if len(loc) == 3 and loc[0] == "categories" else ""
    return f"{where}: {what}: {msg}"


def _allowed_keys(loc: tuple[Any, ...]) -> list[str]:
    """Field names valid at ``loc`` (for "extra inputs are not permitted" messages)."""
    cls: Any = PolicyDocument
    ann: Any = None
    for part in loc:
        if isinstance(part, int):
            continue
        if ann is not None and get_origin(ann) is dict:
            ann = get_args(ann)[1]
            cls = ann if isinstance(ann, type) and issubclass(ann, BaseModel) else None
            ann = None
            continue
        if cls is None or part not in cls.model_fields:
            return []
        ann = cls.model_fields[part].annotation
        for a in (ann, *get_args(ann)):
            if isinstance(a, type) and issubclass(a, BaseModel):
                cls = a
                break
            if get_origin(a) is list and get_args(a) and isinstance(get_args(a)[0], type) \
                    and issubclass(get_args(a)[0], BaseModel):
                cls = get_args(a)[0]
                break
        else:
            cls = None
        if get_origin(ann) is dict:
            continue
        ann = None
    if cls is None or (ann is not None and get_origin(ann) is dict):
        return []
    names = list(cls.model_fields)
    if cls is Category:
        names += [f"{n}_add/_remove" for n in _LIST_FIELDS]
    return names


_LIST_FIELDS = ("words", "embedded", "patterns", "allow", "allow_phrases", "allow_capitalized")


def _resolve(doc: PolicyDocument, source: str, sources: Sources, assembled: Assembled,
             strict: bool) -> Policy:
    """Read every list, compile and bound every pattern, and hash it all into the version."""
    lists, digest, problems = _check(doc, sources, assembled, strict)
    if problems:
        raise PolicyError(source, problems)
    version = digest.hexdigest()[:12]
    return Policy(doc, source, version, lists, sources.bundle(assembled.chain[0][0]))


def _check(doc: PolicyDocument, sources: Sources, assembled: Assembled,
           strict: bool) -> tuple[dict[str, list[str]], Any, list[str]]:
    """(lists read, version digest, problems): every list file read, every pattern compiled
    and bounded, every model label known."""
    from moderation.policy import regex_safety

    pos = assembled.pos
    problems: list[str] = []
    lists: dict[str, list[str]] = {}
    (_, root_text), *bases = assembled.chain
    digest = hashlib.sha256(root_text.encode("utf-8"))
    for key, text in bases:
        digest.update(f"\0extends\0{key}\0".encode())
        digest.update(text.encode("utf-8"))

    def load(ref: str, loc: tuple[Any, ...]) -> None:
        if ref in lists:
            return
        try:
            lists[ref] = parse_word_list(sources.read(ref))
        except FileNotFoundError:
            problems.append(f"{pos.locate(loc)}: word list {ref!r} not found (looked for "
                            f"{sources.display(ref)}; allowed: a list file relative to the "
                            "policy that names it)")
            return
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"{pos.locate(loc)}: cannot read {ref!r}: {exc}")
            return
        digest.update(f"\0{ref}\0".encode())
        digest.update("\n".join(lists[ref]).encode("utf-8"))

    for name, ref in sorted(doc.lists.items()):
        load(ref, ("lists", name))
        if ref in lists:
            lists["@" + name] = lists[ref]
    for cname, cat in doc.categories.items():
        for i, src in enumerate(cat.words):
            if src.file:
                load(src.file, ("categories", cname, "words", i, "file"))
            if src.base == "better-profanity" and "@better-profanity" not in lists:
                lists["@better-profanity"] = parse_word_list(sources.read(BETTER_PROFANITY_KEY))
                digest.update("\n".join(lists["@better-profanity"]).encode("utf-8"))
            for j, ex in enumerate(src.exclude):
                load(ex, ("categories", cname, "words", i, "exclude", j))
        policy = Policy(doc, source="", version="", word_lists=lists)
        for i, pat in enumerate(cat.patterns):
            if not pat.id:
                continue  # salvage place holder: the schema pass reported this entry
            where = pos.locate(("categories", cname, "patterns", i, "pattern"))
            missing = [n for n in _PLACEHOLDER.findall(pat.pattern) if "@" + n not in lists]
            if missing:
                problems.append(f"{where}: pattern {pat.id!r} uses unknown list(s) "
                                f"{', '.join(missing)} (allowed: the names under 'lists': "
                                f"{', '.join(sorted(doc.lists)) or 'none defined'})")
                continue
            try:
                rx = re.compile(policy.expand(pat.pattern))
            except re.error as exc:
                problems.append(f"{where}: pattern {pat.id!r} does not compile: {exc} "
                                "(allowed: a Python regular expression)")
                continue
            for text in _static_problems(pat.pattern, rx.pattern):
                problems.append(f"{where}: pattern {pat.id!r} can backtrack catastrophically: "
                                f"{text} (allowed: repeats whose parts cannot match the same "
                                r"text, e.g. '(?:\w+\s+)*' rather than '(\w+\s?)*')")
                break
            else:
                if strict:
                    ok, m = regex_safety.measure(rx)
                    if not ok:
                        problems.append(f"{where}: pattern {pat.id!r} is too slow: "
                                        f"{m.describe(regex_safety.DEFAULT_BUDGET_MS)}")
        if cat.model:
            for j, label in enumerate(cat.model.labels):
                problems.extend(
                    f"{pos.locate(('categories', cname, 'model', 'labels', j))}: unknown model "
                    f"label {label!r} (allowed: {', '.join(STANDARD_LABELS)})"
                    for _ in [0] if label not in STANDARD_LABELS)
    if doc.targets is not None:
        problems.extend(target_problems(doc.targets, Policy(doc, "", "", lists), pos,
                                        set(doc.lists), set(doc.categories)))
    from moderation.policy.languages import resolve_languages

    resolve_languages(doc, lists, load, pos.locate, problems, _static_problems)
    return lists, digest, problems


@lru_cache(maxsize=4096)
def _static_problems(written: str, expanded: str) -> tuple[str, ...]:
    """Static regex check, cached: the same pattern is checked once per process."""
    from moderation.policy import regex_safety

    return tuple(regex_safety.static_problems(expanded))


# --- JSON Schema for editors -------------------------------------------------------------------

def json_schema() -> dict[str, Any]:
    """The policy format as JSON Schema (2020-12) for editors, including extends overrides.

    A policy without ``extends`` must give complete categories; an extending policy may give
    only the fields it changes, plus ``<field>_add`` / ``<field>_remove`` list operations.
    """
    schema = PolicyDocument.model_json_schema()
    defs = schema["$defs"]
    cat = defs["Category"]
    required = cat.pop("required", [])
    for name in _LIST_FIELDS:
        item = cat["properties"][name]
        cat["properties"][f"{name}_add"] = {**item, "description": f"entries appended to the "
                                            f"base's {name} (same id/file/value: replaced)"}
        remove_items = {"type": "string"} if name in ("patterns", "words") else item["items"]
        cat["properties"][f"{name}_remove"] = {
            "type": "array", "items": {"anyOf": [remove_items, item["items"]]},
            "description": f"entries removed from the base's {name} (patterns by id, "
                           "words by file)"}
    full_props: dict[str, Any] = {}
    for name in ("model", "links", "contacts", "relevance"):
        prop = cat["properties"][name]
        full_props[name] = dict(prop)
        ref = next(x["$ref"] for x in prop["anyOf"] if "$ref" in x)
        model = ref.rsplit("/", 1)[1]
        patch = {k: v for k, v in defs[model].items() if k not in ("required", "title")}
        defs[f"{model}Patch"] = {**patch, "description": f"{model}: only the fields given "
                                 "replace the base's (in an extending policy)"}
        cat["properties"][name] = {
            "anyOf": [{"$ref": f"#/$defs/{model}Patch"}, {"type": "null"}],
            "description": "in an extending policy, only the fields given replace the "
                           "base's; null removes it"}
    defs["CompleteCategory"] = {"allOf": [{"$ref": "#/$defs/Category"}],
                                "required": required, "properties": full_props}
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://moderation.example/policy.schema.json"
    schema["title"] = "Moderation policy"
    schema["description"] = (
        "A site's community guidelines as a moderation policy (see docs/policies.md). Without "
        "'extends' every category is complete; with it, categories override the base's.")
    schema["required"] = ["id"]
    schema["if"] = {"not": {"required": ["extends"]}}
    schema["then"] = {
        "required": ["id", "categories"],
        "properties": {"categories": {"type": "object", "minProperties": 1,
                                      "additionalProperties": {"$ref":
                                                               "#/$defs/CompleteCategory"}}}}
    return schema
