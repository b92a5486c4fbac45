"""tests/require.py: a missing service or extra skips on a laptop and fails where it must exist."""

from __future__ import annotations

import pytest

from tests.require import ENV, extra_module, service_missing


def test_missing_service_skips_without_the_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV, raising=False)
    with pytest.raises(pytest.skip.Exception):
        service_missing("Redis not running")


def test_missing_service_fails_under_the_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV, "1")
    with pytest.raises(pytest.fail.Exception, match="Redis not running"):
        service_missing("Redis not running")


def test_missing_extra_fails_under_the_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV, "1")
    with pytest.raises(pytest.fail.Exception, match="no_such_extra_module_x"):
        extra_module("no_such_extra_module_x", "an extra is not installed")
    monkeypatch.setenv(ENV, "0")
    with pytest.raises(pytest.skip.Exception):
        extra_module("no_such_extra_module_x", "an extra is not installed")


def test_present_extra_is_returned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV, "1")
    assert extra_module("json", "stdlib").dumps([1]) == "[1]"
