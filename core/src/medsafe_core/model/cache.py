"""The response cache in the store: `StoreCache(store)` is a `ResponseCache` over the
`medsafe_model_cache` table that every process sharing the database sees."""

from __future__ import annotations

from pydantic import ValidationError

from medsafe_core.model.types import ChatParams, ChatResult
from medsafe_core.store import Store
from medsafe_core.store._cache import ModelCache


class StoreCache:
    """Completions kept in the store by (model, parameters, prompt) hash."""

    def __init__(self, store: Store) -> None:
        self._cache = ModelCache(store.engine)

    async def get(self, key: str) -> ChatResult | None:
        """The kept result (None when absent or unreadable by this version)."""
        text = await self._cache.cache_get(key)
        if text is None:
            return None
        try:
            return ChatResult.model_validate_json(text)
        except ValidationError:
            return None

    async def put(self, key: str, params: ChatParams, result: ChatResult) -> None:
        """Keep a result (the first writer of a key wins)."""
        await self._cache.cache_put(
            key,
            params.model,
            params.model_dump_json(),
            result.model_copy(update={"cached": False}).model_dump_json(),
        )

    async def count(self, model: str | None = None) -> int:
        """How many results are kept."""
        return await self._cache.cache_count(model)
