"""Suite registry and task lookup by id.

Suites register in one of two ways, and every surface (CLI, service, MCP, green agent)
then serves them with no further change:

* an entry point in the `medsafe.suites` group naming the Suite subclass (or a factory),
  so a third party ships a suite as its own package (`medsafe`'s own suites do the same
  in core/pyproject.toml);
* `@register_suite("name")` on a Suite subclass or factory, or
  `register_suite("name", factory)`, for suites defined at run time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from importlib.metadata import entry_points
from typing import TypeVar, overload

from medsafe_core.ids import TaskIdError, parse_task_id
from medsafe_core.models import Task
from medsafe_core.suites.base import (
    EpisodeState,
    Observation,
    StepResult,
    Suite,
    SuiteInfo,
    SuiteKind,
)

ENTRY_POINT_GROUP = "medsafe.suites"
"""Entry-point group that suite packages register under."""

logger = logging.getLogger(__name__)
_FACTORIES: dict[str, Callable[[], Suite]] = {}
_INSTANCES: dict[str, Suite] = {}
_LOADED_ENTRY_POINTS = False
F = TypeVar("F", bound=Callable[[], Suite])


class UnknownSuiteError(KeyError):
    """No suite of that name."""

    def __str__(self) -> str:
        return f"unknown suite {self.args[0]!r}; known suites: {sorted(_FACTORIES)}"


@overload
def register_suite(name: str) -> Callable[[F], F]: ...
@overload
def register_suite(name: str, factory: Callable[[], Suite]) -> None: ...
def register_suite(
    name: str, factory: Callable[[], Suite] | None = None
) -> Callable[[F], F] | None:
    """Make a suite available by name: `register_suite("x", factory)`, or as a decorator
    on a Suite subclass or a factory. A later registration replaces an earlier one."""

    def add(f: F) -> F:
        _FACTORIES[name] = f
        _INSTANCES.pop(name, None)
        return f

    if factory is None:
        return add
    add(factory)
    return None


def unregister_suite(name: str) -> None:
    """Forget a suite (tests that register toy suites clean up with this)."""
    _FACTORIES.pop(name, None)
    _INSTANCES.pop(name, None)


def _load_entry_points() -> None:
    global _LOADED_ENTRY_POINTS
    if _LOADED_ENTRY_POINTS:
        return
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name in _FACTORIES:
            continue  # an explicit registration wins over an installed package
        _FACTORIES[ep.name] = _lazy(ep.name, ep.load)
    # only now: a thread that sees the flag must also see the factories (concurrent
    # first requests of a fresh server found no suite when it was set before the loop)
    _LOADED_ENTRY_POINTS = True


def _lazy(name: str, load: Callable[[], object]) -> Callable[[], Suite]:
    def make() -> Suite:
        target = load()
        suite = target() if callable(target) else target
        if not isinstance(suite, Suite):
            raise TypeError(f"entry point {name!r} of {ENTRY_POINT_GROUP} is not a Suite")
        if suite.info.name != name:
            raise TypeError(f"entry point {name!r} gives a suite named {suite.info.name!r}")
        return suite

    return make


def refresh_entry_points() -> None:
    """Look for suite packages again (after installing one into a running process);
    suites already registered by name keep their registration."""
    global _LOADED_ENTRY_POINTS
    _LOADED_ENTRY_POINTS = False
    _load_entry_points()


def get_suite(name: str) -> Suite:
    """The suite of that name."""
    if name not in _INSTANCES:
        _load_entry_points()
        try:
            factory = _FACTORIES[name]
        except KeyError:
            raise UnknownSuiteError(name) from None
        _INSTANCES[name] = factory()
    return _INSTANCES[name]


def suite_names() -> list[str]:
    """Names of every registered suite, sorted."""
    _load_entry_points()
    return sorted(_FACTORIES)


def prepare_suites() -> None:
    """Load every registered suite's scoring machinery (servers call it as they start)."""
    for name in suite_names():
        try:
            get_suite(name).prepare()
        except Exception:
            logger.exception("suite %s could not be prepared", name)


def list_suites() -> list[SuiteInfo]:
    """Descriptions of every registered suite (outcomes, profiles and schemas included).
    A suite whose package fails to load is left out and logged, not fatal."""
    out: list[SuiteInfo] = []
    for name in suite_names():
        try:
            out.append(get_suite(name).describe())
        except Exception:
            logger.exception("suite %s could not be loaded", name)
    return out


def resolve_task(task_id: str, salt: str | None = None) -> Task:
    """Regenerate a generated task, ground truth included, from its id."""
    parsed = parse_task_id(task_id)
    if parsed is None:
        raise TaskIdError(
            f"{task_id!r} is not a generated task id (suite/version/seed/index); "
            "tasks from files must be scored with their file"
        )
    try:
        suite = get_suite(parsed.suite)
    except UnknownSuiteError as exc:
        raise TaskIdError(str(exc)) from None
    return suite.resolve(task_id, salt)


__all__ = [
    "ENTRY_POINT_GROUP",
    "EpisodeState",
    "Observation",
    "StepResult",
    "Suite",
    "SuiteInfo",
    "SuiteKind",
    "UnknownSuiteError",
    "get_suite",
    "list_suites",
    "prepare_suites",
    "refresh_entry_points",
    "register_suite",
    "resolve_task",
    "suite_names",
    "unregister_suite",
]
