"""Regenerate the bundled dipg task files and their manifests, or check them (`--check`).

    uv run python scripts/build_bundled_tasks.py          # rewrite the files
    uv run python scripts/build_bundled_tasks.py --check  # exit 1 if any is stale

Each file holds the first N tasks of a fixed seed for one generator version, generated
exactly as the server regenerates them from their ids: `dipg-v1-bundled` (version 1,
the file `bundled_dataset()` loads) and `dipg-v2-bundled` (version 2, the current one).
Every version stays reproducible, so if the generator's output for a version changes,
the check fails: a change of what is generated needs a new version (and a new file).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path

from medsafe_core.datasets import BUNDLED_NAME, dumps_tasks, write_tasks
from medsafe_core.ids import make_task_id
from medsafe_core.models import Task
from medsafe_core.suites.dipg.generate import GENERATOR_VERSION, SUITE, generate_task

SEED = 2026
N = 300
BUNDLED_VERSION = 1
"""Version of the file `bundled_dataset()` loads (`datasets.BUNDLED_NAME`)."""
VERSIONS = tuple(sorted({BUNDLED_VERSION, GENERATOR_VERSION}))
DATA_DIR = Path(__file__).resolve().parents[1] / "core" / "src" / "medsafe_core" / "data"


def bundle_name(version: int) -> str:
    """File name (without extension) of a version's bundled tasks."""
    return BUNDLED_NAME if version == BUNDLED_VERSION else f"{SUITE}-v{version}-bundled"


def build_tasks(seed: int = SEED, n: int = N, version: int = BUNDLED_VERSION) -> list[Task]:
    """The bundled tasks of a version: ids `dipg/<version>/<seed>/<index>`, no salt."""
    key = f"{SUITE}/{version}/{seed}"
    return [generate_task(key, i, make_task_id(SUITE, version, seed, i)) for i in range(n)]


def manifest_for(
    data: bytes, seed: int = SEED, n: int = N, version: int = BUNDLED_VERSION
) -> dict[str, object]:
    """The manifest recorded next to a task file."""
    return {
        "name": bundle_name(version),
        "suite": SUITE,
        "suite_version": version,
        "seed": seed,
        "n": n,
        "sha256": hashlib.sha256(data).hexdigest(),
    }


def manifest_text(manifest: dict[str, object]) -> str:
    """Canonical manifest JSON (sorted keys, trailing newline)."""
    return json.dumps(manifest, indent=2, sort_keys=True) + "\n"


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


def _stale(version: int, data: bytes, manifest: dict[str, object]) -> list[str]:
    name = bundle_name(version)
    jsonl, meta = DATA_DIR / f"{name}.jsonl", DATA_DIR / f"{name}.json"
    checks = (
        (jsonl, jsonl.exists() and jsonl.read_bytes() == data),
        (meta, meta.exists() and meta.read_text("utf-8") == manifest_text(manifest)),
    )
    return [str(p) for p, ok in checks if not ok]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify instead of writing")
    args = parser.parse_args(argv)
    stale: list[str] = []
    for version in VERSIONS:
        tasks = build_tasks(version=version)
        data = dumps_tasks(tasks)
        manifest = manifest_for(data, version=version)
        if args.check:
            stale += _stale(version, data, manifest)
            continue
        name = bundle_name(version)
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        write_tasks(tasks, DATA_DIR / f"{name}.jsonl")
        _write_atomic(DATA_DIR / f"{name}.json", manifest_text(manifest))
        print(f"wrote {len(tasks)} version {version} tasks to {name}.jsonl ({len(data)} bytes)")
    if not args.check:
        return 0
    if stale:
        print(
            "stale bundled task files: " + ", ".join(stale) + "\nThe dipg generator's output "
            "changed for a released version: keep that version's output and put the change "
            "in a new version, then run scripts/build_bundled_tasks.py",
            file=sys.stderr,
        )
        return 1
    print(f"bundled task files are up to date (versions {', '.join(map(str, VERSIONS))})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
