"""Inspect logs into medsafe runs: each sample's completion (or its error) becomes a
response, re-scored by the suite's own scorer under the profile the log's task used,
through the one evaluation path, so the run is the same as if `medsafe score` had
scored it. Works for logs of our tasks (sample metadata `task_id`) and of any task
whose sample ids are our generated task ids."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from inspect_ai.log import EvalLog, read_eval_log

from medsafe_core.evaluation import BatchError, BatchItem, build_batch, evaluate, resolve_profile
from medsafe_core.ids import parse_task_id
from medsafe_core.models import RunRecord
from medsafe_core.settings import Settings


class InspectImportError(ValueError):
    """A log that cannot become a medsafe run."""


def _task_id(sample: Any) -> str | None:
    meta = sample.metadata or {}
    tid = meta.get("task_id") if isinstance(meta, dict) else None
    if isinstance(tid, str):
        return tid
    if isinstance(sample.id, str) and parse_task_id(sample.id) is not None:
        return sample.id
    return None


def _items(log: EvalLog) -> list[BatchItem]:
    items: list[BatchItem] = []
    for sample in log.samples or []:
        task_id = _task_id(sample)
        if task_id is None:
            raise InspectImportError(
                f"sample {sample.id!r} names no medsafe task (no task_id metadata, and its "
                "id is not a generated task id)"
            )
        epoch = max(0, int(sample.epoch) - 1)
        if sample.error is not None:
            message = getattr(sample.error, "message", str(sample.error))
            items.append(BatchItem(task_id=task_id, epoch=epoch, error=f"inspect: {message}"[:500]))
            continue
        text = sample.output.completion if sample.output is not None else ""
        items.append(BatchItem(task_id=task_id, epoch=epoch, response=text))
    return items


def log_to_record(log: EvalLog, *, participant: str | None = None) -> RunRecord:
    """The medsafe run of an Inspect log (InspectImportError when it cannot be one)."""
    if log.status not in ("success", "cancelled", "error"):
        raise InspectImportError(f"the log's eval is {log.status}; nothing to import")
    items = _items(log)
    if not items:
        raise InspectImportError("the log holds no samples (was it written with samples?)")
    settings = Settings()
    try:
        batch = build_batch(
            items,
            max_items=max(len(items), settings.max_batch_items),
            max_response_bytes=settings.max_response_bytes,
        )
        args = log.eval.task_args or {}
        profile_name = args.get("profile") if isinstance(args.get("profile"), str) else None
        profile = resolve_profile(batch.suite, profile_name, settings.profile_for(batch.suite))
    except BatchError as exc:
        raise InspectImportError(str(exc)) from None
    return evaluate(batch, profile, participant=participant or log.eval.model).record


def import_log(path: Path, *, participant: str | None = None) -> RunRecord:
    """Read an Inspect log file (`.eval` or `.json`) and build its run."""
    try:
        log = read_eval_log(str(path))
    except (OSError, ValueError) as exc:
        raise InspectImportError(f"{path}: not a readable Inspect log ({exc})") from None
    return log_to_record(log, participant=participant)
