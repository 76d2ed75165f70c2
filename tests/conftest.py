"""Shared pytest configuration: offline-quiet environment and the gold-set report."""

from __future__ import annotations

import os

import pytest

for _key, _value in {
    "GOOGLE_API_USE_CLIENT_CERTIFICATE": "false",
    "NO_GCE_CHECK": "True",
    "FASTMCP_CHECK_FOR_UPDATES": "off",
    "FASTMCP_SHOW_SERVER_BANNER": "false",
}.items():
    os.environ.setdefault(_key, _value)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the dipg gold-set precision/recall table when those tests ran."""
    try:
        from tests.core.test_dipg_gold import REPORT
    except ImportError:
        return
    if not REPORT:
        return
    terminalreporter.section("dipg gold set (hand-labelled)")
    for name, (precision, recall, n) in REPORT.items():
        terminalreporter.write_line(
            f"{name:>18}: precision {precision:.2f}  recall {recall:.2f}  (n={n})"
        )
