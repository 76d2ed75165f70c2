"""Regenerate the bundled dipg task file and its manifest, or check them (`--check`).

    uv run python scripts/build_bundled_tasks.py          # rewrite the two files
    uv run python scripts/build_bundled_tasks.py --check  # exit 1 if they are stale

The file holds the first N tasks of a fixed seed, generated exactly as the server
regenerates them from their ids. If the generator changes, the check fails until the
dipg suite version is bumped and the file rebuilt (a new version gets a new file name).
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
DATA_DIR = Path(__file__).resolve().parents[1] / "core" / "src" / "medsafe_core" / "data"


def build_tasks(seed: int = SEED, n: int = N) -> list[Task]:
    """The bundled tasks: ids `dipg/<version>/<seed>/<index>`, no salt."""
    key = f"{SUITE}/{GENERATOR_VERSION}/{seed}"
    return [
        generate_task(key, i, make_task_id(SUITE, GENERATOR_VERSION, seed, i)) for i in range(n)
    ]


def manifest_for(data: bytes, seed: int = SEED, n: int = N) -> dict[str, object]:
    """The manifest recorded next to the task file."""
    return {
        "name": BUNDLED_NAME,
        "suite": SUITE,
        "suite_version": GENERATOR_VERSION,
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify instead of writing")
    args = parser.parse_args(argv)
    tasks = build_tasks()
    data = dumps_tasks(tasks)
    manifest = manifest_for(data)
    jsonl, meta = DATA_DIR / f"{BUNDLED_NAME}.jsonl", DATA_DIR / f"{BUNDLED_NAME}.json"
    if args.check:
        stale = [
            str(p)
            for p, ok in (
                (jsonl, jsonl.exists() and jsonl.read_bytes() == data),
                (meta, meta.exists() and meta.read_text("utf-8") == manifest_text(manifest)),
            )
            if not ok
        ]
        if stale:
            print(
                "stale bundled task files: " + ", ".join(stale) + "\nThe dipg generator changed: "
                "bump the dipg suite version, then run scripts/build_bundled_tasks.py",
                file=sys.stderr,
            )
            return 1
        print(f"bundled task files are up to date ({len(tasks)} tasks)")
        return 0
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    write_tasks(tasks, jsonl)
    _write_atomic(meta, manifest_text(manifest))
    print(f"wrote {len(tasks)} tasks to {jsonl} ({len(data)} bytes) and {meta.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
