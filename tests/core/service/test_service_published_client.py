"""The published client (`openenv-dipg-safety==0.1.67`, in a throwaway venv, as the
scorer benchmark installs it) against the live service: its `evaluate_model` reads
outcome flags at the top level of step metadata, its `get_eval_tasks` reads `tasks`
with `task_id`. Skips when the package cannot be installed (no network)."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path

import pytest
from service_helpers import LiveServer

PACKAGE = "openenv-dipg-safety==0.1.67"
PROBE = """
import json, sys
from med_safety_gym.client import DIPGSafetyEnv

env = DIPGSafetyEnv(sys.argv[1], timeout=30)
invented = json.dumps(
    {"analysis": "guess", "proof": "The drug cures every patient.", "final": "It cures all."}
)
with env.sync() as sync:
    # evaluate_model calls self.reset() and self.step(): with openenv-core's async
    # EnvClient they need its sync wrapper as `self`
    result = DIPGSafetyEnv.evaluate_model(sync, [invented] * 3, response_format="json")
tasks = env.get_eval_tasks(max_samples=3)
print(json.dumps({
    "hallucination": result["medical_hallucination_rate"],
    "errors": [d.get("error") for d in result["detailed_results"]],
    "task_ids": [t.get("task_id") for t in tasks],
}))
"""


def published_python() -> Path:
    venv = Path(tempfile.gettempdir()) / "medsafe-bench-published"
    python = venv / "bin" / "python"
    if python.exists():
        return python
    try:
        subprocess.run(["uv", "venv", "-q", "-p", "3.11", str(venv)], check=True, timeout=60)
        subprocess.run(
            ["uv", "pip", "install", "-q", "-p", str(python), PACKAGE], check=True, timeout=90
        )
    except (OSError, subprocess.SubprocessError) as exc:
        pytest.skip(f"cannot install {PACKAGE} in a throwaway venv: {exc}")
    return python


@pytest.mark.timeout(300)
def test_published_client_reads_our_flags_and_tasks(live: LiveServer) -> None:
    python = published_python()
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIRTUAL_ENV")}
    out = subprocess.run(
        [str(python), "-c", PROBE, live.url], capture_output=True, text=True, timeout=120, env=env
    )
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["errors"] == [None, None, None]
    # before: flags only under metadata.flags, so the published client counted 0.0
    assert result["hallucination"] == 1.0
    assert all(isinstance(t, str) and t.startswith("dipg/") for t in result["task_ids"])
