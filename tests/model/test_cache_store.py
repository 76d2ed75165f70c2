"""The response cache table in the store (migration 0004)."""

from __future__ import annotations

import asyncio

from sqlalchemy import inspect as sa_inspect

from medsafe_core.model import ChatParams, ChatResult, Usage
from medsafe_core.model.cache import StoreCache
from medsafe_core.store import Store


async def test_migration_creates_the_cache_table(store):
    def tables(conn):
        insp = sa_inspect(conn)
        return set(insp.get_table_names()), {
            i["name"] for i in insp.get_indexes("medsafe_model_cache")
        }

    async with store.engine.connect() as conn:
        names, indexes = await conn.run_sync(tables)
    assert "medsafe_model_cache" in names
    assert "ix_medsafe_model_cache_model" in indexes


async def test_concurrent_writers_of_one_key_keep_the_first(db_url):
    a, b = await Store.connect(db_url), await Store.connect(db_url)
    try:
        params = ChatParams(model="m")
        first = ChatResult(text="first", usage=Usage(prompt_tokens=1))
        second = ChatResult(text="second")
        await asyncio.gather(
            *[StoreCache(s).put("k", params, r) for s, r in ((a, first), (b, second))] * 5
        )
        kept = await StoreCache(b).get("k")
        assert kept is not None and kept.text in ("first", "second")
        assert not kept.cached
        assert await StoreCache(a).count() == 1
        assert await StoreCache(a).get("missing") is None
    finally:
        await a.close()
        await b.close()


async def test_an_unreadable_entry_is_a_miss(store):
    from medsafe_core.store._cache import ModelCache

    await ModelCache(store.engine).cache_put("k", "m", "{}", '{"not": "a result"}')
    assert await StoreCache(store).get("k") is None
