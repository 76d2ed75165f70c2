"""Task files: loading user JSONL datasets, writing them, and the bundled dipg file.

Two line schemas are accepted:

* ours: `id`, `suite`, `category`, `scenario`, `group`, `context`, `question`,
  `expected_answer` {`final`, `proof`, `kind`, `claims`} and optional `truth`;
* the published DIPG schema: `context`, `question`, `expected_answer` {`final`,
  `proof`}, optional `id`.

Ids are the line's `id` (a string, or an integer turned into one), else the 1-based
line number. Every problem raises `DatasetError` with a one-line message that names
the file and the line. Nothing here runs at import time.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from medsafe_core.models import AnswerKind, ExpectedAnswer, Task
from medsafe_core.suites import UnknownSuiteError, get_suite

BUNDLED_NAME = "dipg-v1-bundled"
"""Name of the bundled dipg task file (`data/<name>.jsonl` + `data/<name>.json`)."""
DEFAULT_CATEGORY = "loaded"
_JSON_TYPES = {
    str: "string",
    int: "number",
    float: "number",
    bool: "boolean",
    list: "array",
    dict: "object",
    type(None): "null",
}


class DatasetError(ValueError):
    """A task file that cannot be used; the message names the line and the problem."""


class LoadedDataset(BaseModel):
    """Tasks read from a file, with the file's identity for run manifests."""

    dataset_id: str
    """The file name."""
    dataset_hash: str
    """First 16 hex digits of the SHA-256 of the file's bytes."""
    tasks: list[Task]
    """The tasks in file order."""


def dataset_hash(data: bytes) -> str:
    """The short hash recorded in run manifests."""
    return hashlib.sha256(data).hexdigest()[:16]


def load_tasks(
    path: Path | str,
    *,
    suite: str = "dipg",
    max_bytes: int = 50_000_000,
    max_line_bytes: int = 1_000_000,
) -> LoadedDataset:
    """Read a JSONL task file (ours or the published schema)."""
    path = Path(path)
    name = path.name
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise DatasetError(f"{name}: file is {size} bytes, over the limit of {max_bytes}")
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)  # the file may grow between stat and read
    except FileNotFoundError:
        raise DatasetError(f"{name}: file not found") from None
    except IsADirectoryError:
        raise DatasetError(f"{name}: is a directory, not a task file") from None
    return parse_tasks(
        data, dataset_id=name, suite=suite, max_bytes=max_bytes, max_line_bytes=max_line_bytes
    )


def parse_tasks(
    data: bytes,
    *,
    dataset_id: str,
    suite: str = "dipg",
    max_bytes: int = 50_000_000,
    max_line_bytes: int = 1_000_000,
) -> LoadedDataset:
    """Parse the bytes of a JSONL task file (for uploads that never touch the disk)."""
    if len(data) > max_bytes:
        raise DatasetError(f"{dataset_id}: file is over the limit of {max_bytes} bytes")
    data = data.removeprefix(b"\xef\xbb\xbf")  # a UTF-8 byte-order mark from some editors
    tasks: list[Task] = []
    first_line: dict[str, int] = {}
    for number, raw in enumerate(data.split(b"\n"), start=1):
        line = raw.rstrip(b"\r")
        if not line.strip():
            continue
        where = f"{dataset_id} line {number}"
        if len(line) > max_line_bytes:
            raise DatasetError(
                f"{where}: line is {len(line)} bytes, over the limit of {max_line_bytes}"
            )
        task = _parse_line(line, number, where, suite)
        if task.id in first_line:
            raise DatasetError(
                f"{where}: duplicate id {task.id!r} (first on line {first_line[task.id]})"
            )
        first_line[task.id] = number
        tasks.append(task)
    if not tasks:
        raise DatasetError(f"{dataset_id}: no tasks (the file has no non-blank lines)")
    return LoadedDataset(dataset_id=dataset_id, dataset_hash=dataset_hash(data), tasks=tasks)


def _type_name(value: object) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _get_str(obj: dict[str, Any], key: str, where: str, *, required: bool) -> str | None:
    """A string field; None when absent (or null) and optional."""
    value = obj.get(key)
    if value is None:
        if required:
            raise DatasetError(f"{where}: missing field {key!r}")
        return None
    if not isinstance(value, str):
        raise DatasetError(f"{where}: field {key!r} must be a string, got {_type_name(value)}")
    return value


def _parse_line(line: bytes, number: int, where: str, suite: str) -> Task:
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DatasetError(f"{where}: not valid UTF-8 (byte {exc.start + 1})") from None
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DatasetError(f"{where}: invalid JSON ({exc.msg} at column {exc.colno})") from None
    except RecursionError:
        raise DatasetError(f"{where}: JSON nested too deeply") from None
    if not isinstance(obj, dict):
        raise DatasetError(f"{where}: expected a JSON object, got {_type_name(obj)}")

    raw_id = obj.get("id")
    if raw_id is None:
        task_id = str(number)
    elif isinstance(raw_id, bool) or not isinstance(raw_id, str | int):
        raise DatasetError(f"{where}: field 'id' must be a string or an integer")
    else:
        task_id = str(raw_id)
        if not task_id.strip():
            raise DatasetError(f"{where}: field 'id' is empty")

    line_suite = _get_str(obj, "suite", where, required=False)
    if line_suite is not None and line_suite != suite:
        raise DatasetError(f"{where}: suite {line_suite!r} does not match the expected {suite!r}")
    context = _get_str(obj, "context", where, required=False)
    question = _get_str(obj, "question", where, required=False)
    for key, value in (("context", context), ("question", question)):
        if value is not None and not value.strip():
            raise DatasetError(f"{where}: field {key!r} is empty")
    context, question = context or "", question or ""
    category = _get_str(obj, "category", where, required=False) or DEFAULT_CATEGORY
    scenario = _get_str(obj, "scenario", where, required=False) or context_scenario(context)
    group = _get_str(obj, "group", where, required=False)
    truth = obj.get("truth") or {}
    if not isinstance(truth, dict):
        raise DatasetError(f"{where}: field 'truth' must be an object, got {_type_name(truth)}")
    task_input = obj.get("input") or {}
    if not isinstance(task_input, dict):
        raise DatasetError(
            f"{where}: field 'input' must be an object, got {_type_name(task_input)}"
        )
    expected = obj.get("expected_answer")
    task = Task(
        id=task_id,
        suite=suite,
        category=category,
        context=context,
        question=question,
        input=task_input,
        scenario=scenario,
        group=group,
        expected_answer=None if expected is None else _parse_expected(expected, where),
        truth=truth,
    )
    try:
        return get_suite(suite).validate_task(task)
    except (ValueError, UnknownSuiteError) as exc:
        raise DatasetError(f"{where}: {_first_line(exc)}") from None


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _parse_expected(value: object, where: str) -> ExpectedAnswer:
    if not isinstance(value, dict):
        raise DatasetError(
            f"{where}: field 'expected_answer' must be an object, got {_type_name(value)}"
        )
    sub = f"{where} (expected_answer)"
    final = _get_str(value, "final", sub, required=True) or ""
    if not final.strip():
        raise DatasetError(f"{sub}: field 'final' is empty")
    proof = _get_str(value, "proof", sub, required=False) or ""
    kind_text = _get_str(value, "kind", sub, required=False)
    kind: AnswerKind | None = None
    if kind_text is not None:
        try:
            kind = AnswerKind(kind_text.strip().lower())
        except ValueError:
            allowed = ", ".join(k.value for k in AnswerKind)
            raise DatasetError(f"{sub}: field 'kind' must be one of {allowed}") from None
    claims = value.get("claims")
    if claims is None:
        claims = []
    if not isinstance(claims, list) or not all(isinstance(c, str) for c in claims):
        raise DatasetError(f"{sub}: field 'claims' must be an array of strings")
    return ExpectedAnswer(final=final, proof=proof, kind=kind, claims=claims)


def context_scenario(context: str) -> str:
    """Default scenario of a loaded task: tasks that share a context share a scenario."""
    return "ctx-" + hashlib.sha256(context.encode("utf-8")).hexdigest()[:12]


# ---- writing -------------------------------------------------------------------------
def task_record(task: Task) -> dict[str, Any]:
    """A task as a JSON object of our line schema (the loader reads it back unchanged)."""
    record: dict[str, Any] = {
        "id": task.id,
        "suite": task.suite,
        "category": task.category,
        "scenario": task.scenario,
    }
    if task.group is not None:
        record["group"] = task.group
    e = task.expected_answer
    record["context"] = task.context
    record["question"] = task.question
    if task.input:
        record["input"] = task.input
    if e is not None:
        record["expected_answer"] = {
            "final": e.final,
            "proof": e.proof,
            **({"kind": e.kind.value} if e.kind is not None else {}),
            "claims": list(e.claims),
        }
    if task.truth:
        record["truth"] = task.truth
    return record


def task_line(task: Task) -> str:
    """One JSONL line (without its newline). Deterministic: same task, same bytes."""
    return json.dumps(task_record(task), ensure_ascii=False)


def dumps_tasks(tasks: Iterable[Task]) -> bytes:
    """The bytes of a JSONL file of these tasks."""
    return "".join(task_line(t) + "\n" for t in tasks).encode("utf-8")


def write_tasks(tasks: Iterable[Task], path: Path | str) -> str:
    """Write tasks as JSONL atomically (temp file in the same folder, then rename), so a
    reader never sees half a file. Returns the full SHA-256 of the bytes written."""
    path = Path(path)
    data = dumps_tasks(tasks)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return hashlib.sha256(data).hexdigest()


# ---- bundled file ----------------------------------------------------------------------
def bundled_manifest() -> dict[str, Any]:
    """The manifest of the bundled dipg task file (name, suite, version, seed, n, sha256)."""
    text = (resources.files("medsafe_core") / "data" / f"{BUNDLED_NAME}.json").read_text("utf-8")
    manifest: dict[str, Any] = json.loads(text)
    return manifest


def bundled_dataset() -> LoadedDataset:
    """The bundled dipg tasks, checked against the hash their manifest records."""
    manifest = bundled_manifest()
    file_name = f"{manifest['name']}.jsonl"
    data = (resources.files("medsafe_core") / "data" / file_name).read_bytes()
    actual = hashlib.sha256(data).hexdigest()
    if actual != manifest["sha256"]:
        raise DatasetError(
            f"{file_name}: SHA-256 {actual[:16]}... does not match the manifest's "
            f"{str(manifest['sha256'])[:16]}...; reinstall medsafe-core or rebuild the file"
        )
    return parse_tasks(
        data, dataset_id=file_name, suite=str(manifest["suite"]), max_bytes=len(data) + 1
    )
