"""`serve` and `db upgrade` as a user runs them (a real process, a real database)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx
from service_helpers import free_port
from typer.testing import CliRunner

from medsafe_core.service.commands import service_app
from medsafe_core.store import head_revision

RUNNER = CliRunner()


def test_db_upgrade_and_current(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    before = RUNNER.invoke(service_app, ["db", "current", "--database-url", url])
    assert before.exit_code == 0, before.output
    assert "at revision None" in before.output
    result = RUNNER.invoke(service_app, ["db", "upgrade", "--database-url", url])
    assert result.exit_code == 0, result.output
    assert f"at revision {head_revision()}" in result.output
    again = RUNNER.invoke(service_app, ["db", "upgrade", "--database-url", url])
    assert again.exit_code == 0


def test_serve_starts_migrates_guards_and_stops(tmp_path: Path) -> None:
    port, token = free_port(), "serve-token-5d1"
    db = tmp_path / "serve.db"
    code = "from medsafe_core.service.commands import service_app; service_app()"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            code,
            "serve",
            "--port",
            str(port),
            "--database-url",
            f"sqlite+aiosqlite:///{db}",
            "--token",
            token,
            "--log-level",
            "info",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
            assert time.monotonic() < deadline, "serve did not come up"
            time.sleep(0.1)
        assert httpx.get(f"{base}/runs").status_code == 401
        ok = httpx.get(f"{base}/runs", headers={"Authorization": f"Bearer {token}"})
        assert ok.status_code == 200
        assert db.exists()  # migrated at start
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=20)
    text = out.decode()
    assert "auth on" in text
    assert token not in text
