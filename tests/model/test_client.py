"""The model client against a real fake OpenAI-compatible server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import time

import pytest

from medsafe_core.model import (
    ChatParams,
    MemoryCache,
    ModelClient,
    ModelError,
    ModelErrorKind,
    ModelSettings,
    Prices,
)
from medsafe_core.model.cache import StoreCache
from tests.fakes.openai_server import (
    Drop,
    Garbage,
    Hang,
    Reply,
    SlowStream,
    Status,
)

PARAMS = ChatParams(model="fake-model", temperature=0.0, max_tokens=64)


def client(fake, **kw) -> ModelClient:
    kw.setdefault("backoff_s", 0.01)
    kw.setdefault("timeout_s", 5.0)
    return ModelClient(fake.base_url, **kw)


async def test_a_completion_with_tokens_and_cost(fake):
    fake.script(Reply("hello", prompt_tokens=1000, completion_tokens=500))
    prices = Prices(input_per_mtok=2.0, output_per_mtok=8.0)
    async with client(fake, api_key="sk-test", prices=prices) as c:
        result = await c.chat(PARAMS, [])
        assert result.text == "hello"
        assert result.usage.prompt_tokens == 1000
        assert result.usage.completion_tokens == 500
        assert c.cost == pytest.approx((1000 * 2 + 500 * 8) / 1e6)
    (req,) = fake.requests
    assert req.path == "/v1/chat/completions"
    assert req.headers["authorization"] == "Bearer sk-test"
    assert req.body["model"] == "fake-model"
    assert req.body["max_tokens"] == 64
    assert "sample" not in req.body


async def test_429_and_5xx_are_retried_then_succeed(fake):
    fake.script(Status(429, retry_after=0), Status(503), Status(500), Reply("ok"))
    async with client(fake) as c:
        result = await c.chat(PARAMS, [])
    assert result.text == "ok"
    assert result.attempts == 4
    assert len(fake.requests) == 4


async def test_retry_after_is_honoured(fake):
    fake.script(Status(429, retry_after=0.5), Reply("ok"))
    async with client(fake, backoff_s=0.0) as c:
        started = time.perf_counter()
        await c.chat(PARAMS, [])
    assert time.perf_counter() - started >= 0.45


async def test_retries_run_out_into_an_infrastructure_error(fake):
    fake.script(*[Status(429)] * 3)
    async with client(fake, max_retries=2) as c:
        with pytest.raises(ModelError) as info:
            await c.chat(PARAMS, [])
    assert info.value.kind == ModelErrorKind.RATE_LIMITED
    assert info.value.attempts == 3
    assert len(fake.requests) == 3


async def test_a_rejected_request_is_not_retried(fake):
    fake.script(Status(401, body='{"error": "bad key"}'), Reply("never"))
    async with client(fake) as c:
        with pytest.raises(ModelError) as info:
            await c.chat(PARAMS, [])
    assert info.value.kind == ModelErrorKind.REJECTED
    assert "401" in info.value.reason
    assert len(fake.requests) == 1


async def test_garbage_is_a_bad_response_not_an_answer(fake):
    fake.script(Garbage(), Garbage('{"no": "choices"}', "application/json"))
    async with client(fake, max_retries=1) as c:
        with pytest.raises(ModelError) as info:
            await c.chat(PARAMS, [])
    assert info.value.kind == ModelErrorKind.BAD_RESPONSE


async def test_garbage_then_a_good_answer_recovers(fake):
    fake.script(Garbage(), Reply("fine"))
    async with client(fake) as c:
        assert (await c.chat(PARAMS, [])).text == "fine"


async def test_a_hanging_endpoint_times_out_and_the_retry_succeeds(fake):
    fake.script(Hang(3.0), Reply("second try"))
    async with client(fake, timeout_s=0.5) as c:
        result = await c.chat(PARAMS, [])
    assert result.text == "second try"
    assert result.attempts == 2


async def test_a_slow_trickle_counts_against_the_whole_time_limit(fake):
    # every chunk arrives well within any per-read timeout, the whole answer does not
    fake.script(SlowStream(chunks=30, delay=0.1))
    async with client(fake, timeout_s=0.8, max_retries=0) as c:
        started = time.perf_counter()
        with pytest.raises(ModelError) as info:
            await c.chat(PARAMS, [])
    assert info.value.kind == ModelErrorKind.TIMEOUT
    assert time.perf_counter() - started < 2.5


async def test_a_dropped_connection_is_retried(fake):
    fake.script(Drop(), Reply("after drop"))
    async with client(fake) as c:
        assert (await c.chat(PARAMS, [])).text == "after drop"


async def test_an_unreachable_endpoint_is_a_connection_error():
    c = ModelClient("http://127.0.0.1:9/v1", max_retries=1, backoff_s=0.01, timeout_s=2)
    async with c:
        with pytest.raises(ModelError) as info:
            await c.chat(PARAMS, [])
    assert info.value.kind == ModelErrorKind.CONNECTION


async def test_concurrency_is_bounded(fake):
    in_flight = 0
    peak = 0

    def responder(_rec):
        nonlocal in_flight, peak
        # runs in the server's request thread: count overlapping requests
        in_flight += 1
        peak = max(peak, in_flight)
        time.sleep(0.1)
        in_flight -= 1
        return Reply("x")

    fake.responder = responder
    async with client(fake, concurrency=3) as c:
        await asyncio.gather(
            *[c.complete(PARAMS.model_copy(update={"sample": i}), "q") for i in range(9)]
        )
    assert len(fake.requests) == 9
    assert peak == 3


async def test_the_memory_cache_answers_repeats_without_a_call(fake):
    fake.script(Reply("first"), Reply("second"))
    async with client(fake, cache=MemoryCache()) as c:
        a = await c.complete(PARAMS, "same prompt")
        b = await c.complete(PARAMS, "same prompt")
        other = await c.complete(PARAMS.model_copy(update={"temperature": 0.5}), "same prompt")
        assert (a, b, other) == ("first", "first", "second")
        assert c.cache_hits == 1
        assert c.usage.completion_tokens == 14  # cached calls cost nothing


async def test_the_store_cache_survives_a_new_client_and_process(fake, db_url):
    from medsafe_core.store import Store

    fake.script(Reply("kept"))
    store = await Store.connect(db_url)
    try:
        async with client(fake, cache=StoreCache(store)) as c:
            assert await c.complete(PARAMS, "p") == "kept"
    finally:
        await store.close()
    store = await Store.connect(db_url)  # a fresh connection, as a resumed run has
    try:
        cache = StoreCache(store)
        assert await cache.count("fake-model") == 1
        async with client(fake, cache=cache) as c:
            result = await c.chat(PARAMS, [c_msg("p")])
            assert result.cached and result.text == "kept"
    finally:
        await store.close()
    assert len(fake.requests) == 1


def c_msg(text):
    from medsafe_core.model import ChatMessage

    return ChatMessage(role="user", content=text)


async def test_settings_read_the_key_from_the_environment_and_never_show_it(monkeypatch, fake):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret-value")
    monkeypatch.setenv("MEDSAFE_LLM_BASE_URL", fake.base_url)
    settings = ModelSettings()
    assert "sk-secret-value" not in repr(settings)
    fake.script(Reply("ok"))
    async with ModelClient.from_settings(settings, backoff_s=0.01) as c:
        await c.complete(PARAMS, "q")
    assert fake.requests[0].headers["authorization"] == "Bearer sk-secret-value"
