"""Inspect's entry point (`inspect_ai` group): one registered task per single-turn suite,
named `medsafe_core/<suite>`, taking `-T n=... -T seed=... -T format=... -T profile=...
-T epochs=...`."""

from __future__ import annotations

from collections.abc import Callable

from inspect_ai import Task, task

from medsafe_core.inspect_ai_bridge.tasks import inspect_suites, medsafe_task


def _register(name: str) -> Callable[..., Task]:
    def suite_task(
        n: int = 100,
        seed: int = 0,
        format: str = "json",
        profile: str | None = None,
        epochs: int = 1,
        temperature: float | None = None,
        max_tokens: int | None = None,
    ) -> Task:
        return medsafe_task(
            name,
            n=n,
            seed=seed,
            format=format,
            profile=profile,
            epochs=epochs,
            temperature=temperature,
            max_tokens=max_tokens,
        )

    suite_task.__name__ = suite_task.__qualname__ = name
    suite_task.__doc__ = f"medsafe suite {name!r}: generated tasks, scored by the suite."
    registered: Callable[..., Task] = task(name=name)(suite_task)
    return registered


TASKS: dict[str, Callable[..., Task]] = {name: _register(name) for name in inspect_suites()}
"""The registered task of each suite."""
