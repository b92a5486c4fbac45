"""Missing services: a skip on a developer's machine, a failure where they must exist.

Why: PostgreSQL, Redis, Chromium and node back about half of the suite. Skipping when one is
absent keeps ``pytest`` usable on a laptop, but in CI a broken service would silently turn those
tests into skips. ``.ci/run`` sets ``MODERATION_REQUIRE_SERVICES=1``, under which every "service
missing" below fails the test with the same reason instead.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest

ENV = "MODERATION_REQUIRE_SERVICES"


def services_required() -> bool:
    """True when the run must have every service (CI); any value but "", "0" counts."""
    return os.environ.get(ENV, "") not in ("", "0")


def service_missing(reason: str) -> NoReturn:
    """Skip with the reason, or fail with it when the run requires its services."""
    if services_required():
        pytest.fail(f"{reason} [{ENV} is set: a missing service fails the run]", pytrace=False)
    pytest.skip(reason)


def extra_module(name: str, reason: str):  # noqa: ANN201 (returns the module, any type)
    """Import an optional extra's module, or count it as a missing service: CI installs every
    extra (.ci/run), so there a missing one is a broken set-up, not a reason to skip."""
    import importlib

    try:
        return importlib.import_module(name)
    except ImportError:
        service_missing(f"{reason} ({name} cannot be imported)")
