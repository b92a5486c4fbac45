"""Assembly of a process's runtime, for the entry points (API app, worker, CLI, RQ jobs).

The runtime is handed its dispatcher here rather than building it itself: the dispatcher runs
the processing and callbacks, which use the runtime, so the runtime importing the queue would
close an import circle (runtime -> queue -> processing -> runtime).
"""

from __future__ import annotations

from moderation.config import Settings
from moderation.policy.registry import PolicyRegistry
from moderation.service.queue import make_dispatcher
from moderation.service.runtime import Runtime


def build_runtime(
    settings: Settings | None = None, *, registry: PolicyRegistry | None = None
) -> Runtime:
    """Connect a runtime and give it the dispatcher its settings ask for (RQ or inline)."""
    rt = Runtime.connect(settings, registry=registry)
    rt.dispatcher = make_dispatcher(rt)
    return rt


_current: Runtime | None = None


def activate(rt: Runtime) -> Runtime:
    """Make ``rt`` the process's runtime (a worker process, before it takes jobs)."""
    global _current
    _current = rt
    return rt


def current() -> Runtime:
    """The process's runtime, built from the environment on first use (RQ job functions)."""
    global _current
    if _current is None:
        _current = build_runtime()
    return _current
