"""Episode state of episodic suites, kept in the store so any replica serves any step."""

from __future__ import annotations

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from medsafe_core.records import EpisodeConflictError, EpisodeNotFoundError
from medsafe_core.store._base import StoreBase, now_iso
from medsafe_core.store.tables import episodes
from medsafe_core.suites import EpisodeState


class Episodes(StoreBase):
    """Saving and loading `EpisodeState` with optimistic concurrency."""

    async def save_episode(
        self, episode_id: str, state: EpisodeState, *, expected_turn: int | None = None
    ) -> None:
        """Save an episode's state. With `expected_turn`, only if the stored episode is
        still at that turn (EpisodeConflictError otherwise, EpisodeNotFoundError when
        there is none): two replicas stepping the same episode cannot both win."""
        values = {
            "task_id": state.task_id,
            "turn": state.turn,
            "done": state.done,
            "state_json": state.model_dump_json(),
            "updated_at": now_iso(),
        }
        async with self._write() as conn:
            query = update(episodes).where(episodes.c.episode_id == episode_id)
            if expected_turn is not None:
                query = query.where(episodes.c.turn == expected_turn)
            result = await conn.execute(query.values(**values))
            if result.rowcount:
                return
            if expected_turn is not None:
                found = await conn.execute(
                    select(episodes.c.turn).where(episodes.c.episode_id == episode_id)
                )
                row = found.first()
                if row is None:
                    raise EpisodeNotFoundError(episode_id)
                raise EpisodeConflictError(
                    f"episode {episode_id} is at turn {row.turn}, not {expected_turn}: "
                    "another step was taken first"
                )
        try:
            async with self._write() as conn:
                await conn.execute(insert(episodes).values(episode_id=episode_id, **values))
        except IntegrityError:  # created by another writer between our update and insert
            async with self._write() as conn:
                await conn.execute(
                    update(episodes).where(episodes.c.episode_id == episode_id).values(**values)
                )

    async def load_episode(self, episode_id: str) -> EpisodeState:
        """The stored state (EpisodeNotFoundError when there is none)."""
        async with self._read() as conn:
            row = (
                await conn.execute(
                    select(episodes.c.state_json).where(episodes.c.episode_id == episode_id)
                )
            ).first()
        if row is None:
            raise EpisodeNotFoundError(episode_id)
        return EpisodeState.model_validate_json(row[0])

    async def delete_episode(self, episode_id: str) -> bool:
        """Forget an episode; whether it existed."""
        async with self._write() as conn:
            result = await conn.execute(delete(episodes).where(episodes.c.episode_id == episode_id))
            return bool(result.rowcount)
