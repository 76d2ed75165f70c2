"""docker-compose.yml on a real engine: build the three images, `docker compose up --wait`,
assess the purple through the green agent with the one documented command
(`scripts/assess`), find the run in PostgreSQL, tear it all down; then the same stack
through the Docker SDK (`scripts/demo --docker`'s path). The engine is a private dockerd
(its own data root and socket in a temporary folder, no bridge, no iptables) stopped by
its pid at the end, and the test checks that no engine, bridge or iptables change is left.

Runs when we are root and an engine can be started (Debian's docker.io is installed when
missing); skips with the reason otherwise. Base images come from local stand-ins
(scripts/docker/base_images.py), since no registry of images may be reachable.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts" / "docker"))

import engine as docker_engine  # noqa: E402  (scripts/docker/engine.py)

pytestmark = pytest.mark.slow
N_TASKS = 12
ROLES = {
    "MEDSAFE_PG_PORT": "postgres",
    "MEDSAFE_CORE_PORT": "core",
    "MEDSAFE_MCP_PORT": "mcp",
    "MEDSAFE_GREEN_PORT": "green",
    "MEDSAFE_PURPLE_PORT": "purple",
    "MEDSAFE_HALLUCINATOR_PORT": "hallucinator",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _reachable(host: str, port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=5):
        return True
    return False


def _host_state() -> dict[str, object]:
    """What an engine could change on the host: network links, iptables rules, its
    configuration folder (dockerd 20.10 writes a trust key there unless told otherwise)."""
    rules = ""
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        out = subprocess.run(["iptables-save"], capture_output=True, text=True, timeout=30)
        rules = "\n".join(line for line in out.stdout.splitlines() if not line.startswith("#"))
    folders = ("/etc/docker", "/run/docker", "/run/containerd", "/var/lib/docker")
    listed = {f: sorted(os.listdir(f)) if os.path.isdir(f) else None for f in folders}
    return {"links": sorted(os.listdir("/sys/class/net")), "iptables": rules, **listed}


def _host_ca() -> str:
    """The host's extra CA certificates (a TLS-intercepting proxy's), for image builds."""
    return "".join(
        Path(p).read_text() for p in sorted(glob.glob("/usr/local/share/ca-certificates/*.crt"))
    )


@dataclass
class Lab:
    """A private engine with the stack's images built."""

    engine: docker_engine.Engine
    env: dict[str, str]
    before: dict[str, object]
    timings: dict[str, float] = field(default_factory=dict)
    stop: contextlib.ExitStack = field(default_factory=contextlib.ExitStack)


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    reason = docker_engine.why_not()
    if reason:
        pytest.skip(f"no Docker engine: {reason}")
    for host, port in (("deb.debian.org", 80), ("pypi.org", 443)):
        if not _reachable(host, port):
            pytest.skip(f"image builds need {host}:{port} (Debian packages, PyPI)")
    try:
        docker_engine.ensure_installed()
    except (subprocess.SubprocessError, RuntimeError) as exc:
        pytest.skip(f"docker.io could not be installed: {exc}")
    from base_images import ensure_base_images

    import docker
    from docker_plan import compose_config, make_plan
    from docker_stack import DockerStack

    before = _host_state()
    stack = contextlib.ExitStack()
    try:
        engine = stack.enter_context(docker_engine.private_engine())
    except RuntimeError as exc:
        stack.close()
        pytest.skip(f"dockerd does not start here: {str(exc)[-400:]}")
    ports = {name: str(_free_port()) for name in ROLES}
    env = {**engine.env(), **ports, "EXTRA_CA_CERTS": _host_ca(), "POSTGRES_PASSWORD": "e2e"}
    lab = Lab(engine=engine, env=env, before=before, stop=stack)
    try:
        client = docker.DockerClient(base_url=engine.host, timeout=900)
        started = time.monotonic()
        ensure_base_images(client)
        lab.timings["base images"] = time.monotonic() - started
        plan = make_plan(compose_config(profiles=("bad",), env=env))
        started = time.monotonic()
        DockerStack(client, plan, log=lambda line: None).build()  # as `scripts/demo --docker`
        lab.timings["project images"] = time.monotonic() - started
        client.close()
        yield lab
    finally:
        stack.close()


def _compose(lab: Lab, *args: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    from docker_plan import compose_binary

    return subprocess.run(
        [compose_binary(), "-f", str(ROOT / "docker-compose.yml"), *args],
        env=lab.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _psql(lab: Lab, sql: str) -> str:
    import docker

    client = docker.DockerClient(base_url=lab.engine.host, timeout=60)
    try:
        (pg,) = client.containers.list(filters={"label": "com.docker.compose.service=postgres"})
        port = lab.env["MEDSAFE_PG_PORT"]
        psql = ["psql", "-h", "/var/run/postgresql", "-p", port, "-U", "medsafe", "-d", "medsafe"]
        code, out = pg.exec_run(
            [*psql, "-tA", "-F", "|", "-c", sql],
            user="postgres",
        )
    finally:
        client.close()
    assert code == 0, out
    return str(out.decode().strip())


@pytest.mark.timeout(1200)
def test_compose_up_assess_through_green_and_store_in_postgres(lab: Lab, tmp_path: Path) -> None:
    started = time.monotonic()
    up = _compose(lab, "up", "--no-build", "--wait", "--wait-timeout", "180")
    lab.timings["compose up --wait"] = time.monotonic() - started
    try:
        assert up.returncode == 0, up.stdout + up.stderr + _compose(lab, "logs").stdout[-4000:]
        started = time.monotonic()
        out = tmp_path / "assessment.json"
        assess = subprocess.run(  # what `scripts/assess` runs once uv has synced
            [sys.executable, "scripts/a2a_assess.py", "--n", str(N_TASKS), "--json", str(out)],
            env=lab.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        lab.timings["assessment"] = time.monotonic() - started
        assert assess.returncode == 0, assess.stdout + assess.stderr
        assert "report for" in assess.stdout
        result = json.loads(out.read_text())
        run_id = result["run_id"]
        purple = f"http://127.0.0.1:{lab.env['MEDSAFE_PURPLE_PORT']}/"
        row = _psql(
            lab, f"select state, n_samples, participant from medsafe_runs where run_id = '{run_id}'"
        )
        assert row == f"completed|{N_TASKS}|{purple}"
        samples = _psql(lab, f"select count(*) from medsafe_samples where run_id = '{run_id}'")
        assert int(samples) == N_TASKS
    finally:
        down = _compose(lab, "down", "--volumes", "--timeout", "10")
    assert down.returncode == 0, down.stderr
    assert _compose(lab, "ps", "-a", "-q").stdout.strip() == ""


@pytest.mark.timeout(600)
def test_demo_docker_runs_the_same_stack_through_the_sdk(lab: Lab) -> None:
    import docker
    from docker_plan import LABEL

    started = time.monotonic()
    demo = subprocess.run(
        [sys.executable, "scripts/demo.py", "--docker", "--n", "4"],
        env=lab.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=540,
    )
    lab.timings["demo --docker"] = time.monotonic() - started
    out = demo.stdout + demo.stderr
    assert demo.returncode == 0, out[-6000:]
    rebuilt = [line for line in out.splitlines() if line.startswith("built medsafe-")]
    lab.timings["demo --docker rebuild (cached)"] = sum(float(x.split()[-2]) for x in rebuilt)
    for step in ("building medsafe-green:local", "started postgres", "migrate", "green is healthy"):
        assert step in out, step
    assert "report for baseline:" in out and "report for hallucinator:" in out
    assert any(line.strip().startswith("green |") for line in out.splitlines())  # logs streamed
    client = docker.DockerClient(base_url=lab.engine.host, timeout=60)
    try:
        assert client.containers.list(all=True, filters={"label": LABEL}) == []
        assert client.volumes.list(filters={"label": LABEL}) == []
    finally:
        client.close()


@pytest.mark.timeout(120)
def test_the_engine_stops_and_leaves_nothing_behind(lab: Lab) -> None:
    root, pid = lab.engine.root, lab.engine.pid
    lab.stop.close()
    assert not root.exists()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert _host_state() == lab.before
    print("\ntimings (s): " + ", ".join(f"{k} {v:.0f}" for k, v in lab.timings.items()))
