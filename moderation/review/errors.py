"""Errors of the review logic, each carrying the HTTP status the API answers with."""

from __future__ import annotations

from typing import Any


class ReviewError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, reason: str, *, field: str | None = None, **extra: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.field = field
        self.extra = extra


class NotFound(ReviewError):
    status, code = 404, "not_found"


class Conflict(ReviewError):
    """The item is held by someone else, already decided, or the change is a no-op."""

    status, code = 409, "conflict"

    def __init__(self, reason: str, *, code: str = "conflict", **extra: Any) -> None:
        super().__init__(reason, **extra)
        self.code = code


class Invalid(ReviewError):
    status, code = 422, "invalid_request"
