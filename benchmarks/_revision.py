"""A package's source at an earlier git revision, for benchmarks that run the code of a
baseline revision beside the working tree in one run (`--baseline REF`)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
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


def baseline_env(env: dict[str, str], packages: dict[str, str]) -> dict[str, str]:
    """`env` with each package's extracted source directory first on PYTHONPATH, checked
    in a fresh interpreter to be what `import package` finds."""
    old = env.get("PYTHONPATH")
    paths = list(packages.values())
    out = {**env, "PYTHONPATH": os.pathsep.join([*paths, *([old] if old else [])])}
    for package, path in packages.items():
        where = subprocess.run(
            [sys.executable, "-c", f"import {package}; print({package}.__file__)"],
            env=out,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        assert where.startswith(path), f"the baseline imports {where}"
    return out
