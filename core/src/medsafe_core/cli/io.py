"""File input and output of the CLI: line-numbered errors, atomic writes."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the models are imported by the readers: `medsafe tasks` writes only
    from medsafe_core.models import ResponseRecord, RunRecord

MAX_LINE_BYTES = 1_000_000


class InputError(ValueError):
    """Bad user input; the message names the file and line."""


def read_responses(path: Path) -> list[ResponseRecord]:
    """Responses JSONL: `{"id": ..., "response": "<raw text>", "epoch"?: n}` per line."""
    from pydantic import ValidationError

    from medsafe_core.models import ResponseRecord

    if not path.is_file():
        raise InputError(f"{path}: no such file")
    out: list[ResponseRecord] = []
    with path.open("rb") as fh:
        for lineno, raw in enumerate(fh, start=1):
            if len(raw) > MAX_LINE_BYTES:
                raise InputError(f"{path}:{lineno}: line is over {MAX_LINE_BYTES} bytes")
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw)
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                raise InputError(f"{path}:{lineno}: not valid JSON ({exc})") from None
            if not isinstance(obj, dict):
                raise InputError(f"{path}:{lineno}: expected a JSON object")
            if "id" in obj and isinstance(obj["id"], int):
                obj["id"] = str(obj["id"])
            try:
                out.append(ResponseRecord.model_validate(obj))
            except ValidationError as exc:
                err = exc.errors()[0]
                field = ".".join(str(p) for p in err["loc"]) or "line"
                raise InputError(f"{path}:{lineno}: {field}: {err['msg']}") from None
    return out


def read_run(path: Path) -> RunRecord:
    """A run record written by `medsafe score`."""
    from pydantic import ValidationError

    from medsafe_core.models import RunRecord

    if not path.is_file():
        raise InputError(f"{path}: no such file")
    try:
        return RunRecord.model_validate_json(path.read_bytes())
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "file"
        raise InputError(f"{path}: not a medsafe run record ({field}: {err['msg']})") from None


def write_atomic(path: Path, text: str) -> None:
    """Write a file so that readers see the old content or the whole new content."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
