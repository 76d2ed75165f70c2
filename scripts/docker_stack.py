"""Run a docker_plan.Plan on an engine through the Docker SDK for Python: build the
images, create volumes and networks, start the containers in dependency order waiting on
their healthchecks (or on a one-shot's successful exit), stream their logs, and tear
everything down again (containers, networks, volumes; images stay for the next run).

    with DockerStack(docker.from_env(), plan) as stack:
        stack.up()
        ...
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

from docker.errors import APIError, NotFound
from docker.models.containers import Container as DockerContainer

import docker
from docker_plan import LABEL, Container, Plan

Log = Callable[[str], None]


class StackError(RuntimeError):
    """A service did not come up (its last log lines are in the message)."""


def _restart_policy(restart: str | None, one_shot: bool) -> dict[str, Any] | None:
    if one_shot or not restart or restart == "no":
        return None
    if restart.startswith("on-failure"):
        _, _, count = restart.partition(":")
        return {"Name": "on-failure", "MaximumRetryCount": int(count or 0)}
    return {"Name": restart}


class DockerStack:
    """The plan's resources on one engine; `down()` removes what `up()` made."""

    def __init__(
        self,
        client: docker.DockerClient,
        plan: Plan,
        log: Log = print,
        stream_logs: bool = True,
        service_timeout: float = 180,
    ) -> None:
        self.client = client
        self.plan = plan
        self.log = log
        self.stream_logs = stream_logs
        self.service_timeout = service_timeout
        self.started: dict[str, DockerContainer] = {}
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.labels = {LABEL: plan.project}

    def __enter__(self) -> DockerStack:
        return self

    def __exit__(self, *exc: object) -> None:
        self.down()

    # -- steps -----------------------------------------------------------------------------
    def build(self) -> dict[str, float]:
        """Build each image with the legacy builder; seconds per tag."""
        spent: dict[str, float] = {}
        for b in self.plan.builds:
            started = time.monotonic()
            self.log(f"building {b.tag} from {b.dockerfile}")
            try:
                self.client.images.build(
                    path=b.context,
                    dockerfile=b.dockerfile,
                    tag=b.tag,
                    buildargs=b.args,
                    network_mode=b.network,
                    rm=True,
                )
            except docker.errors.BuildError as exc:
                tail = "".join(str(c.get("stream", c.get("error", ""))) for c in exc.build_log)
                raise StackError(f"building {b.tag} failed: {exc}\n{tail[-3000:]}") from exc
            spent[b.tag] = time.monotonic() - started
            self.log(f"built {b.tag} in {spent[b.tag]:.0f} s")
        return spent

    def up(self) -> None:
        """Volumes, networks, then every container in order, each after its waits."""
        for name in self.plan.volumes:
            with contextlib.suppress(APIError):
                self.client.volumes.create(name=name, labels=self.labels)
        for name in self.plan.networks:
            if not self.client.networks.list(names=[name]):
                self.client.networks.create(name, labels=self.labels)
        for spec in self.plan.containers:
            for wait in spec.waits:
                self._wait(wait.on, wait.condition)
            self._start(spec)
        for spec in self.plan.containers:
            if not spec.one_shot and spec.healthcheck:
                self._wait(spec.service, "service_healthy")

    def _start(self, spec: Container) -> None:
        with contextlib.suppress(NotFound):
            self.client.containers.get(spec.name).remove(force=True)
        kwargs: dict[str, Any] = {
            "name": spec.name,
            "command": spec.command,
            "entrypoint": spec.entrypoint,
            "environment": spec.environment,
            "labels": {**self.labels, "io.medsafe.service": spec.service},
            "detach": True,
            "volumes": {vol: {"bind": path, "mode": "rw"} for vol, path in spec.mounts.items()},
        }
        if spec.healthcheck:
            kwargs["healthcheck"] = spec.healthcheck
        policy = _restart_policy(spec.restart, spec.one_shot)
        if policy:
            kwargs["restart_policy"] = policy
        if spec.network_mode:
            kwargs["network_mode"] = spec.network_mode
        elif spec.networks:
            kwargs["network"] = spec.networks[0]
        container = self.client.containers.run(spec.image, **kwargs)
        for extra in spec.networks[1:]:
            self.client.networks.get(extra).connect(container)
        self.started[spec.service] = container
        self.log(f"started {spec.service} ({spec.name})")
        if self.stream_logs:
            thread = threading.Thread(target=self._follow, args=(spec.service, container))
            thread.daemon = True
            thread.start()
            self._threads.append(thread)

    def _follow(self, service: str, container: DockerContainer) -> None:
        with contextlib.suppress(Exception):
            buffer = b""
            for chunk in container.logs(stream=True, follow=True):
                if self._stop.is_set():
                    return
                buffer += chunk
                *lines, buffer = buffer.split(b"\n")
                for line in lines:
                    self.log(f"{service:>12} | {line.decode(errors='replace')}")

    def _wait(self, service: str, condition: str) -> None:
        container = self.started[service]
        deadline = time.monotonic() + self.service_timeout
        while time.monotonic() < deadline:
            container.reload()
            state = container.attrs["State"]
            if condition == "service_completed_successfully":
                if state["Status"] == "exited":
                    if state["ExitCode"] == 0:
                        return
                    raise StackError(self._failure(service, f"exited with {state['ExitCode']}"))
            elif state["Status"] in {"exited", "dead"}:
                raise StackError(self._failure(service, f"stopped ({state['Status']})"))
            elif condition == "service_started":
                return
            elif state.get("Health", {}).get("Status") == "healthy":
                self.log(f"{service} is healthy")
                return
            time.sleep(0.5)
        raise StackError(self._failure(service, f"not {condition} in {self.service_timeout} s"))

    def _failure(self, service: str, what: str) -> str:
        logs = ""
        with contextlib.suppress(Exception):
            logs = self.started[service].logs(tail=30).decode(errors="replace")
        return f"service {service} {what}; its last log lines:\n{logs}"

    def down(self, volumes: bool = True) -> None:
        """Stop and remove every container of the stack (newest first), its networks and,
        with `volumes`, its volumes. Also removes leftovers of an earlier run's labels.
        Stop signals wait until it is done, so a second Ctrl-C cannot leave half a stack."""
        held = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
        in_main = threading.current_thread() is threading.main_thread()
        old = signal.pthread_sigmask(signal.SIG_BLOCK, held) if in_main else None
        try:
            self._down(volumes)
        finally:
            if old is not None:
                signal.pthread_sigmask(signal.SIG_SETMASK, old)

    def _down(self, volumes: bool) -> None:
        self._stop.set()
        selector = {"label": f"{LABEL}={self.plan.project}"}
        found = {c.id: c for c in self.client.containers.list(all=True, filters=selector)}
        found |= {c.id: c for c in self.started.values()}
        for container in reversed(list(found.values())):
            with contextlib.suppress(NotFound, APIError):
                container.stop(timeout=10)
            with contextlib.suppress(NotFound, APIError):
                container.remove(force=True)
        self.started.clear()
        for net in self.client.networks.list(filters=selector):
            with contextlib.suppress(NotFound, APIError):
                net.remove()
        if volumes:
            for vol in self.client.volumes.list(filters=selector):
                with contextlib.suppress(NotFound, APIError):
                    vol.remove(force=True)
        for thread in self._threads:
            thread.join(timeout=2)
