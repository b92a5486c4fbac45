"""What editors do with policies, shared by the CLI and the admin API: validate, apply, diff.

``apply`` is the only way a policy changes in production: it validates strictly (every problem
listed, regexes bounded by measurement), stores the version with its files and makes it live in
one transaction. A refused edit changes nothing: the previous version stays live.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from moderation.policy import Policy, load_policy, parse_policy_text, policy_dirs
from moderation.policy.sources import find_policy_file
from moderation.policy.versions import Applied, PolicyVersion, apply_version
from moderation.store.db import Database


def validate_file(path: str | Path, *, strict: bool = True) -> Policy:
    """Load a policy file with every check; raises PolicyError listing all problems."""
    return load_policy(path, strict=strict)


def apply_file(db: Database, path: str | Path, *, author: str, message: str = "") -> Applied:
    """Validate ``path`` strictly, store it as the next version of its policy, make it live."""
    return apply_version(db, validate_file(path), author=author, message=message)


def policy_dir_for(policy_id: str, policy_dir: Path | None = None) -> Path:
    """Where an uploaded policy's relative files (word lists, bases) are looked up."""
    existing = find_policy_file(policy_id, policy_dir)
    if existing is not None:
        return existing.parent
    if policy_dir is not None:
        return policy_dir
    dirs = policy_dirs()
    return dirs[0] if dirs else Path.cwd()


def parse_upload(policy_id: str, yaml_text: str, files: dict[str, str] | None = None, *,
                 policy_dir: Path | None = None, strict: bool = True) -> Policy:
    """A policy sent to the API: YAML text plus optional files (key -> text) not on the server."""
    base_dir = policy_dir_for(policy_id, policy_dir)
    policy = parse_policy_text(yaml_text, f"{policy_id}.yaml", base_dir, strict=strict,
                               files=files)
    if policy.id != policy_id:
        from moderation.errors import PolicyError

        raise PolicyError(f"{policy_id}.yaml", [
            f"{policy_id}.yaml:1:1: id: the policy says id {policy.id!r} but is sent as "
            f"{policy_id!r} (allowed: the id in the URL)"])
    return policy


# ------------------------------------------------------------------ diff

@dataclass
class FileDiff:
    key: str
    status: str  # changed | added | removed
    unified: list[str]
    added: list[str]  # word-list entries added (lists only)
    removed: list[str]


def _is_list(key: str) -> bool:
    return key.startswith("@") or not key.endswith((".yaml", ".yml"))


def _entries(text: str) -> list[str]:
    from moderation.policy import parse_word_list

    return parse_word_list(text)


def diff_bundles(old: dict[str, Any], new: dict[str, Any], old_label: str,
                 new_label: str) -> list[FileDiff]:
    """Per-file differences between two stored versions: unified diff of the YAML files, and
    entries added/removed for word lists (order and comments do not matter there)."""
    a, b = old["files"], new["files"]
    out: list[FileDiff] = []
    for key in sorted(set(a) | set(b), key=lambda k: (_is_list(k), k)):
        ta, tb = a.get(key), b.get(key)
        if ta == tb:
            continue
        status = "added" if ta is None else "removed" if tb is None else "changed"
        unified = list(difflib.unified_diff(
            (ta or "").splitlines(), (tb or "").splitlines(), f"{old_label}/{key}",
            f"{new_label}/{key}", lineterm="", n=2))
        added: list[str] = []
        removed: list[str] = []
        if _is_list(key):
            ea, eb = set(_entries(ta or "")), set(_entries(tb or ""))
            added, removed = sorted(eb - ea), sorted(ea - eb)
        out.append(FileDiff(key, status, unified, added, removed))
    return out


def render_diff(old: PolicyVersion, new: PolicyVersion) -> str:
    """The readable diff printed by ``moderation policy diff``."""
    la, lb = f"{old.policy_id}@{old.seq}", f"{new.policy_id}@{new.seq}"
    lines = [f"--- {la}  {old.version}  {old.created_at:%Y-%m-%d %H:%M} {old.author}: "
             f"{old.message}",
             f"+++ {lb}  {new.version}  {new.created_at:%Y-%m-%d %H:%M} {new.author}: "
             f"{new.message}"]
    diffs = diff_bundles(old.bundle, new.bundle, la, lb)
    if not diffs:
        lines.append("(no differences: same content)")
    for d in diffs:
        lines.append("")
        if _is_list(d.key):
            name = "better-profanity (installed package)" if d.key.startswith("@") else d.key
            lines.append(f"word list {name} ({d.status}): +{len(d.added)} -{len(d.removed)} "
                         "entries")
            lines += [f"  + {w}" for w in d.added[:200]]
            lines += [f"  - {w}" for w in d.removed[:200]]
            if len(d.added) > 200 or len(d.removed) > 200:
                lines.append("  ... (truncated at 200 per side)")
        else:
            lines.append(f"policy file {d.key} ({d.status}):")
            lines += d.unified[2:]
    return "\n".join(lines)
