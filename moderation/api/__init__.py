"""HTTP API of the moderation service (FastAPI)."""

from moderation.api.app import create_app

__all__ = ["create_app"]
