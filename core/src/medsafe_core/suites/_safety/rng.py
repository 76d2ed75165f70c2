"""Seeded randomness that gives the same task on every machine and Python version."""

from __future__ import annotations

import hashlib
import random


def task_rng(key: str, index: int | str) -> random.Random:
    """A generator seeded from `f"{key}:{index}"` through SHA-256 (not Python's `hash`)."""
    digest = hashlib.sha256(f"{key}:{index}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))
