"""Episode state with optimistic concurrency, so any replica can serve any step."""

from __future__ import annotations

import asyncio

import pytest

from medsafe_core.store import EpisodeConflictError, EpisodeNotFoundError, Store
from medsafe_core.suites import EpisodeState


async def test_save_load_and_conflicts(store: Store) -> None:
    with pytest.raises(EpisodeNotFoundError):
        await store.load_episode("e1")
    with pytest.raises(KeyError):  # EpisodeNotFoundError is KeyError-like
        await store.load_episode("e1")
    state = EpisodeState(task_id="audit/1/7/000001", data={"cohort": [1, 2, 3]})
    await store.save_episode("e1", state)
    assert await store.load_episode("e1") == state
    stepped = state.model_copy(update={"turn": 1})
    await store.save_episode("e1", stepped, expected_turn=0)
    with pytest.raises(EpisodeConflictError, match="turn 1"):
        await store.save_episode("e1", stepped, expected_turn=0)
    with pytest.raises(EpisodeNotFoundError):
        await store.save_episode("e2", stepped, expected_turn=0)
    assert (await store.load_episode("e1")).turn == 1
    assert await store.delete_episode("e1") is True
    assert await store.delete_episode("e1") is False


async def test_racing_steps_exactly_one_wins(store: Store) -> None:
    await store.save_episode("e", EpisodeState(task_id="t"))

    async def step(k: int) -> bool:
        try:
            await store.save_episode(
                "e", EpisodeState(task_id="t", turn=1, data={"by": k}), expected_turn=0
            )
        except EpisodeConflictError:
            return False
        return True

    wins = await asyncio.gather(*(step(k) for k in range(6)))
    assert sum(wins) == 1
    assert (await store.load_episode("e")).data["by"] == wins.index(True)
