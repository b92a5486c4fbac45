"""``extends``: assemble a policy from its chain of bases, keeping where every value was written.

Merge rules (also in docs/policies.md):

* ``extends: <id>`` names a policy in the policies directory (``<id>.yaml`` next to the file,
  then $MODERATION_POLICY_DIR, then the shipped ``policies/``); ``extends: ./base.yaml`` (any
  value with ``/`` or ending in ``.yaml``) is a file relative to the extending one. Bases may
  extend further; a cycle is an error.
* Mappings merge key by key, recursively: the child's value replaces the base's value for every
  key it names, and keeps everything it does not name. So a category given in the child changes
  only the fields it names (``model: {reject_at: 0.9}`` keeps the base's labels and
  ``review_at``); a new category must be complete; ``lists`` entries are replaced by name.
* A list given in full (``patterns: [...]``, ``allow: [...]``) replaces the base's list.
  ``<field>_remove: [...]`` then removes entries and ``<field>_add: [...]`` appends them; patterns
  are matched by ``id`` (an added pattern with an existing id replaces it in place), word sources
  by ``file``/``base``, everything else by value. Removing an entry that is not there is an error.
* ``model: null`` (any key set to ``null``) removes what the base had; ``enabled: false`` turns
  a base category off.
* Paths (word lists) are relative to the file that names them, wherever the base lives.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import yaml

from moderation.policy.sources import Sources, join_key

_OPS = ("_add", "_remove")


@dataclass
class Pos:
    """Where a value was written (``file:line:col``) and where its children were."""

    where: str
    kids: dict[Any, Pos] = field(default_factory=dict)

    def locate(self, loc: tuple[Any, ...]) -> str:
        node = self
        for part in loc:
            nxt = node.kids.get(part)
            if nxt is None:
                break
            node = nxt
        return node.where


def _pos_tree(node: yaml.Node, display: str) -> Pos:
    pos = Pos(f"{display}:{node.start_mark.line + 1}:{node.start_mark.column + 1}")
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = _pos_tree(value, display)
            # errors about a key point at the key, not at its value
            child.where = f"{display}:{key.start_mark.line + 1}:{key.start_mark.column + 1}"
            pos.kids[key.value] = child
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            pos.kids[i] = _pos_tree(item, display)
    return pos


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys (a duplicated category would silently win)."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict[Any, yaml.Node] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (first at line {seen[key].start_mark.line + 1}"
                ", each key may appear once)", key_node.start_mark)
        seen[key] = key_node
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def parse_yaml(text: str, display: str) -> tuple[dict[str, Any], Pos]:
    """YAML text -> (mapping, positions). Raises ``ValueError(problem)`` with file:line:col."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        raw = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{display}:{mark.line + 1}:{mark.column + 1}" if mark else display
        problem = getattr(exc, "problem", None) or str(exc)
        raise ValueError(f"{where}: YAML syntax: {problem}") from None
    if not isinstance(raw, dict):
        raise ValueError(f"{display}:1:1: a policy must be a YAML mapping (key: value lines)")
    return raw, _pos_tree(node, display)


def _rebase(raw: dict[str, Any], file_key: str) -> None:
    """Rewrite list paths written in ``file_key`` as keys relative to the root policy."""
    if "/" not in file_key:
        return

    def fix(v: Any) -> Any:
        return join_key(file_key, v) if isinstance(v, str) else v

    if isinstance(raw.get("lists"), dict):
        raw["lists"] = {k: fix(v) for k, v in raw["lists"].items()}
    cats = raw.get("categories")
    langs = raw.get("languages", {}).get("covered") if isinstance(raw.get("languages"),
                                                                    dict) else None
    every = list(cats.values()) if isinstance(cats, dict) else []
    for lang in (langs.values() if isinstance(langs, dict) else ()):
        if isinstance(lang, dict):
            if isinstance(lang.get("lists"), dict):
                lang["lists"] = {k: fix(v) for k, v in lang["lists"].items()}
            if isinstance(lang.get("categories"), dict):
                every.extend(lang["categories"].values())
    for cat in every:
        if not isinstance(cat, dict):
            continue
        for name in ("words", "words_add", "words_remove"):
            items = cat.get(name)
            if not isinstance(items, list):
                continue
            for i, src in enumerate(items):
                if isinstance(src, dict):
                    if "file" in src:
                        src["file"] = fix(src["file"])
                    if isinstance(src.get("exclude"), list):
                        src["exclude"] = [fix(x) for x in src["exclude"]]
                elif name == "words_remove":
                    items[i] = fix(src)


def _identity(field_name: str, item: Any) -> str:
    if field_name == "patterns" and isinstance(item, dict):
        return f"id:{item.get('id')}"
    if field_name == "words":
        if isinstance(item, dict):
            return f"src:{item.get('file') or item.get('base')}"
        return f"src:{item}"
    try:
        return "v:" + json.dumps(item, sort_keys=True, default=str)
    except TypeError:  # pragma: no cover
        return "v:" + repr(item)


def _show_ident(ident: str) -> str:
    kind, _, value = ident.partition(":")
    if kind == "v":
        try:
            return str(json.loads(value))
        except ValueError:  # pragma: no cover
            return value
    return value


def merge(base: dict[str, Any], bpos: Pos, child: dict[str, Any], cpos: Pos,
          path: tuple[Any, ...], problems: list[str]) -> tuple[dict[str, Any], Pos]:
    """``child`` over ``base`` with the rules in the module docstring; positions follow values."""
    merged = dict(base)
    mpos = Pos(cpos.where, dict(bpos.kids))
    ops: list[tuple[str, str, Any]] = []
    for k, v in child.items():
        kpos = cpos.kids.get(k, cpos)
        if isinstance(k, str) and k.endswith(_OPS) and k not in base:
            op = "_add" if k.endswith("_add") else "_remove"
            ops.append((k[: -len(op)], op, v))
            continue
        if isinstance(v, dict) and isinstance(base.get(k), dict):
            merged[k], mpos.kids[k] = merge(base[k], bpos.kids.get(k, Pos(kpos.where)), v, kpos,
                                            path + (k,), problems)
        else:
            merged[k] = v
            mpos.kids[k] = kpos
    for name, op, values in sorted(ops, key=lambda o: o[1] != "_remove"):
        opkey = name + op
        opos = cpos.kids.get(opkey, cpos)
        if not isinstance(values, list):
            problems.append(f"{opos.where}: {'.'.join(map(str, path + (opkey,)))}: must be a list "
                            f"(got {type(values).__name__})")
            continue
        current = merged.get(name, [])
        if current is None:
            current = []
        if not isinstance(current, list):
            problems.append(f"{opos.where}: {'.'.join(map(str, path + (opkey,)))}: "
                            f"'{name}' is not a list, so it cannot take {op} "
                            "(allowed on: words, embedded, patterns, allow, allow_phrases, "
                            "allow_capitalized and the domain lists of links)")
            continue
        lpos = mpos.kids.get(name, Pos(opos.where))
        items = [(x, lpos.kids.get(i, lpos)) for i, x in enumerate(current)]
        if op == "_remove":
            for j, value in enumerate(values):
                # patterns are removed by id: "- old_id" or "- {id: old_id}"
                ident = f"id:{value}" if name == "patterns" and isinstance(value, str) \
                    else _identity(name, value)
                kept = [(x, p) for x, p in items if _identity(name, x) != ident]
                if len(kept) == len(items):
                    present = ", ".join(_show_ident(_identity(name, x)) for x, _ in items) or "none"
                    problems.append(
                        f"{opos.kids.get(j, opos).where}: {'.'.join(map(str, path + (opkey,)))}: "
                        f"{_show_ident(ident)!r} is not in '{name}' (present: {present})")
                items = kept
        else:
            for j, value in enumerate(values):
                ident = _identity(name, value)
                vpos = opos.kids.get(j, opos)
                for i, (x, _) in enumerate(items):
                    if _identity(name, x) == ident:
                        items[i] = (value, vpos)
                        break
                else:
                    items.append((value, vpos))
        merged[name] = [x for x, _ in items]
        mpos.kids[name] = Pos(lpos.where if name in base else opos.where,
                              {i: p for i, (_, p) in enumerate(items)})
    return merged, mpos


@dataclass
class Assembled:
    raw: dict[str, Any]
    pos: Pos
    chain: list[tuple[str, str]]  # (key, text) of the root and every base, root first


def assemble(sources: Sources, key: str, problems: list[str],
             _seen: tuple[str, ...] = ()) -> Assembled | None:
    """Read ``key`` and everything it extends; merged mapping with positions (None on errors)."""
    display = sources.display(key)
    try:
        text = sources.read(key)
    except FileNotFoundError as exc:
        problems.append(f"{display}: file not found ({exc})")
        return None
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(f"{display}: cannot read: {exc}")
        return None
    try:
        raw, pos = parse_yaml(text, display)
    except ValueError as exc:
        problems.append(str(exc))
        return None
    _rebase(raw, key)
    target = raw.pop("extends", None)
    epos = pos.kids.pop("extends", pos)
    if target is None:
        merged, mpos = merge({}, Pos(pos.where), raw, pos, (), problems)
        return Assembled(merged, mpos, [(key, text)])
    if not isinstance(target, str) or not target.strip():
        problems.append(f"{epos.where}: extends: must be a policy id or a relative .yaml path "
                        f"(got {target!r})")
        return None
    if "id" not in raw:
        problems.append(f"{pos.where}: id: required in a policy that extends another (otherwise "
                        f"it would take the id of {target!r})")
        return None
    base_key, looked = sources.resolve_extends(target, key)
    if base_key is None:
        problems.append(f"{epos.where}: extends: unknown policy {target!r} (looked for "
                        f"{', '.join(looked)}; allowed: the id of a policy in the policies "
                        "directory, or a path to a .yaml file relative to this one)")
        return None
    chain = _seen + (key,)
    if base_key in chain:
        cycle = " -> ".join(sources.display(k) for k in chain[chain.index(base_key):])
        problems.append(f"{epos.where}: extends: cycle {cycle} -> {sources.display(base_key)} "
                        "(a policy cannot extend itself, directly or through its bases)")
        return None
    base = assemble(sources, base_key, problems, chain)
    if base is None:
        return None
    merged, mpos = merge(base.raw, base.pos, raw, pos, (), problems)
    merged["extends"] = target
    mpos.kids["extends"] = epos
    return Assembled(merged, mpos, [(key, text)] + base.chain)
