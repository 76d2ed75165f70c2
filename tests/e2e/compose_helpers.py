"""docker-compose.yml's resolved configuration as a fresh checkout sees it: no .env beside
it and no stack variables in the environment (a developer's own .env or exported
MEDSAFE_*_PORT must not change what the fast tests check)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from docker_plan import COMPOSE_FILE, compose_config

STACK_PREFIXES = ("MEDSAFE_", "POSTGRES_", "EXTRA_CA_CERTS", "COMPOSE_")


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(STACK_PREFIXES)}


def pristine_config(profiles: tuple[str, ...] = (), env_file: str | None = None) -> dict[str, Any]:
    """The configuration of a copy of docker-compose.yml in an empty folder (with
    `env_file` as its .env when given)."""
    with tempfile.TemporaryDirectory(prefix="medsafe-compose-") as tmp:
        copy = Path(tmp) / "docker-compose.yml"
        shutil.copy(COMPOSE_FILE, copy)
        if env_file is not None:
            (Path(tmp) / ".env").write_text(env_file)
        return compose_config(copy, profiles, env=clean_env())
