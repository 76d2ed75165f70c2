"""Run a snippet of Python under several PYTHONHASHSEED values: what it prints must not
depend on string hashing (the generator and the reference participants promise this)."""

from __future__ import annotations

import os
import subprocess
import sys


def outputs_under_hash_seeds(code: str, seeds: tuple[str, ...] = ("0", "1", "4242")) -> set[str]:
    """The distinct outputs of `code`, one fresh interpreter per hash seed."""
    return {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in seeds
    }
