"""Pages of a task set that cost O(page), not a regeneration from index 0.

Without categories, position p of a set is the task with index p, generated directly.
With categories, positions skip the indexes of other categories; the indexes found so
far are remembered per set (suite, version, seed, categories, salt), so paging through
a set scans each index once in total. A replica that has not seen the set scans up to
the page once (the remembered indexes are a cache: any replica gives the same tasks).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from medsafe_core.models import Task
from medsafe_core.suites import Suite

MAX_SETS = 64
"""Task sets whose positions are remembered (least recently used go first)."""
MAX_INDEX = 999_999_999


@dataclass
class _Positions:
    indexes: list[int] = field(default_factory=list)
    """Index of the task at each position found so far."""
    next_index: int = 0
    """First index not scanned yet."""
    lock: threading.Lock = field(default_factory=threading.Lock)


class TaskPages:
    """Tasks of a set from a position on, generated as they are consumed."""

    def __init__(self, max_sets: int = MAX_SETS) -> None:
        self._sets: OrderedDict[tuple[object, ...], _Positions] = OrderedDict()
        self._max_sets = max_sets
        self._lock = threading.Lock()

    def _positions(self, key: tuple[object, ...]) -> _Positions:
        with self._lock:
            found = self._sets.get(key)
            if found is None:
                found = self._sets[key] = _Positions()
                while len(self._sets) > self._max_sets:
                    self._sets.popitem(last=False)
            self._sets.move_to_end(key)
            return found

    def iter_from(
        self,
        suite: Suite,
        seed: int,
        categories: Sequence[str] | None,
        salt: str | None,
        start: int,
        stop: int,
    ) -> Iterator[Task]:
        """Tasks at positions start..stop-1 of the set (lazily)."""
        if not categories:
            for index in range(start, stop):
                yield suite.task(seed, index, salt)
            return
        wanted = frozenset(categories)
        key = (suite.info.name, suite.info.version, seed, tuple(sorted(wanted)), salt)
        positions = self._positions(key)
        position = start
        while position < stop:
            with positions.lock:
                known = position < len(positions.indexes)
                index = positions.indexes[position] if known else -1
            if known:
                yield suite.task(seed, index, salt)
                position += 1
                continue
            found = self._scan_next(suite, seed, wanted, salt, positions)
            if found is None:
                return
            if found[0] == position:  # else another page filled it: read it above
                yield found[1]
                position += 1

    @staticmethod
    def _scan_next(
        suite: Suite,
        seed: int,
        wanted: frozenset[str],
        salt: str | None,
        positions: _Positions,
    ) -> tuple[int, Task] | None:
        """Generate tasks from the first unscanned index until one of `wanted`; its
        position and the task."""
        with positions.lock:
            while positions.next_index <= MAX_INDEX:
                index = positions.next_index
                task = suite.task(seed, index, salt)
                positions.next_index += 1
                if task.category in wanted:
                    positions.indexes.append(index)
                    return len(positions.indexes) - 1, task
        return None
