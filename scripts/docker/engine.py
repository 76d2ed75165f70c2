"""A private Docker engine for tests and local builds: its own data root, exec root,
pidfile and socket in a temporary folder, no bridge, no iptables, no IP forwarding
(containers use host networking). Stopped by its pid; nothing is left behind.

    python scripts/docker/engine.py --check     # says whether an engine can be started here

Needs root and Debian's `docker.io` (`ensure_installed()` installs it with apt when it is
missing and we are root).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

TMPFS_BYTES = 8 * 1024**3
RUN_DIRS = ("/run/docker/plugins", "/run/docker", "/run/containerd/s", "/run/containerd")
"""Fixed paths dockerd and containerd's shims create whatever their roots; removed again
(when empty) if they were not there before the engine started."""
DOCKERD_FLAGS = ("--iptables=false", "--ip-forward=false", "--ip-masq=false", "--bridge=none")


@dataclass(frozen=True)
class Engine:
    """A running private engine."""

    host: str
    """`unix://...` address for DOCKER_HOST."""
    root: Path
    """Temporary folder holding the engine's state, socket and log."""
    pid: int

    def env(self) -> dict[str, str]:
        """Environment for docker clients (CLI, compose, SDK) that talk to this engine."""
        return {**os.environ, "DOCKER_HOST": self.host, "DOCKER_BUILDKIT": "0"}


def why_not() -> str | None:
    """The reason an engine cannot be started here, or None when it can."""
    if os.name != "posix" or os.geteuid() != 0:
        return "starting a Docker engine needs root (dockerd with its own data root)"
    if shutil.which("dockerd") is None and shutil.which("apt-get") is None:
        return "dockerd is not installed and apt-get is not available to install docker.io"
    if not Path("/sys/fs/cgroup").exists():
        return "no cgroup filesystem at /sys/fs/cgroup"
    return None


def ensure_installed(timeout: float = 240) -> None:
    """Install Debian's docker.io (dockerd, containerd, runc) when dockerd is missing."""
    if shutil.which("dockerd"):
        return
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    cmd = ["apt-get", "install", "-y", "-q", "--no-install-recommends", "docker.io"]
    if subprocess.run(cmd, env=env, capture_output=True, timeout=timeout).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True, timeout=timeout)
        subprocess.run(cmd, env=env, capture_output=True, timeout=timeout, check=True)
    if shutil.which("dockerd") is None:
        raise RuntimeError("docker.io was installed but dockerd is not on PATH")


def _wait_ready(engine: Engine, proc: subprocess.Popen[bytes], timeout: float) -> None:
    sock = Path(engine.host.removeprefix("unix://"))
    deadline = time.monotonic() + timeout
    import docker  # the SDK: a ping proves the API answers, not only that the socket exists

    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log = (engine.root / "dockerd.log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"dockerd exited with {proc.returncode}:\n{log}")
        if sock.exists():
            with contextlib.suppress(Exception):
                client = docker.DockerClient(base_url=engine.host, timeout=5)
                try:
                    if client.ping():
                        return
                finally:
                    client.close()
        time.sleep(0.2)
    raise RuntimeError(f"dockerd did not answer within {timeout:.0f} s")


@contextlib.contextmanager
def private_engine(timeout: float = 60) -> Iterator[Engine]:
    """Start dockerd in a temporary folder; stop it by its pid and remove the folder."""
    reason = why_not()
    if reason:
        raise RuntimeError(reason)
    ensure_installed()
    existed = {p for p in RUN_DIRS if os.path.exists(p)}
    root = Path(tempfile.mkdtemp(prefix="medsafe-dockerd-"))
    _mount_tmpfs(root / "data")
    sock = root / "docker.sock"
    # dockerd's own config file and per-daemon paths, so nothing under /etc or /var changes
    (root / "daemon.json").write_text(json.dumps(_daemon_config(root)) + "\n")
    log = (root / "dockerd.log").open("wb")
    proc = subprocess.Popen(
        [
            "dockerd",
            *DOCKERD_FLAGS,
            f"--config-file={root / 'daemon.json'}",
            f"--data-root={root / 'data'}",
            f"--exec-root={root / 'exec'}",
            f"--pidfile={root / 'dockerd.pid'}",
            f"--host=unix://{sock}",
            "--storage-driver=overlay2" if _overlay_ok() else "--storage-driver=vfs",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    engine = Engine(host=f"unix://{sock}", root=root, pid=proc.pid)
    try:
        _wait_ready(engine, proc, timeout)
        yield engine
    finally:
        stop(engine, proc)
        log.close()
        for path in (p for p in RUN_DIRS if p not in existed):
            with contextlib.suppress(OSError):
                os.rmdir(path)


def _daemon_config(root: Path) -> dict[str, str]:
    """dockerd before 23 writes a trust key to /etc/docker/key.json unless its config file
    names another path (later versions have no trust key and refuse the setting)."""
    out = subprocess.run(["dockerd", "--version"], capture_output=True, text=True, check=False)
    found = re.search(r"version (\d+)\.", out.stdout)
    if found and int(found.group(1)) < 23:
        return {"deprecated-key-path": str(root / "key.json")}
    return {}


def _available_memory() -> int:
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    return 0


def _mount_tmpfs(data: Path) -> None:
    """Images and layers in memory when there is room for them (TMPFS_BYTES plus as much
    again to spare): builds do no disk I/O and removing the engine is one unmount, not
    the deletion of gigabytes of small files. Otherwise they stay on disk."""
    data.mkdir(parents=True)
    if _available_memory() < 2 * TMPFS_BYTES:
        return
    subprocess.run(
        [
            "mount",
            "-t",
            "tmpfs",
            "-o",
            f"size={TMPFS_BYTES},mode=0710",
            "medsafe-dockerd",
            str(data),
        ],
        capture_output=True,
        check=False,
    )


def _overlay_ok() -> bool:
    with contextlib.suppress(OSError):
        return "overlay" in Path("/proc/filesystems").read_text()
    return False


def stop(engine: Engine, proc: subprocess.Popen[bytes]) -> None:
    """Stop the engine (its containers first, via the API), then remove its folder."""
    with contextlib.suppress(Exception):
        import docker

        client = docker.DockerClient(base_url=engine.host, timeout=10)
        for container in client.containers.list(all=True):
            with contextlib.suppress(Exception):
                container.remove(force=True)
        client.close()
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
    # mounts the engine made under its data root (overlay layers, shm) go before the files
    for line in reversed(Path("/proc/self/mounts").read_text().splitlines()):
        target = line.split()[1]
        if target.startswith(str(engine.root)):
            subprocess.run(["umount", "-l", target], capture_output=True, check=False)
    shutil.rmtree(engine.root, ignore_errors=True)


def main() -> None:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--check", action="store_true", help="only say whether an engine can start")
    args = ap.parse_args()
    reason = why_not()
    if args.check or reason:
        print(reason or "an engine can be started here")
        raise SystemExit(1 if reason else 0)
    with private_engine() as engine:
        print(f"engine up at {engine.host} (pid {engine.pid}); Ctrl-C stops it")
        with contextlib.suppress(KeyboardInterrupt):
            signal.pause()


if __name__ == "__main__":
    main()
