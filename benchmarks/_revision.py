"""A package's source at an earlier git revision, for benchmarks that run the code of a
baseline revision beside the working tree in one run (`--baseline REF`)."""

from __future__ import annotations

import io
import subprocess
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def extract_tree(ref: str, path: str, into: Path) -> str:
    """`path` (e.g. "agents/src") of git revision `ref` under `into`; the revision's short
    hash."""
    short = subprocess.run(
        ["git", "rev-parse", "--short", ref], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.strip()
    tar = subprocess.run(
        ["git", "archive", "--format=tar", ref, path], cwd=ROOT, check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(tar)) as archive:
        archive.extractall(into, filter="data")
    return short
