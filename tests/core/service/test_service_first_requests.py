"""The first requests of a fresh process, arriving together, all find the suites (the
load test saw `unknown suite 'dipg'; known: []` on a fresh server under 32 clients)."""

from __future__ import annotations

import subprocess
import sys

CONCURRENT_FIRST_LOOKUPS = """
import threading
from medsafe_core.suites import UnknownSuiteError, get_suite

barrier = threading.Barrier(8)
failures = []

def lookup():
    barrier.wait()
    try:
        get_suite("dipg")
    except UnknownSuiteError as exc:
        failures.append(str(exc))

threads = [threading.Thread(target=lookup) for _ in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(len(failures))
"""


def test_concurrent_first_suite_lookups_all_succeed() -> None:
    for _ in range(3):  # a fresh interpreter each time: the registry loads once per process
        out = subprocess.run(
            [sys.executable, "-c", CONCURRENT_FIRST_LOOKUPS],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert out.returncode == 0, out.stderr[-2000:]
        assert out.stdout.strip() == "0"
