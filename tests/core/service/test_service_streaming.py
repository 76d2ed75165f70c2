"""Counting batch items while the body streams in: every chunking gives the same
verdict, nested and escaped JSON cannot dodge the count."""

from __future__ import annotations

import json

import pytest

from medsafe_core.service.streaming import ItemCounter, TooManyItems

KEYS = frozenset({"evaluations", "responses"})


def within(body: bytes, limit: int, chunk: int) -> bool:
    counter = ItemCounter(KEYS, limit)
    try:
        for start in range(0, len(body), chunk):
            counter.feed(body[start : start + chunk])
    except TooManyItems:
        return False
    return True


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 64, 1 << 20])
def test_counts_items_at_any_chunking(chunk: int) -> None:
    item = {
        "id": 'a"b\\',
        "response": 'x,y]}[{"',
        "ground_truth": {"context": "c, d", "expected_answer": {"final": "[1, 2]"}},
    }
    body = json.dumps({"format": "json", "evaluations": [item] * 5, "suite": "dipg"}).encode()
    assert within(body, 5, chunk)
    assert not within(body, 4, chunk)
    published = json.dumps({"responses": ["a,", "b"], "x": [1, 2, 3, 4]}).encode()
    assert within(published, 2, chunk) and not within(published, 1, chunk)


def test_other_keys_and_nested_arrays_are_not_counted() -> None:
    body = json.dumps(
        {"evaluations\\": [1, 2, 3], "x": {"evaluations": [1, 2, 3]}, "evaluations": [1]}
    ).encode()
    assert within(body, 1, 3)


def test_an_escaped_key_is_counted() -> None:
    assert not within(b'{"\\u0065valuations": [1, 2, 3]}', 2, 4)
