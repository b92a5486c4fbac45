"""Where a policy's files come from: the policies directory on disk, or a stored version bundle.

A policy is several files (its YAML, the YAML it extends, the word lists). Every file is named by
a *key*: its path relative to the directory of the policy being loaded (``words/x.txt``,
``default.yaml``, ``../common/words/y.txt``). Loading reads files only through a ``Sources``, which
records what it read; that record is the version **bundle** stored in the database, so any
process can rebuild exactly the accepted version without the files, and a file edited after
``apply`` never changes what is live.
"""

from __future__ import annotations

import os
import posixpath
from pathlib import Path
from typing import Any

#: Key of better-profanity's own word list (read from the installed package).
BETTER_PROFANITY_KEY = "@better-profanity"
BUNDLE_FORMAT = 1
REPO_POLICY_DIR = Path(__file__).resolve().parents[2] / "policies"
PACKAGED_POLICY_DIR = Path(__file__).resolve().parents[1] / "data" / "policies"


def policy_dirs() -> list[Path]:
    """Directories searched for ``<id>.yaml``: $MODERATION_POLICY_DIR, the repo's, the packaged."""
    env = os.environ.get("MODERATION_POLICY_DIR")
    dirs = ([Path(env)] if env else []) + [REPO_POLICY_DIR, PACKAGED_POLICY_DIR]
    return [d for d in dirs if d.is_dir()]


def find_policy_file(policy_id: str, policy_dir: Path | None = None) -> Path | None:
    """The file of policy ``policy_id``: ``<dir>/<id>.yaml`` in the first directory that has it."""
    dirs = ([policy_dir] if policy_dir is not None else []) + policy_dirs()
    for d in dirs:
        candidate = d / f"{policy_id}.yaml"
        if candidate.is_file():
            return candidate
    return None


def join_key(from_key: str, ref: str) -> str:
    """A reference written in file ``from_key`` as a key (relative to the root's directory)."""
    if os.path.isabs(ref):
        return posixpath.normpath(ref)
    return posixpath.normpath(posixpath.join(posixpath.dirname(from_key), ref))


def is_path_ref(target: str) -> bool:
    """``extends: base.yaml`` / ``../x/base.yml`` is a file; ``extends: default`` is a policy id."""
    return "/" in target or target.endswith((".yaml", ".yml"))


class Sources:
    """Reads files by key and remembers every one it read (the bundle)."""

    def __init__(self) -> None:
        self.read_files: dict[str, str] = {}
        self.extends: dict[str, str] = {}  # "<from_key>\0<target>" -> key

    def _read(self, key: str) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def _find(self, target: str, from_key: str) -> tuple[str | None, list[str]]:
        raise NotImplementedError  # pragma: no cover

    def display(self, key: str) -> str:
        return key

    def read(self, key: str) -> str:
        """The text of ``key``; FileNotFoundError when it does not exist."""
        if key not in self.read_files:
            self.read_files[key] = self._read(key)
        return self.read_files[key]

    def resolve_extends(self, target: str, from_key: str) -> tuple[str | None, list[str]]:
        """(key of the extended policy or None, the places looked at)."""
        key, looked = self._find(target, from_key)
        if key is not None:
            self.extends[f"{from_key}\0{target}"] = key
        return key, looked

    def bundle(self, root: str) -> dict[str, Any]:
        return {"format": BUNDLE_FORMAT, "root": root, "files": dict(self.read_files),
                "extends": dict(self.extends)}


class FileSources(Sources):
    """Files on disk, keys relative to ``root_dir``; ``overrides`` supplies texts not on disk."""

    def __init__(self, root_dir: Path, root_key: str, root_display: str,
                 overrides: dict[str, str] | None = None) -> None:
        super().__init__()
        self.root_dir = root_dir
        self.root_key = root_key
        self.root_display = root_display
        self.overrides = dict(overrides or {})

    def path(self, key: str) -> Path:
        return Path(os.path.normpath(self.root_dir / key))

    def display(self, key: str) -> str:
        return self.root_display if key == self.root_key else str(self.path(key))

    def _read(self, key: str) -> str:
        if key in self.overrides:
            return self.overrides[key]
        if key == BETTER_PROFANITY_KEY:
            import better_profanity

            return (Path(better_profanity.__file__).parent / "profanity_wordlist.txt").read_text(
                encoding="utf-8")
        path = self.path(key)
        if not path.is_file():
            raise FileNotFoundError(str(path))
        return path.read_text(encoding="utf-8")

    def _key_for(self, path: Path) -> str:
        try:
            rel = os.path.relpath(path, self.root_dir)
        except ValueError:  # pragma: no cover - other drive on Windows
            return str(path)
        return Path(rel).as_posix()

    def _find(self, target: str, from_key: str) -> tuple[str | None, list[str]]:
        if is_path_ref(target):
            key = join_key(from_key, target)
            return (key if key in self.overrides or self.path(key).is_file() else None,
                    [str(self.path(key))])
        from_dir = self.path(from_key).parent
        looked: list[str] = []
        for d in [from_dir] + policy_dirs():
            candidate = d / f"{target}.yaml"
            if str(candidate) in looked:
                continue
            looked.append(str(candidate))
            key = self._key_for(candidate)
            if key in self.overrides or candidate.is_file():
                return key, looked
        return None, looked


class BundleSources(Sources):
    """A stored version: every file it needs, nothing else."""

    def __init__(self, bundle: dict[str, Any], label: str) -> None:
        super().__init__()
        if bundle.get("format") != BUNDLE_FORMAT:
            raise ValueError(f"unsupported policy bundle format {bundle.get('format')!r}")
        self.files: dict[str, str] = bundle["files"]
        self.links: dict[str, str] = bundle.get("extends", {})
        self.label = label

    def display(self, key: str) -> str:
        return f"{self.label}:{key}"

    def _read(self, key: str) -> str:
        if key not in self.files:
            raise FileNotFoundError(f"{key} (not in the stored version)")
        return self.files[key]

    def _find(self, target: str, from_key: str) -> tuple[str | None, list[str]]:
        key = self.links.get(f"{from_key}\0{target}")
        return key, [f"{self.label} (stored extends links)"]
