"""Suite registry and task lookup by id."""

from __future__ import annotations

from collections.abc import Callable

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

_FACTORIES: dict[str, Callable[[], Suite]] = {}
_INSTANCES: dict[str, Suite] = {}


class UnknownSuiteError(KeyError):
    """No suite of that name."""

    def __str__(self) -> str:
        return f"unknown suite {self.args[0]!r}; known suites: {sorted(_FACTORIES)}"


def register_suite(name: str, factory: Callable[[], Suite]) -> None:
    """Make a suite available by name (built-ins register on import of this package)."""
    _FACTORIES[name] = factory
    _INSTANCES.pop(name, None)


def get_suite(name: str) -> Suite:
    """The suite of that name."""
    if name not in _INSTANCES:
        try:
            factory = _FACTORIES[name]
        except KeyError:
            raise UnknownSuiteError(name) from None
        _INSTANCES[name] = factory()
    return _INSTANCES[name]


def list_suites() -> list[SuiteInfo]:
    """Descriptions of every registered suite."""
    return [get_suite(name).info for name in sorted(_FACTORIES)]


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


def _dipg() -> Suite:
    from medsafe_core.suites.dipg import DipgSuite

    return DipgSuite()


register_suite("dipg", _dipg)

__all__ = [
    "EpisodeState",
    "Observation",
    "StepResult",
    "Suite",
    "SuiteInfo",
    "SuiteKind",
    "UnknownSuiteError",
    "get_suite",
    "list_suites",
    "register_suite",
    "resolve_task",
]
