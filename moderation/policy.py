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
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from moderation.errors import PolicyError

CategoryAction = Literal["reject", "review", "flag"]
#: Where the default policy lives when neither a path nor MODERATION_POLICY_DIR is given.
REPO_POLICY_DIR = Path(__file__).resolve().parent.parent / "policies"
PACKAGED_POLICY_DIR = Path(__file__).resolve().parent / "data" / "policies"
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


class ModelThresholds(_Strict):
    """Model signal for a category: at ``review_at`` a person looks, at ``reject_at`` it is rejected."""

    labels: list[str] = Field(min_length=1)
    review_at: float | None = Field(default=None, ge=0.0, le=1.0)
    reject_at: float | None = Field(default=None, ge=0.0, le=1.0)

    @model_validator(mode="after")
    def _ordered(self) -> ModelThresholds:
        if self.review_at is not None and self.reject_at is not None:
            if self.review_at > self.reject_at:
                raise ValueError(
                    f"review_at ({self.review_at}) must not be above reject_at ({self.reject_at})"
                )
        if self.review_at is None and self.reject_at is None:
            raise ValueError("give review_at, reject_at or both")
        return self


class LinkRules(_Strict):
    """How links are judged: cited sources are fine, promotion is not."""

    allowed_domains: list[str] = Field(default_factory=list)
    shorteners: list[str] = Field(default_factory=list)
    blocked_domains: list[str] = Field(default_factory=list)
    unknown_link_action: CategoryAction = "review"
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
    model: ModelThresholds | None = None
    links: LinkRules | None = None
    contacts: ContactRules | None = None
    relevance: RelevanceRules | None = None


class PolicyDocument(_Strict):
    """The YAML as written (before lists are read)."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")]
    name: str | None = None
    description: str | None = None
    max_length: int = Field(default=10000, ge=1, le=1_000_000)
    lists: dict[str, str] = Field(default_factory=dict)
    categories: dict[str, Category] = Field(min_length=1)

    @field_validator("categories")
    @classmethod
    def _names(cls, v: dict[str, Category]) -> dict[str, Category]:
        for name in v:
            if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
                raise ValueError(f"category name {name!r} must be lower_snake_case")
        return v


class Policy:
    """A loaded, validated policy: the document plus every word list, read and checked."""

    def __init__(self, doc: PolicyDocument, source: str, version: str,
                 word_lists: dict[str, list[str]]) -> None:
        self.doc = doc
        self.source = source
        self.version = version
        self._lists = word_lists  # key: list file path (relative) or "@name" for named lists

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
    entries: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
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
    """``$MODERATION_POLICY_DIR/default.yaml``, else the repo's ``policies/``, else the packaged copy."""
    env = os.environ.get("MODERATION_POLICY_DIR")
    for d in ([Path(env)] if env else []) + [REPO_POLICY_DIR, PACKAGED_POLICY_DIR]:
        if (d / "default.yaml").is_file():
            return d / "default.yaml"
    raise PolicyError("default.yaml", ["no default policy found (set MODERATION_POLICY_DIR)"])


# --- YAML with line numbers ------------------------------------------------------------------

def _positions(node: yaml.Node, path: tuple[Any, ...], out: dict[tuple[Any, ...], tuple[int, int]]) -> None:
    """Record the (line, column) of every key path in a composed YAML tree."""
    out.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            k = key.value
            out[path + (k,)] = (key.start_mark.line + 1, key.start_mark.column + 1)
            _positions(value, path + (k,), out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _positions(item, path + (i,), out)


def _where(source: str, positions: dict[tuple[Any, ...], tuple[int, int]], loc: tuple[Any, ...]) -> str:
    path = tuple(loc)
    while path and path not in positions:
        path = path[:-1]
    line, col = positions.get(path, (1, 1))
    return f"{source}:{line}:{col}"


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys (a duplicated category would silently win)."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict[Any, yaml.Node] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (first at line {seen[key].start_mark.line + 1})",
                key_node.start_mark,
            )
        seen[key] = key_node
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def parse_policy_text(text: str, source: str, base_dir: Path) -> Policy:
    """Validate a policy given as YAML text; list files resolve against ``base_dir``."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        raw = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark else source
        problem = getattr(exc, "problem", None) or str(exc)
        raise PolicyError(source, [f"{where}: YAML syntax: {problem}"]) from None
    if not isinstance(raw, dict):
        raise PolicyError(source, [f"{source}:1:1: a policy must be a YAML mapping"])
    positions: dict[tuple[Any, ...], tuple[int, int]] = {}
    if node is not None:
        _positions(node, (), positions)
    try:
        doc = PolicyDocument.model_validate(raw)
    except ValidationError as exc:
        problems = [
            f"{_where(source, positions, tuple(e['loc']))}: {'.'.join(map(str, e['loc'])) or '(top)'}: "
            f"{e['msg']}"
            + (f" (got {e['input']!r})" if e["type"] in ("literal_error", "enum") else "")
            for e in exc.errors()
        ]
        raise PolicyError(source, problems) from None
    return _resolve(doc, source, base_dir, positions, text)


def _resolve(doc: PolicyDocument, source: str, base_dir: Path,
             positions: dict[tuple[Any, ...], tuple[int, int]], text: str) -> Policy:
    """Read every list, compile every pattern, and hash it all into the version."""
    problems: list[str] = []
    lists: dict[str, list[str]] = {}
    digest = hashlib.sha256(text.encode("utf-8"))

    def load(ref: str, loc: tuple[Any, ...]) -> None:
        if ref in lists:
            return
        path = (base_dir / ref).resolve()
        if not path.is_file():
            problems.append(f"{_where(source, positions, loc)}: word list {ref!r} not found "
                            f"(looked for {path})")
            return
        try:
            lists[ref] = read_word_list(path)
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"{_where(source, positions, loc)}: cannot read {ref!r}: {exc}")
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
                lists["@better-profanity"] = better_profanity_words()
                digest.update("\n".join(lists["@better-profanity"]).encode("utf-8"))
            for j, ex in enumerate(src.exclude):
                load(ex, ("categories", cname, "words", i, "exclude", j))
        policy = Policy(doc, source, "", lists)
        for i, pat in enumerate(cat.patterns):
            loc = ("categories", cname, "patterns", i, "pattern")
            missing = [n for n in _PLACEHOLDER.findall(pat.pattern) if "@" + n not in lists]
            if missing:
                problems.append(f"{_where(source, positions, loc)}: pattern {pat.id!r} uses unknown "
                                f"list(s) {', '.join(missing)} (define them under 'lists')")
                continue
            try:
                re.compile(policy.expand(pat.pattern))
            except re.error as exc:
                problems.append(f"{_where(source, positions, loc)}: pattern {pat.id!r} does not "
                                f"compile: {exc}")
        if cat.model:
            from moderation.scorers.base import STANDARD_LABELS

            for j, label in enumerate(cat.model.labels):
                if label not in STANDARD_LABELS:
                    problems.append(
                        f"{_where(source, positions, ('categories', cname, 'model', 'labels', j))}: "
                        f"unknown model label {label!r} (allowed: {', '.join(STANDARD_LABELS)})")
    if problems:
        raise PolicyError(source, problems)
    version = digest.hexdigest()[:12]
    return Policy(doc, source, version, lists)


def load_policy(path: str | os.PathLike[str] | None = None) -> Policy:
    """Load and validate a policy file (None: the default policy). Raises PolicyError."""
    p = Path(path) if path is not None else default_policy_path()
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PolicyError(str(p), [f"{p}: file not found"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(str(p), [f"{p}: cannot read: {exc}"]) from None
    return parse_policy_text(text, str(p), p.parent)
