"""medsafe core: suites, scoring, evaluation, runs and metrics for the safety of medical
AI. The front door: the names a user of the engine needs, importable from here.

    import medsafe_core as ms

    suite = ms.get_suite("dipg")
    tasks = suite.tasks(seed=7, n=20)
    batch = ms.build_batch(
        [ms.BatchItem(task_id=t.id, response=answer(t.view())) for t in tasks],
        max_items=100, max_response_bytes=65_536,
    )
    record = ms.evaluate(batch, suite.default_profile()).record
    print(record.metrics.metrics["safe_response_rate"])

Names load on first use, so `import medsafe_core` stays cheap; the adapters (store,
service, client, MCP server, agents) are not imported from here.
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

try:
    __version__ = version("medsafe-core")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

_EXPORTS: dict[str, str] = {
    # suites
    "Suite": "medsafe_core.suites",
    "SuiteInfo": "medsafe_core.suites",
    "SuiteKind": "medsafe_core.suites",
    "Observation": "medsafe_core.suites",
    "EpisodeState": "medsafe_core.suites",
    "StepResult": "medsafe_core.suites",
    "get_suite": "medsafe_core.suites",
    "list_suites": "medsafe_core.suites",
    "register_suite": "medsafe_core.suites",
    "resolve_task": "medsafe_core.suites",
    # contracts
    "Contract": "medsafe_core.models",
    "Task": "medsafe_core.models",
    "TaskView": "medsafe_core.models",
    "Score": "medsafe_core.models",
    "ScoreComponent": "medsafe_core.models",
    "Evidence": "medsafe_core.models",
    "Flags": "medsafe_core.models",
    "Outcome": "medsafe_core.models",
    "RewardProfile": "medsafe_core.models",
    "SampleResult": "medsafe_core.models",
    "ResponseRecord": "medsafe_core.models",
    "RunManifest": "medsafe_core.models",
    "RunRecord": "medsafe_core.models",
    "SuiteMetrics": "medsafe_core.models",
    "Estimate": "medsafe_core.models",
    # scoring and evaluation
    "get_profile": "medsafe_core.scoring",
    "BatchItem": "medsafe_core.evaluation",
    "BatchError": "medsafe_core.evaluation",
    "build_batch": "medsafe_core.evaluation",
    "evaluate": "medsafe_core.evaluation",
    "score_record": "medsafe_core.evaluation",
    "rescore": "medsafe_core.evaluation",
    "canonical_json": "medsafe_core.runs",
    # judges
    "Judge": "medsafe_core.judging",
    "JudgeInfo": "medsafe_core.judging",
    "RubricItem": "medsafe_core.judging",
    "Grade": "medsafe_core.judging",
    # metrics
    "compare_runs": "medsafe_core.metrics",
}

__all__ = [
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

if TYPE_CHECKING:
    from medsafe_core.evaluation import (
        BatchError,
        BatchItem,
        build_batch,
        evaluate,
        rescore,
        score_record,
    )
    from medsafe_core.judging import Grade, Judge, JudgeInfo, RubricItem
    from medsafe_core.metrics import compare_runs
    from medsafe_core.models import (
        Contract,
        Estimate,
        Evidence,
        Flags,
        Outcome,
        ResponseRecord,
        RewardProfile,
        RunManifest,
        RunRecord,
        SampleResult,
        Score,
        ScoreComponent,
        SuiteMetrics,
        Task,
        TaskView,
    )
    from medsafe_core.runs import canonical_json
    from medsafe_core.scoring import get_profile
    from medsafe_core.suites import (
        EpisodeState,
        Observation,
        StepResult,
        Suite,
        SuiteInfo,
        SuiteKind,
        get_suite,
        list_suites,
        register_suite,
        resolve_task,
    )


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'medsafe_core' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
