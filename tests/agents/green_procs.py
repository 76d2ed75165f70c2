"""Green agents as real processes (`medsafe-green`) on 127.0.0.1, for restart and
replica tests: start, wait for the card, kill, and read the run store."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
from a2a.client import A2ACardResolver, Client

from .helpers import client_for

GREEN = Path(sys.executable).parent / "medsafe-green"


def green_env(db: str, **extra: str) -> dict[str, str]:
    """The environment of a test green process: its database, no token, no salt."""
    env = {**os.environ, "MEDSAFE_DATABASE_URL": db, "MEDSAFE_PROGRESS_INTERVAL_S": "0"}
    for key in ("MEDSAFE_GREEN_TOKEN", "MEDSAFE_SEED_SALT", "MEDSAFE_ALLOWED_PARTICIPANTS"):
        env.pop(key, None)
    env.update(extra)
    return env


def start_green(port: int, env: dict[str, str], log: Path | None = None) -> subprocess.Popen[bytes]:
    """`medsafe-green --port PORT` in its own session (so it can be killed as a group)."""
    out = open(log, "ab") if log else None  # noqa: SIM115 - the process owns it
    return subprocess.Popen(
        [str(GREEN), "--port", str(port), "--log-level", "info" if log else "warning"],
        env=env,
        start_new_session=True,
        stdout=out,
        stderr=out,
    )


def kill(proc: subprocess.Popen[bytes], sig: int = signal.SIGKILL) -> None:
    """Signal the process group and wait for the process."""
    if proc.poll() is None:
        os.killpg(proc.pid, sig)
        proc.wait(10)


async def wait_ready(url: str) -> None:
    """Wait until the agent serves its card."""
    async with httpx.AsyncClient() as http:
        for _ in range(600):
            try:
                if (await http.get(f"{url}/.well-known/agent-card.json")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise AssertionError(f"{url} did not start")


async def green_client(http: httpx.AsyncClient, url: str) -> Client:
    """An A2A 1.x client of the green agent at `url`."""
    return client_for(await A2ACardResolver(http, url).get_agent_card(), http)
