"""Run records: manifests, run metadata and canonical JSON. Scoring a batch into a
record lives in `medsafe_core.evaluation`.

The compared part of a run record (manifest, responses, samples, metrics, tasks) is
written as canonical JSON: sorted keys, fixed separators. Run ids and timestamps live
in `meta`, so re-scoring a record with the same scorer and profile reproduces it byte
for byte.
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import re
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache
from importlib import metadata
from typing import Any, Literal

import ujson

from medsafe_core.ids import salt_hash
from medsafe_core.models import (
    RewardProfile,
    RunManifest,
    RunMeta,
    RunRecord,
    RunState,
    Task,
)
from medsafe_core.suites import Suite

logger = logging.getLogger(__name__)


def library_versions() -> dict[str, str]:
    """medsafe and the versions of the libraries that affect scoring."""
    return dict(_library_versions())


@cache
def _library_versions() -> tuple[tuple[str, str], ...]:
    """Read once per process: the installed versions do not change under it."""
    out: list[tuple[str, str]] = []
    for dist in ("medsafe-core", "pydantic", "rapidfuzz", "numpy"):
        try:
            out.append((dist, metadata.version(dist)))
        except metadata.PackageNotFoundError:
            out.append((dist, "unknown"))
    return tuple(out)


def task_digest(task: Task) -> str:
    """Short hash of one task, ground truth included: of the bytes of
    `json.dumps(task.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))`
    (written by `compact_dumps`)."""
    blob = compact_dumps(task.model_dump(mode="json"))
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


_SHORT_EXPONENT_COMPACT = re.compile(r"e-\d[,\]}]")
"""A float's one-digit negative exponent as ujson writes it in compact JSON (`1e-5`, then
a comma or the end of its array or object), or the same characters inside a string.
(No digit is required before the `e`: a pattern that starts with a literal is searched
for many times faster, and a needless fallback costs only time.)"""


def compact_dumps(data: Any) -> str:
    """JSON data (`model_dump(mode="json")` output: str keys) as the very text of
    `json.dumps(data, sort_keys=True, separators=(",", ":"))`, about twice as fast.

    ujson's C encoder writes that text but for DEL (U+007F), which it leaves unescaped
    (mended here; it occurs only inside strings), and a float's one-digit negative
    exponent (`1e-5` for `1e-05`): where the text holds anything like one, a string's
    `3e-5,` included, or where ujson refuses the data, the standard library writes it."""
    try:
        text: str = ujson.dumps(
            data,
            ensure_ascii=True,
            sort_keys=True,
            escape_forward_slashes=False,
            encode_html_chars=False,
        )
    except (OverflowError, TypeError, ValueError):
        text = ""
    if not text or _SHORT_EXPONENT_COMPACT.search(text):
        return json.dumps(data, sort_keys=True, separators=(",", ":"))
    if "\x7f" in text:
        text = text.replace("\x7f", "\\u007f")
    return text


def combine_digests(digests: Iterable[str]) -> str:
    """The dataset hash of a set of task digests: independent of order and of how a
    batch was split into requests."""
    digest = hashlib.sha256()
    for d in sorted(set(digests)):
        digest.update(d.encode())
        digest.update(b"\n")
    return digest.hexdigest()[:16]


def dataset_hash(tasks: Iterable[Task]) -> str:
    """Hash over task ids and ground truth, independent of order."""
    return combine_digests(task_digest(t) for t in tasks)


def build_manifest(
    suite: Suite,
    tasks: Sequence[Task],
    profile: RewardProfile,
    *,
    epochs: int = 1,
    seed: int | None = None,
    salt: str | None = None,
    dataset_id: str | None = None,
    participant: str | None = None,
    ground_truth_source: Literal["server", "caller"] = "server",
    digests: Iterable[str] | None = None,
) -> RunManifest:
    """The manifest of a run over `tasks` (`digests`: their `task_digest`s, when the
    caller has them already)."""
    info = suite.info
    return RunManifest(
        suite=info.name,
        suite_version=info.version,
        dataset_id=dataset_id or f"generated:{info.name}/{info.version}/{seed}",
        dataset_hash=combine_digests(digests) if digests is not None else dataset_hash(tasks),
        seed=seed,
        seed_salt_hash=salt_hash(salt) if salt else None,
        n=len(tasks),
        epochs=epochs,
        profile=profile,
        profile_hash=profile.hash,
        scorer_version=info.scorer_version,
        versions=library_versions(),
        participant=participant,
        ground_truth_source=ground_truth_source,
    )


def new_run_meta(run_id: str | None = None, state: RunState = RunState.RUNNING) -> RunMeta:
    """Fresh run id and timestamp."""
    return RunMeta(
        run_id=run_id or uuid.uuid4().hex,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        state=state,
    )


_SHORT_EXPONENT = re.compile(r"e-(?<=\de-)([1-9])(?=,?\n)")
"""A float's one-digit negative exponent at the end of its line (`1e-5`): only a
number can end a line, since a string ends in its quote."""


def canonical_dumps(data: Any) -> str:
    """JSON data (`model_dump(mode="json")` output: str keys) as canonical text: the very
    bytes of `json.dumps(data, sort_keys=True, indent=1) + "\n"` (ASCII only with
    lowercase `\\uXXXX` escapes, Python's float repr, `NaN`/`Infinity`, ints of any size).

    The standard library encodes indented JSON in pure Python; ujson's C encoder writes
    the same text with two differences, mended here: it writes `1e-5` where Python writes
    `1e-05` (same digits otherwise) and leaves DEL (U+007F) unescaped.
    (orjson, though quicker to encode, indents by two and formats floats its own way:
    mending those costs more than it saves.)"""
    text = (
        ujson.dumps(
            data,
            ensure_ascii=True,
            sort_keys=True,
            indent=1,
            escape_forward_slashes=False,
            encode_html_chars=False,
        )
        + "\n"
    )
    if "e-" in text:
        text = _SHORT_EXPONENT.sub(r"e-0\1", text)
    if "\x7f" in text:
        text = text.replace("\x7f", "\\u007f")
    return text


def canonical_json(record: RunRecord) -> str:
    """The whole record as canonical JSON (sorted keys, one-space indentation, ASCII;
    `canonical_dumps`)."""
    with _collector_paused():
        return canonical_dumps(record.model_dump(mode="json"))


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (when it runs) for the duration. Dumping a
    record makes a container per sample, penalty and span, none of them garbage, yet
    each few hundred allocations start a collection that walks them again: on a
    1,000-sample record that was two thirds of `model_dump`'s time."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def result_json(record: RunRecord) -> str:
    """Canonical JSON of the compared part (everything but `meta`)."""
    return json.dumps(
        record.model_dump(mode="json", exclude={"meta"}), sort_keys=True, separators=(",", ":")
    )
