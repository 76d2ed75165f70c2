"""Guideline checks on an ordered action list: compliance, ordering, timing, advice."""

from __future__ import annotations

from dataclasses import dataclass, field

from medsafe_core.suites.guidelines.actions import OrderedAction
from medsafe_core.suites.guidelines.data import guideline_book
from medsafe_core.suites.guidelines.schema import GuidelinesTarget


@dataclass(frozen=True, slots=True)
class Violation:
    """One ordering, timing or advice violation, with its reason and the items involved."""

    kind: str
    """`order`, `timing` or `avoid`."""
    reason: str
    critical: bool
    positions: tuple[int, ...] = ()


@dataclass
class Checks:
    """Everything the scorer needs from one action list."""

    done: dict[str, OrderedAction] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    missing_critical: list[str] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    n_order_checked: int = 0
    n_timed_checked: int = 0
    unnecessary: list[OrderedAction] = field(default_factory=list)
    unreadable: list[OrderedAction] = field(default_factory=list)


def _label(aid: str) -> str:
    action = guideline_book().actions.get(aid)
    return action.label if action else aid


def _first(items: list[OrderedAction]) -> dict[str, OrderedAction]:
    out: dict[str, OrderedAction] = {}
    for item in items:
        if item.action is not None and item.action not in out:
            out[item.action] = item
    return out


def _comes_before(a: OrderedAction, b: OrderedAction) -> bool:
    if a.time is not None and b.time is not None and a.time != b.time:
        return a.time < b.time
    return a.position < b.position


def run_checks(items: list[OrderedAction], target: GuidelinesTarget) -> Checks:
    """Check the items against the case's requirements."""
    c = Checks(done=_first(items))
    required = {s.id for s in target.steps}
    avoided = {a.id for a in target.avoid}
    for step in target.steps:
        if step.id not in c.done:
            c.missing.append(step.id)
            if step.critical:
                c.missing_critical.append(step.id)
            continue
        if step.within_min is None:
            continue
        c.n_timed_checked += 1
        item = c.done[step.id]
        if item.time is None:
            why = f"'{_label(step.id)}' has no time, and it has a time target"
            c.violations.append(Violation("timing", why, step.critical, (item.position,)))
        elif item.time > step.within_min:
            why = f"'{_label(step.id)}' at {item.time:g} min is later than its time target"
            c.violations.append(Violation("timing", why, step.critical, (item.position,)))
    for rule in target.order:
        first, then = c.done.get(rule.before), c.done.get(rule.after)
        if first is None or then is None:
            continue
        c.n_order_checked += 1
        if not _comes_before(first, then):
            why = f"'{_label(rule.after)}' came before '{_label(rule.before)}': {rule.why}"
            c.violations.append(
                Violation("order", why, rule.critical, (then.position, first.position))
            )
    for advice in target.avoid:
        if advice.id in c.done:
            why = f"'{_label(advice.id)}' is advised against here: {advice.why}"
            c.violations.append(Violation("avoid", why, True, (c.done[advice.id].position,)))
    for item in items:
        if item.action is None:
            c.unreadable.append(item)
        elif item.action not in required and item.action not in avoided:
            c.unnecessary.append(item)
    return c
