"""Fixtures of the whole-surface tests: the third-party `toy` suite installed as a
package (a dist-info with a `medsafe.suites` entry point on sys.path, the layout an
installer writes), and real servers of every role in process."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from medsafe_core import suites

TOY_PACKAGE_DIR = Path(__file__).parent / "toy_pkg"


@pytest.fixture
def toy_suite() -> Iterator[str]:
    """Install the toy suite package into this process; yields its name."""
    sys.path.insert(0, str(TOY_PACKAGE_DIR))
    importlib.invalidate_caches()
    suites.refresh_entry_points()
    try:
        yield "toy"
    finally:
        sys.path.remove(str(TOY_PACKAGE_DIR))
        sys.modules.pop("medsafe_toy", None)
        importlib.invalidate_caches()
        suites.unregister_suite("toy")
        suites.refresh_entry_points()
