"""The `scripts/demo --docker` plan, without an engine: what is built, created and started,
in which order, waiting on what; and the SDK runner driven against a fake client."""

from __future__ import annotations

import signal
from types import SimpleNamespace
from typing import Any

import pytest

from demo import docker_ports
from docker_plan import LABEL, describe, duration_ns, make_plan
from docker_stack import DockerStack, StackError, _restart_policy

from .compose_helpers import pristine_config

DEMO_SERVICES = ("core", "mcp", "green", "purple", "hallucinator")


@pytest.fixture(scope="module")
def plan():
    return make_plan(pristine_config(("bad",)), DEMO_SERVICES)


def test_each_image_is_built_once_from_its_dockerfile(plan) -> None:
    assert [(b.tag, b.dockerfile, b.network) for b in plan.builds] == [
        ("medsafe-core:local", "Dockerfile.core", "host"),
        ("medsafe-mcp:local", "Dockerfile.mcp", "host"),
        ("medsafe-green:local", "Dockerfile.green", "host"),
    ]
    assert all("EXTRA_CA_CERTS" in b.args for b in plan.builds)


def test_start_order_respects_every_dependency(plan) -> None:
    order = [c.service for c in plan.containers]
    assert set(order) == {"postgres", "migrate", *DEMO_SERVICES}
    assert "refuser" not in order  # only what was asked for and what it needs
    for c in plan.containers:
        for wait in c.waits:
            assert order.index(wait.on) < order.index(c.service), (wait, c.service)
    assert order[:2] == ["postgres", "migrate"]


def test_waits_carry_the_compose_conditions(plan) -> None:
    green = plan.container("green")
    assert {(w.on, w.condition) for w in green.waits} == {
        ("migrate", "service_completed_successfully"),
        ("mcp", "service_healthy"),
    }
    assert plan.container("migrate").one_shot
    assert not plan.container("core").one_shot


def test_containers_get_compose_commands_health_and_volume(plan) -> None:
    pg = plan.container("postgres")
    assert pg.mounts == {"medsafe_pgdata": "/var/lib/postgresql/data"}
    assert plan.volumes == ["medsafe_pgdata"]
    assert plan.networks == []  # host networking: nothing to create
    assert pg.healthcheck is not None
    assert pg.healthcheck["interval"] == 2 * 10**9
    assert pg.healthcheck["test"][:2] == ["CMD", "pg_isready"]
    purple = plan.container("purple")
    assert purple.entrypoint == ["medsafe-purple"]
    assert purple.network_mode == "host"
    assert purple.name == "medsafe-purple-1"
    assert "MEDSAFE_DATABASE_URL" in plan.container("green").environment


def test_ports_of_the_stack(plan) -> None:
    ports = docker_ports(pristine_config(("bad",)))
    assert ports["postgres"] == 5432 and ports["green"] == 9009 and ports["purple"] == 9010


def test_describe_reads_as_steps(plan) -> None:
    lines = describe(plan)
    assert lines[0] == "build medsafe-core:local from Dockerfile.core"
    assert "create volume medsafe_pgdata" in lines
    assert any(line.startswith("start green") and "mcp healthy" in line for line in lines)


def test_bridge_networks_are_created_when_a_service_has_no_network_mode() -> None:
    config = {
        "name": "p",
        "services": {
            "db": {"image": "db:1"},
            "app": {
                "image": "app:1",
                "build": {"context": ".", "dockerfile": "Dockerfile"},
                "depends_on": {"db": {"condition": "service_started"}},
                "networks": {"front": None, "default": None},
            },
        },
        "networks": {"front": {"name": "p_front"}},
    }
    plan = make_plan(config)
    assert plan.networks == ["p_default", "p_front"]
    assert plan.container("app").networks == ["p_front", "p_default"]
    assert [c.service for c in plan.containers] == ["db", "app"]


def test_cycles_and_unknown_services_are_refused() -> None:
    cyc = {
        "services": {
            "a": {"image": "a", "depends_on": {"b": {}}},
            "b": {"image": "b", "depends_on": {"a": {}}},
        }
    }
    with pytest.raises(ValueError, match="cycle"):
        make_plan(cyc)
    with pytest.raises(KeyError):
        make_plan({"services": {"a": {"image": "a"}}}, ("nope",))


@pytest.mark.parametrize(
    ("text", "ns"),
    [("5s", 5 * 10**9), ("1m30s", 90 * 10**9), ("500ms", 5 * 10**8), ("1h", 3600 * 10**9)],
)
def test_durations(text: str, ns: int) -> None:
    assert duration_ns(text) == ns


def test_bad_durations_are_refused() -> None:
    with pytest.raises(ValueError, match="not a compose duration"):
        duration_ns("5 seconds")


def test_restart_policies() -> None:
    assert _restart_policy("unless-stopped", one_shot=False) == {"Name": "unless-stopped"}
    assert _restart_policy("unless-stopped", one_shot=True) is None
    assert _restart_policy("no", one_shot=False) is None
    assert _restart_policy("on-failure:3", one_shot=False) == {
        "Name": "on-failure",
        "MaximumRetryCount": 3,
    }


# -- the runner against a fake engine ---------------------------------------------------


class FakeContainer:
    def __init__(self, engine: FakeEngine, name: str, kwargs: dict[str, Any]) -> None:
        self.engine, self.name, self.kwargs = engine, name, kwargs
        self.id = name
        self.polls = 0
        self.attrs: dict[str, Any] = {"State": {"Status": "running"}}
        self.removed = False

    def reload(self) -> None:
        self.polls += 1
        service = self.kwargs["labels"]["io.medsafe.service"]
        outcome = self.engine.outcomes.get(service, "healthy")
        if self.polls < 2:
            return
        if outcome == "exit0":
            self.attrs["State"] = {"Status": "exited", "ExitCode": 0}
        elif outcome == "exit1":
            self.attrs["State"] = {"Status": "exited", "ExitCode": 1}
        else:
            self.attrs["State"] = {"Status": "running", "Health": {"Status": outcome}}

    def logs(self, **kwargs: Any) -> Any:
        return iter([b"hello\n"]) if kwargs.get("stream") else b"boom\n"

    def stop(self, timeout: int) -> None:
        self.engine.events.append(("stop", self.name))

    def remove(self, force: bool) -> None:
        self.removed = True
        self.engine.events.append(("remove", self.name))


class FakeEngine:
    def __init__(self, outcomes: dict[str, str]) -> None:
        self.outcomes = outcomes
        self.events: list[tuple[str, str]] = []
        self.made: dict[str, FakeContainer] = {}
        engine = self

        class Containers:
            def run(self, image: str, **kwargs: Any) -> FakeContainer:
                engine.events.append(("run", kwargs["name"]))
                c = FakeContainer(engine, kwargs["name"], {"image": image, **kwargs})
                engine.made[kwargs["name"]] = c
                return c

            def get(self, name: str) -> FakeContainer:
                from docker.errors import NotFound

                raise NotFound(name)

            def list(self, all: bool, filters: dict[str, str]) -> list[FakeContainer]:
                return [c for c in engine.made.values() if not c.removed]

        class Volumes:
            def create(self, name: str, labels: dict[str, str]) -> None:
                engine.events.append(("volume", name))

            def list(self, filters: dict[str, str]) -> list[Any]:
                return [SimpleNamespace(remove=lambda force: engine.events.append(("rmvol", "v")))]

        class Networks:
            def list(self, **kwargs: Any) -> list[Any]:
                return []

        class Images:
            def build(self, **kwargs: Any) -> None:
                engine.events.append(("build", kwargs["tag"]))

        self.containers, self.volumes = Containers(), Volumes()
        self.networks, self.images = Networks(), Images()


def _stack(engine: FakeEngine, plan) -> DockerStack:
    stack = DockerStack(engine, plan, log=lambda line: None, stream_logs=False)  # type: ignore[arg-type]
    stack.service_timeout = 5
    return stack


def test_runner_builds_creates_starts_in_order_and_tears_down(plan, monkeypatch) -> None:
    monkeypatch.setattr("docker_stack.time.sleep", lambda s: None)
    engine = FakeEngine({"migrate": "exit0"})
    with _stack(engine, plan) as stack:
        stack.build()
        stack.up()
        runs = [name for kind, name in engine.events if kind == "run"]
        assert runs == [c.name for c in plan.containers]
    builds = [name for kind, name in engine.events if kind == "build"]
    assert builds == [b.tag for b in plan.builds]
    assert engine.events.index(("volume", "medsafe_pgdata")) < engine.events.index(
        ("run", "medsafe-postgres-1")
    )
    assert all(c.removed for c in engine.made.values())
    assert ("rmvol", "v") in engine.events
    labels = engine.made["medsafe-green-1"].kwargs["labels"]
    assert labels[LABEL] == "medsafe"
    assert engine.made["medsafe-migrate-1"].kwargs.get("restart_policy") is None
    assert engine.made["medsafe-core-1"].kwargs["healthcheck"]["retries"] == 12


def test_runner_stops_when_a_one_shot_fails_and_still_tears_down(plan, monkeypatch) -> None:
    monkeypatch.setattr("docker_stack.time.sleep", lambda s: None)
    engine = FakeEngine({"migrate": "exit1"})
    with pytest.raises(StackError, match="migrate exited with 1"), _stack(engine, plan) as stack:
        stack.up()
    started = [name for kind, name in engine.events if kind == "run"]
    assert started == ["medsafe-postgres-1", "medsafe-migrate-1"]  # nothing after it
    assert all(c.removed for c in engine.made.values())


def test_runner_gives_up_on_an_unhealthy_service(plan, monkeypatch) -> None:
    monkeypatch.setattr("docker_stack.time.sleep", lambda s: None)
    engine = FakeEngine({"migrate": "exit0", "mcp": "unhealthy"})
    stack = _stack(engine, plan)
    stack.service_timeout = 0.05
    with pytest.raises(StackError, match="mcp not service_healthy"):
        stack.up()
    stack.down()


def test_demo_turns_sigterm_and_sighup_into_a_stop() -> None:
    import os

    from demo import Stopped, stop_on_signals

    before = signal.getsignal(signal.SIGTERM)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        with stop_on_signals(), pytest.raises(Stopped) as caught:
            os.kill(os.getpid(), sig)
        assert caught.value.signum == sig
    assert signal.getsignal(signal.SIGTERM) == before
