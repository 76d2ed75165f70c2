"""The model response cache: completions kept by (model, parameters, prompt) hash, so
an interrupted evaluation resumes without paying twice and a judge's grades are
reused. Rows are written once; a second writer of the same key changes nothing."""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Table, Text, func, insert, select
from sqlalchemy.exc import IntegrityError

from medsafe_core.store._base import StoreBase, now_iso
from medsafe_core.store.tables import metadata

model_cache = Table(
    "medsafe_model_cache",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("model", String(300), nullable=False),
    Column("params_json", Text, nullable=False),
    Column("result_json", Text, nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("hits", Integer, nullable=False, default=0),
    Index("ix_medsafe_model_cache_model", "model"),
)
"""One completion per key (see `medsafe_core.model.types.cache_key`)."""


class ModelCache(StoreBase):
    """Get and put cached model results (JSON texts; the model package owns their shape).
    Shares a `Store`'s engine: `ModelCache(store.engine)`."""

    async def cache_get(self, key: str) -> str | None:
        """The result kept under `key`, if any."""
        async with self._read() as conn:
            row = (
                await conn.execute(
                    select(model_cache.c.result_json).where(model_cache.c.key == key)
                )
            ).first()
        return None if row is None else str(row[0])

    async def cache_put(self, key: str, model: str, params_json: str, result_json: str) -> None:
        """Keep a result under `key` (the first one written wins)."""
        try:
            async with self._write() as conn:
                exists = await conn.execute(
                    select(model_cache.c.key).where(model_cache.c.key == key)
                )
                if exists.first() is not None:
                    return
                await conn.execute(
                    insert(model_cache).values(
                        key=key,
                        model=model[:300],
                        params_json=params_json,
                        result_json=result_json,
                        created_at=now_iso(),
                        hits=0,
                    )
                )
        except IntegrityError:  # another writer kept the same key first
            return

    async def cache_count(self, model: str | None = None) -> int:
        """How many results are kept (for one model, or all)."""
        query = select(func.count()).select_from(model_cache)
        if model is not None:
            query = query.where(model_cache.c.model == model)
        async with self._read() as conn:
            return int((await conn.execute(query)).scalar_one())
