"""The CLI imports what the command needs: `medsafe score --help` and `medsafe tasks`
start without the engine's heavy parts, the judge, the service stack or the store (each
case runs the CLI's main in a fresh interpreter and reads its `sys.modules`)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from medsafe_core.cli import Format
from medsafe_core.parsing import ResponseFormat

_MARKER = "--- modules ---"

_RUN = f"""
import json, sys
from medsafe_core.cli import main
sys.argv = ["medsafe", *sys.argv[1:]]
try:
    main()
    code = 0
except SystemExit as exc:
    code = exc.code or 0
sys.stdout.flush()
print({_MARKER!r})
print(json.dumps({{"code": code, "modules": sorted(sys.modules)}}))
"""

# never on the path of a command that only prints help or writes tasks
SERVER_SIDE = {
    "sqlalchemy",
    "alembic",
    "starlette",
    "uvicorn",
    "httpx",
    "medsafe_core.store",
    "medsafe_core.service",
    "medsafe_core.client",
    "medsafe_core.model",
}
ENGINE = {
    "medsafe_core.evaluation",
    "medsafe_core.judging",
    "medsafe_core.judging.lexical",
    "medsafe_core.metrics",
    "medsafe_core.participants",
    "medsafe_core.scoring",
}
# a command's --help needs its parameters, not the models, suites or settings behind them
# (pydantic: typer builds a TypeAdapter only for values it coerces; help coerces none)
HELP_ONLY = {
    "medsafe_core.models",
    "medsafe_core.suites",
    "medsafe_core.datasets",
    "medsafe_core.parsing",
    "medsafe_core.settings",
    "pydantic_settings",
    "pydantic",
    "numpy",
    "yaml",
    "asyncio",
}


def _run(*args: str) -> tuple[str, set[str]]:
    out = subprocess.run(
        [sys.executable, "-c", _RUN, *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    output, _, tail = out.rpartition(_MARKER)
    result = json.loads(tail)
    assert result["code"] == 0, output
    return output, set(result["modules"])


def _loaded(modules: set[str], names: set[str]) -> set[str]:
    """The names loaded, a package counting as loaded when any of its modules is."""
    return {n for n in names if any(m == n or m.startswith(n + ".") for m in modules)}


@pytest.mark.parametrize("command", ["score", "tasks", "rescore", "compare", "assess", "eval"])
def test_help_loads_no_heavy_module(command: str) -> None:
    output, modules = _run(command, "--help")
    assert f"medsafe {command}" in output
    heavy = _loaded(modules, SERVER_SIDE | ENGINE | HELP_ONLY)
    assert not heavy, heavy


def test_the_command_list_still_has_the_service_commands() -> None:
    output, _ = _run("--help")
    for command in ("tasks", "score", "eval", "serve", "db"):
        assert command in output


def test_tasks_loads_the_suite_not_the_service_or_the_engine(tmp_path: Path) -> None:
    out = tmp_path / "tasks.jsonl"
    _, modules = _run("tasks", "--suite", "dipg", "--n", "3", "--out", str(out))
    assert len(out.read_text().splitlines()) == 3
    assert "medsafe_core.suites" in modules
    unwanted = SERVER_SIDE | (ENGINE - {"medsafe_core.judging", "medsafe_core.judging.lexical"})
    heavy = _loaded(modules, unwanted | {"medsafe_core.settings", "pydantic_settings"})
    assert not heavy, heavy


def test_tasks_does_not_load_the_judge(tmp_path: Path) -> None:
    out = tmp_path / "tasks.jsonl"
    _, modules = _run("tasks", "--suite", "dipg", "--n", "3", "--out", str(out))
    # the lexicon's data names the scorer version; the judge's rules are not loaded
    judge = {"medsafe_core.judging.lexical.facts", "medsafe_core.judging.lexical.grounding"}
    heavy = _loaded(modules, judge | {"medsafe_core.suites.dipg.scorer", "numpy", "rapidfuzz"})
    assert not heavy, heavy


def test_the_format_choices_are_the_response_formats() -> None:
    assert [f.value for f in Format] == [f.value for f in ResponseFormat]
    assert all(f.parsing() is ResponseFormat(f.value) for f in Format)
