"""One safe JSON parser for request bodies and input lines (issue 13, item 5).

``json.loads`` is recursive: a body of ``{"a":`` repeated a thousand times raises
``RecursionError`` and a 5,000-digit number a bare ``ValueError`` (each was a 500), and
``1e999`` becomes an infinity that no JSON answer may hold. Here the nesting depth is measured
first by a flat, non-recursive token scan, numbers are bounded, and every failure is a
``BodyError`` with a reason a client can act on; each route maps it to its own protocol's 4xx.

``top_level_string`` reads one top-level string field (the webhook's ``site_id``) from the raw
bytes with the same flat scan, so that a signature can be checked on the raw bytes before the
body is parsed at all.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

MAX_DEPTH = 64  # a comment body nests 2 levels; Perspective's and Coral's 4
MAX_NUMBER_CHARS = 100  # no field of any route needs a longer number

# A JSON string (unrolled loop: linear, an unterminated string runs to the end) or a structural
# character. Numbers and literals are not tokens: the scan only needs nesting and strings.
_TOKEN = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}:,]', re.DOTALL)
_OPEN, _CLOSE = frozenset(b"[{"), frozenset(b"]}")
_COLON, _COMMA = ord(":"), ord(",")


class _NumberError(ValueError):
    """A number (or NaN/Infinity) the parser refuses; ``loads`` names the input."""


class BodyError(ValueError):
    """The body is not acceptable JSON; ``reason`` says why, for the client."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def decode_utf8(raw: bytes, what: str = "body") -> str:
    """Strict UTF-8 (no UTF-16/32 guessing), with the offending byte's offset in the reason."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BodyError(f"{what} is not valid UTF-8 ({exc.reason} at byte {exc.start})") from None


def nesting_depth(raw: bytes) -> int:
    """The deepest nesting of arrays and objects, brackets inside strings not counted."""
    if raw.count(b"[") + raw.count(b"{") <= MAX_DEPTH:
        return raw.count(b"[") + raw.count(b"{")  # an upper bound, enough to accept the body
    depth = deepest = 0
    for m in _TOKEN.finditer(raw):
        c = m.group()[0]
        if c in _OPEN:
            depth += 1
            deepest = max(deepest, depth)
        elif c in _CLOSE:
            depth -= 1
    return deepest


def _no_constant(name: str) -> float:
    raise _NumberError(f"{name} is not a JSON number")


def _bounded_float(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise _NumberError(f"a number of {len(text)} characters; at most "
                           f"{MAX_NUMBER_CHARS} accepted")
    value = float(text)
    if not math.isfinite(value):
        raise _NumberError(f"a number too large to represent ({text[:20]})")
    return value


def _bounded_int(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise _NumberError(f"a number of {len(text)} digits; at most "
                           f"{MAX_NUMBER_CHARS} accepted")
    return int(text)


_DECODER = json.JSONDecoder(parse_constant=_no_constant, parse_float=_bounded_float,
                            parse_int=_bounded_int)  # built once: json.loads builds one a call


def loads(raw: bytes, what: str = "body") -> Any:
    """Parse a request body (or ``what`` else, named in reasons): strict UTF-8, at most
    ``MAX_DEPTH`` levels, bounded finite numbers, no NaN/Infinity. Raises ``BodyError``, never
    anything else, for any bytes."""
    text = decode_utf8(raw, what)
    depth = nesting_depth(raw)
    if depth > MAX_DEPTH:
        raise BodyError(f"{what} nests arrays/objects {depth} levels deep; at most {MAX_DEPTH} "
                        "accepted")
    try:
        return _DECODER.decode(text)
    except _NumberError as exc:
        raise BodyError(f"{what} is not acceptable JSON: {exc}") from None
    except json.JSONDecodeError as exc:
        raise BodyError(f"{what} is not valid JSON: {exc}") from None  # msg, line, column
    except (ValueError, RecursionError) as exc:  # defence in depth: the checks above hold
        raise BodyError(f"{what} is not acceptable JSON: {exc}") from None


def loads_object(raw: bytes) -> dict[str, Any]:
    """``loads`` for routes whose body must be a JSON object."""
    data = loads(raw)
    if not isinstance(data, dict):
        raise BodyError(f"body must be a JSON object, not {_json_type(data)}")
    return data


def _json_type(value: Any) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return "a number"


def top_level_string(raw: bytes, key: str) -> str | None:
    """The string value of the first ``key`` in the top-level JSON object of ``raw``, read
    without parsing the body; None when the body does not start as an object or the value is not
    a string. Callers compare it with the full parse, which keeps the *last* of duplicate keys
    (and may refuse a malformed body): a body the two read differently is refused."""
    if not raw.lstrip()[:1] == b"{":
        return None
    plain_key = b'"' + key.encode("utf-8") + b'"'
    depth = 0
    current: bytes | None = None  # the key (a string token) whose value comes next, at depth 1
    for m in _TOKEN.finditer(raw):
        tok = m.group()
        c = tok[0]
        if c in _OPEN:
            depth += 1  # any depth: this scan is flat
        elif c in _CLOSE:
            depth -= 1
            if depth <= 0:
                break
        elif depth != 1 or c == _COLON:
            continue
        elif c == _COMMA:
            current = None
        elif current is None:
            current = tok
        else:
            if current == plain_key or (b"\\" in current and _string(current) == key):
                return _string(tok)
            current = None
    return None


def _string(tok: bytes) -> str | None:
    """One JSON string token decoded (no recursion: a string holds no nesting)."""
    try:
        value = json.loads(tok)
    except ValueError:
        return None
    return value if isinstance(value, str) else None
