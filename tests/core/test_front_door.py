"""The package's front door: the public names are pinned, they all resolve, and the
engine imports without the adapters (store, service, client) or their libraries."""

from __future__ import annotations

import subprocess
import sys

import medsafe_core

PUBLIC = [
    "BatchError",
    "BatchItem",
    "Contract",
    "EpisodeState",
    "Estimate",
    "Evidence",
    "Flags",
    "Grade",
    "Judge",
    "JudgeInfo",
    "Observation",
    "Outcome",
    "ResponseRecord",
    "RewardProfile",
    "RubricItem",
    "RunManifest",
    "RunRecord",
    "SampleResult",
    "Score",
    "ScoreComponent",
    "StepResult",
    "Suite",
    "SuiteInfo",
    "SuiteKind",
    "SuiteMetrics",
    "Task",
    "TaskView",
    "__version__",
    "build_batch",
    "canonical_json",
    "compare_runs",
    "evaluate",
    "get_profile",
    "get_suite",
    "list_suites",
    "register_suite",
    "rescore",
    "resolve_task",
    "score_record",
]


def test_all_is_pinned() -> None:
    # a change here is a change of the public API: make it on purpose
    assert sorted(medsafe_core.__all__) == sorted(PUBLIC)


def test_every_public_name_resolves() -> None:
    for name in medsafe_core.__all__:
        assert getattr(medsafe_core, name) is not None, name


def _loaded_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    return set(out.split())


SERVER_SIDE = {
    "sqlalchemy",
    "alembic",
    "starlette",
    "uvicorn",
    "medsafe_core.store",
    "medsafe_core.service.app",
}


def test_the_engine_does_not_load_the_server() -> None:
    engine = _loaded_after("import medsafe_core as ms; ms.evaluate; ms.get_suite('dipg')")
    assert not engine & SERVER_SIDE, engine & SERVER_SIDE


def test_the_client_does_not_load_the_server() -> None:
    # the wire schemas it shares with the service are plain contracts
    client = _loaded_after("import medsafe_core.client")
    assert not client & SERVER_SIDE, client & SERVER_SIDE
