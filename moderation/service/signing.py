"""HMAC-SHA256 request signatures, the same scheme both ways (CMS -> webhook, callback -> CMS).

Header: ``X-Moderation-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>``.
Several ``v1=`` values may be sent so that a site can rotate its secret without downtime; the
timestamp bounds replays. Comparison is constant-time.

A request without a body (``GET /v1/comments/{site_id}/{comment_id}``) signs ``"<METHOD> <path>"``
in place of the body: ``HMAC-SHA256(secret, "<t>.GET /v1/comments/site/c-1")``, so a signature
read off one status request opens no other comment (see ``request_payload``).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Iterable

HEADER = "X-Moderation-Signature"
SCHEME = "v1"


class SignatureError(Exception):
    """The signature header is missing, malformed, stale or matches none of the site's secrets."""


def compute(secret: str, timestamp: int, body: bytes) -> str:
    msg = str(timestamp).encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), msg, hashlib.sha256).hexdigest()


def sign(secrets: str | Iterable[str], body: bytes, timestamp: int | None = None) -> str:
    """Header value signing ``body`` with one secret, or several (rotation)."""
    t = int(time.time()) if timestamp is None else int(timestamp)
    keys = [secrets] if isinstance(secrets, str) else list(secrets)
    return ",".join([f"t={t}"] + [f"{SCHEME}={compute(k, t, body)}" for k in keys])


def request_payload(method: str, path: str) -> bytes:
    """What a body-less request signs in place of its body: the method and the path as sent
    (percent-encoded, without the query string), e.g. ``b"GET /v1/comments/site%201/c-1"``."""
    return f"{method.upper()} {path}".encode()


def sign_request(secrets: str | Iterable[str], method: str, path: str,
                 timestamp: int | None = None) -> str:
    """Header value for a body-less request (what a CMS sends to read a comment's status)."""
    return sign(secrets, request_payload(method, path), timestamp)


def verify_request(header: str | None, method: str, paths: Iterable[str],
                   secrets: Iterable[str], *, tolerance_s: int = 300,
                   now: float | None = None) -> None:
    """``verify`` for a body-less request; ``paths`` are the spellings of the one path that
    are accepted (as received, and relative to the service's root path behind a proxy)."""
    keys = list(secrets)
    errors: list[SignatureError] = []
    for path in dict.fromkeys(paths):
        try:
            verify(header, request_payload(method, path), keys, tolerance_s=tolerance_s, now=now)
            return
        except SignatureError as exc:
            errors.append(exc)
    raise errors[0] if errors else SignatureError("signature does not match")


def parse(header: str) -> tuple[int, list[str]]:
    """``(timestamp, [v1 signatures])``; raises SignatureError when malformed."""
    timestamp: int | None = None
    sigs: list[str] = []
    for part in header.split(","):
        key, sep, value = part.strip().partition("=")
        if not sep:
            raise SignatureError("malformed signature header")
        if key == "t":
            if not value.isdigit():
                raise SignatureError("malformed timestamp in signature header")
            timestamp = int(value)
        elif key == SCHEME:
            sigs.append(value.strip().lower())
    if timestamp is None:
        raise SignatureError("signature header has no timestamp (t=)")
    if not sigs:
        raise SignatureError("signature header has no v1= signature")
    return timestamp, sigs


def verify(
    header: str | None,
    body: bytes,
    secrets: Iterable[str],
    *,
    tolerance_s: int = 300,
    now: float | None = None,
) -> None:
    """Accept when any ``v1`` matches any secret and the timestamp is within ``tolerance_s``."""
    if not header:
        raise SignatureError(f"missing {HEADER} header")
    timestamp, sigs = parse(header)
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance_s:
        raise SignatureError("signature timestamp outside the allowed window (replay protection)")
    matched = False
    for secret in secrets:
        expected = compute(secret, timestamp, body)
        for sig in sigs:
            # no early exit: every comparison is made, each in constant time
            matched |= hmac.compare_digest(expected, sig)
    if not matched:
        raise SignatureError("signature does not match")
