"""Runs: score responses into samples, build manifests and records, re-score, and
write canonical JSON.

The compared part of a run record (manifest, responses, samples, metrics, tasks) is
written as canonical JSON: sorted keys, fixed separators. Run ids and timestamps live
in `meta`, so re-scoring a record with the same scorer and profile reproduces it byte
for byte.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from importlib import metadata
from typing import Any, Literal

from medsafe_core.ids import parse_task_id, salt_hash
from medsafe_core.models import (
    Outcome,
    ResponseRecord,
    RewardProfile,
    RunManifest,
    RunMeta,
    RunRecord,
    RunState,
    SampleResult,
    Score,
    Task,
)
from medsafe_core.parsing.types import ResponseFormat
from medsafe_core.suites import Suite, get_suite

logger = logging.getLogger(__name__)


class RunInputError(ValueError):
    """Responses that cannot form a run (unknown id, duplicate id and epoch)."""


def library_versions() -> dict[str, str]:
    """medsafe and the versions of the libraries that affect scoring."""
    out: dict[str, str] = {}
    for dist in ("medsafe-core", "pydantic", "rapidfuzz", "numpy"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "unknown"
    return out


def dataset_hash(tasks: Iterable[Task]) -> str:
    """Hash over task ids and ground truth, independent of order."""
    digest = hashlib.sha256()
    for blob in sorted(
        json.dumps(t.model_dump(mode="json"), sort_keys=True, separators=(",", ":")) for t in tasks
    ):
        digest.update(blob.encode())
        digest.update(b"\n")
    return digest.hexdigest()[:16]


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
) -> RunManifest:
    """The manifest of a run over `tasks`."""
    info = suite.info
    return RunManifest(
        suite=info.name,
        suite_version=info.version,
        dataset_id=dataset_id or f"generated:{info.name}/{info.version}/{seed}",
        dataset_hash=dataset_hash(tasks),
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


def score_response(
    suite: Suite,
    task: Task,
    record: ResponseRecord,
    profile: RewardProfile,
    fmt: ResponseFormat = ResponseFormat.AUTO,
) -> SampleResult:
    """Score one stored response. An infrastructure error becomes an ERROR sample; a
    scorer that raises gives an UNSCORED sample with the reason. Never raises."""
    common: dict[str, Any] = {
        "id": task.id,
        "epoch": record.epoch,
        "category": task.category,
        "scenario": task.scenario,
        "group": task.group,
    }
    if record.response is None:
        return SampleResult(
            **common, reward=None, outcome=Outcome.ERROR, error=record.error or "no response"
        )
    try:
        score = suite.score(task, record.response, profile, fmt)
    except Exception as exc:  # a scorer that fails must not fail the run, nor count as the model's
        logger.exception("scorer of suite %s failed on task %s", suite.name, task.id)
        score = Score.unscored(f"scorer error: {type(exc).__name__}")
    return SampleResult.from_score(**common, score=score)


def check_responses(tasks: Mapping[str, Task], responses: Sequence[ResponseRecord]) -> None:
    """Raise RunInputError naming the first unknown id or duplicate (id, epoch)."""
    seen: set[tuple[str, int]] = set()
    for i, r in enumerate(responses, start=1):
        if r.id not in tasks:
            raise RunInputError(f"response {i}: unknown task id {r.id!r}")
        key = (r.id, r.epoch)
        if key in seen:
            raise RunInputError(f"response {i}: duplicate task id {r.id!r} with epoch {r.epoch}")
        seen.add(key)


def new_run_meta(run_id: str | None = None, state: RunState = RunState.RUNNING) -> RunMeta:
    """Fresh run id and timestamp."""
    return RunMeta(
        run_id=run_id or uuid.uuid4().hex,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        state=state,
    )


def _inline_tasks(tasks: Iterable[Task]) -> list[Task]:
    return sorted((t for t in tasks if parse_task_id(t.id) is None), key=lambda t: t.id)


def score_run(
    suite: Suite,
    tasks: Sequence[Task],
    responses: Sequence[ResponseRecord],
    manifest: RunManifest,
    *,
    meta: RunMeta | None = None,
    fmt: ResponseFormat = ResponseFormat.AUTO,
) -> RunRecord:
    """Score every response and assemble a completed run record."""
    by_id = {t.id: t for t in tasks}
    check_responses(by_id, responses)
    ordered = sorted(responses, key=lambda r: (r.id, r.epoch))
    samples = [score_response(suite, by_id[r.id], r, manifest.profile, fmt) for r in ordered]
    return RunRecord(
        meta=meta or new_run_meta(state=RunState.COMPLETED),
        manifest=manifest,
        responses=ordered,
        samples=samples,
        metrics=suite.summarize(samples, profile=manifest.profile),
        tasks=_inline_tasks(by_id[r.id] for r in ordered),
    )


def rescore(
    record: RunRecord, profile: RewardProfile | None = None, salt: str | None = None
) -> RunRecord:
    """Re-score a stored run without calling any model, with its own profile unless
    another is given. Tasks come from the record's inline tasks or from their ids."""
    suite = get_suite(record.manifest.suite)
    by_id = {t.id: t for t in record.tasks}
    tasks = [by_id[r.id] if r.id in by_id else suite.resolve(r.id, salt) for r in record.responses]
    unique = list({t.id: t for t in tasks}.values())
    manifest = record.manifest
    if profile is not None and profile != manifest.profile:
        manifest = manifest.model_copy(update={"profile": profile, "profile_hash": profile.hash})
    return score_run(suite, unique, record.responses, manifest, meta=record.meta)


def canonical_json(record: RunRecord) -> str:
    """The whole record as canonical JSON (sorted keys)."""
    return json.dumps(record.model_dump(mode="json"), sort_keys=True, indent=1) + "\n"


def result_json(record: RunRecord) -> str:
    """Canonical JSON of the compared part (everything but `meta`)."""
    return json.dumps(
        record.model_dump(mode="json", exclude={"meta"}), sort_keys=True, separators=(",", ":")
    )
