"""The fake OpenAI-compatible server itself, so other tests can rely on its steps."""

from __future__ import annotations

import json
import time

import httpx

from tests.fakes.openai_server import FakeOpenAI, Reply, SlowStream, ToolCalls


def _events(text: str) -> list[dict]:
    out = []
    for line in text.splitlines():
        if line.startswith("data: ") and line != "data: [DONE]":
            out.append(json.loads(line[6:]))
    return out


def test_streamed_reply_and_tool_calls():
    with FakeOpenAI() as fake, httpx.Client(base_url=fake.base_url) as http:
        fake.script(Reply("hello"), ToolCalls([("list_suites", {"x": 1})]))
        r = http.post("/chat/completions", json={"model": "m", "stream": True, "messages": []})
        deltas = [e["choices"][0]["delta"].get("content") for e in _events(r.text)]
        assert "hello" in deltas
        r = http.post("/chat/completions", json={"model": "m", "messages": []})
        (call,) = r.json()["choices"][0]["message"]["tool_calls"]
        assert call["function"]["name"] == "list_suites"
        assert json.loads(call["function"]["arguments"]) == {"x": 1}
        assert r.json()["choices"][0]["finish_reason"] == "tool_calls"


def test_a_slow_stream_trickles():
    with FakeOpenAI() as fake, httpx.Client(base_url=fake.base_url) as http:
        fake.script(SlowStream("abcdef", chunks=3, delay=0.15))
        started = time.perf_counter()
        arrivals = []
        body = {"model": "m", "stream": True, "messages": []}
        with http.stream("POST", "/chat/completions", json=body) as r:
            for line in r.iter_lines():
                if line.startswith("data: {"):
                    arrivals.append(time.perf_counter() - started)
        assert len(arrivals) == 3
        assert arrivals[-1] - arrivals[0] >= 0.25
