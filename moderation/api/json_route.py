"""FastAPI routes whose JSON bodies go through ``moderation.safe_json`` (issue 13, item 5).

FastAPI parses a declared body with ``json.loads``: a deeply nested body or a 5,000-digit number
became a 400 "There was an error parsing the body" that says nothing about what to fix. Routes
of this class parse with the shared safe parser and answer 422 with its reason.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from moderation import safe_json
from moderation.api.errors import BodyRefused


class SafeJSONRequest(Request):
    """A request whose ``json()`` is the safe parser's (FastAPI calls it for declared bodies)."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            try:
                self._json = safe_json.loads(await self.body())
            except safe_json.BodyError as exc:
                raise BodyRefused(exc.reason) from None
        return self._json


class SafeJSONRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def safe(request: Request) -> Response:
            return await handler(SafeJSONRequest(request.scope, request.receive))

        return safe
