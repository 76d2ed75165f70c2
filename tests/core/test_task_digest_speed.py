"""`task_digest` writes a task's JSON with ujson (`runs.compact_dumps`) instead of the
standard library: the text, so every task digest and dataset hash, stays byte for byte
what `json.dumps(..., sort_keys=True, separators=(",", ":"))` writes."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from medsafe_core.evaluation import BatchItem, batch_manifest, build_batch
from medsafe_core.models import Task
from medsafe_core.runs import combine_digests, compact_dumps, dataset_hash, task_digest
from medsafe_core.suites import get_suite, suite_names


def reference_dumps(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"))


def reference_digest(task: Task) -> str:
    """`task_digest` as it was first written (the standard library's JSON)."""
    return hashlib.sha256(reference_dumps(task.model_dump(mode="json")).encode()).hexdigest()[:16]


TRICKY = [
    "a/b <script>&'",
    "\x7f DEL",
    "\x00\x01\x1f\n\r\t\b\f control",
    "é ü — “quotes” \u2028\u2029 \ufeff",
    "😀 astral",
    '\\ " backslash and quote',
    "re-irradiation 3e-5, 4e-6] 5e-7} in text",
    "\ud800 lone surrogate",
]
NUMBERS: list[Any] = [1e-5, 1e-05, 2.5e-7, 1e16, 1e22, 1e-100, 0.1, -0.0, 5e-324, 2**70, -(2**65)]
NUMBERS += [float("nan"), float("inf"), float("-inf"), True, False, None, 0, -1]


def test_tricky_strings_and_numbers_are_written_as_the_standard_library_writes_them() -> None:
    for value in [*TRICKY, *NUMBERS]:
        data = {"b": [value, {"z": value, "a": 1}], "a": value, "é": {"y": [value]}}
        assert compact_dumps(data) == reference_dumps(data), repr(value)


json_data = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=500, deadline=None)
@given(st.dictionaries(st.text(), json_data, max_size=5))
def test_any_json_data_is_written_as_the_standard_library_writes_it(data: dict[str, Any]) -> None:
    assert compact_dumps(data) == reference_dumps(data)


def test_every_suites_task_digests_and_dataset_hash_are_unchanged() -> None:
    for name in suite_names():
        tasks = list(get_suite(name).tasks(7, 40))
        assert [task_digest(t) for t in tasks] == [reference_digest(t) for t in tasks], name
        expected = combine_digests(reference_digest(t) for t in tasks)
        assert dataset_hash(tasks) == expected


def test_a_task_with_floats_and_del_in_its_ground_truth_keeps_its_digest() -> None:
    task = next(iter(get_suite("dipg").tasks(3, 1)))
    odd = task.model_copy(
        update={"id": "mine-1", "truth": {"dose": 1e-5, "ratio": 0.25, "note": "a\x7fb/c é"}}
    )
    assert task_digest(odd) == reference_digest(odd)
    assert task_digest(odd) != task_digest(task)


def test_a_batch_manifest_hashes_its_tasks_as_before() -> None:
    suite = get_suite("dipg")
    tasks = list(suite.tasks(11, 300))
    batch = build_batch(
        [BatchItem(task_id=t.id, response="x") for t in tasks],
        max_items=1000,
        max_response_bytes=100_000,
    )
    manifest = batch_manifest(batch, suite.default_profile())
    assert manifest.dataset_hash == combine_digests(reference_digest(t) for t in tasks)
