"""Process-local cache of live episodes, keyed by task, profile and action log.

The state of record is always the seed plus the log (`EpisodeState.data["log"]`); the
cache only saves replaying it on every step. An entry is taken out while it is stepped
and stored under the new log, so two branches of one state never share an object.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from typing import Any

from medsafe_core.models import RewardProfile
from medsafe_core.suites.audit.episode import AuditEpisode
from medsafe_core.suites.audit.world import World

MAX_LIVE = 4096
"""Episodes kept ready in one process."""

Key = tuple[str, tuple[tuple[str, float], ...], int, str]
_LIVE: OrderedDict[Key, AuditEpisode] = OrderedDict()
_LOCK = threading.Lock()


def _key(task_id: str, profile: RewardProfile, log: list[dict[str, Any]]) -> Key:
    """Task, profile values, log length and last entry; a hit is then checked against
    the whole log, so a cached episode is only reused for exactly its own log."""
    last = json.dumps(log[-1], sort_keys=True) if log else ""
    return task_id, tuple(sorted(profile.values.items())), len(log), last


def take(
    task_id: str, world: World, profile: RewardProfile, log: list[dict[str, Any]]
) -> AuditEpisode:
    """The episode for this log: from the cache, else replayed."""
    key = _key(task_id, profile, log)
    with _LOCK:
        episode = _LIVE.pop(key, None)
    if episode is None or episode.log != log or episode.profile.name != profile.name:
        episode = AuditEpisode.replay(world, profile, log)
    return episode


def keep(task_id: str, episode: AuditEpisode) -> None:
    """Store a stepped episode under its new log."""
    if episode.done:
        return
    key = _key(task_id, episode.profile, episode.log)
    with _LOCK:
        _LIVE[key] = episode
        while len(_LIVE) > MAX_LIVE:
            _LIVE.popitem(last=False)


def clear() -> None:
    """Forget every cached episode (tests use it to force a replay)."""
    with _LOCK:
        _LIVE.clear()
