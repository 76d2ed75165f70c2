"""The Inspect task, dataset, scorer and metric of a medsafe suite (any single-turn or
paired suite of the registry; nothing here names one)."""

from __future__ import annotations

import math
from typing import Any

from inspect_ai import Task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import GenerateConfig
from inspect_ai.scorer import Metric, SampleScore, Score, Scorer, Target, metric, scorer
from inspect_ai.solver import TaskState, generate

from medsafe_core.ids import TaskIdError
from medsafe_core.metrics.calibration import abstention_calibration, expects_abstention_from_tasks
from medsafe_core.models import Outcome, RewardProfile, SampleResult
from medsafe_core.parsing.types import ResponseFormat
from medsafe_core.scoring.profiles import get_profile
from medsafe_core.suites import Suite, SuiteKind, get_suite, list_suites

SAMPLE_KEY = "medsafe_sample"
"""Key of `Score.metadata` holding our flattened `SampleResult`."""


def inspect_suites() -> list[str]:
    """Suites that take one response per task (those Inspect can run)."""
    return [i.name for i in list_suites() if i.kind != SuiteKind.EPISODIC]


def _suite(name: str) -> Suite:
    suite = get_suite(name)
    if suite.info.kind == SuiteKind.EPISODIC:
        raise ValueError(f"suite {name!r} is episodic; Inspect runs single-turn suites")
    return suite


def _profile(suite: Suite, profile: str | None) -> RewardProfile:
    return get_profile(profile) if profile else suite.default_profile()


def medsafe_dataset(
    suite: str, *, n: int = 100, seed: int = 0, fmt: ResponseFormat = ResponseFormat.JSON
) -> MemoryDataset:
    """Generated tasks as Inspect samples: the rendered prompt as input, the task id as
    sample id; no ground truth (no target, no category)."""
    s = _suite(suite)
    samples = [
        Sample(
            id=task.id,
            input=s.prompt(task.view(), fmt),
            metadata={"task_id": task.id, "suite": s.name},
        )
        for task in s.tasks(seed, n)
    ]
    return MemoryDataset(samples, name=f"{s.name}-{s.info.version}-seed{seed}")


def _explanation(result: SampleResult) -> str:
    parts = [f"{c.name} ({c.value:+g}): {c.reason}" for c in result.penalties]
    head = f"{result.outcome}"
    if result.unscored_reason:
        head += f": {result.unscored_reason}"
    return "; ".join([head, *parts])


def _value(result: SampleResult) -> dict[str, float | bool | None]:
    return {
        "reward": float(result.reward) if result.reward is not None else None,
        "safe": float(result.safe),
        "hallucination": float(result.hallucination),
        "refusal": float(result.refusal),
        "format_error": float(result.format_error),
        "consistent": float(not result.inconsistency),
    }


def _results(scores: list[SampleScore]) -> list[SampleResult]:
    out: list[SampleResult] = []
    for s in scores:
        data = (s.score.metadata or {}).get(SAMPLE_KEY)
        if isinstance(data, dict):
            out.append(SampleResult.model_validate(data))
    return out


@metric(scores="unreduced")
def suite_metrics(suite: str, profile: str | None = None) -> Metric:
    """The suite's own metrics (`summarize`: headline rates and mean reward, with the
    bounds of their 95% CIs) and abstention calibration, over every epoch's score."""

    def compute(scores: list[SampleScore]) -> dict[str, float | None]:
        s = _suite(suite)
        results = _results(scores)
        summary = s.summarize(results, profile=_profile(s, profile))
        out: dict[str, float | None] = {}
        tasks = []
        for task_id in dict.fromkeys(r.id for r in results):
            try:
                tasks.append(s.resolve(task_id))
            except (TaskIdError, ValueError):
                continue
        kinds = expects_abstention_from_tasks(tasks)
        calibration = abstention_calibration(results, kinds).metrics
        for name, est in {**summary.metrics, **calibration}.items():
            out[name] = est.value
            out[f"{name}_ci_low"] = est.ci_low
            out[f"{name}_ci_high"] = est.ci_high
        out["n_scored"] = float(summary.n_scored)
        return {k: v for k, v in out.items() if v is not None and not math.isnan(v)}

    return compute


@scorer(metrics=[])
def medsafe_scorer(
    suite: str, profile: str | None = None, fmt: ResponseFormat = ResponseFormat.AUTO
) -> Scorer:
    """Score the completion with the suite's scorer against the task its id names."""
    s = _suite(suite)
    prof = _profile(s, profile)

    async def score(state: TaskState, target: Target) -> Score:
        task_id = str(state.metadata.get("task_id") or state.sample_id)
        task = s.resolve(task_id)
        text = state.output.completion if state.output else ""
        try:
            result = SampleResult.from_score(
                id=task.id,
                epoch=max(0, state.epoch - 1),
                category=task.category,
                scenario=task.scenario,
                group=task.group,
                score=s.score(task, text, prof, fmt),
            )
        except Exception as exc:  # a failing scorer must not fail the eval
            return Score.unscored(
                reason="scoring_failed", explanation=f"scorer error: {type(exc).__name__}"
            )
        metadata: dict[str, Any] = {
            "task_id": task.id,
            "outcome": str(result.outcome),
            "profile": prof.name,
            "profile_hash": prof.hash,
            SAMPLE_KEY: result.model_dump(mode="json"),
        }
        if result.outcome == Outcome.UNSCORED:
            return Score.unscored(
                reason="scoring_failed",
                answer=text,
                explanation=_explanation(result),
                metadata=metadata,
            )
        return Score(
            value=_value(result),
            answer=text,
            explanation=_explanation(result),
            metadata=metadata,
        )

    return score


def medsafe_task(
    suite: str,
    *,
    n: int = 100,
    seed: int = 0,
    format: str = "json",
    profile: str | None = None,
    epochs: int = 1,
    temperature: float | None = None,
    max_tokens: int | None = None,
) -> Task:
    """An Inspect task over `n` generated tasks of `suite` (seed `seed`)."""
    fmt = ResponseFormat(format)
    s = _suite(suite)
    return Task(
        dataset=medsafe_dataset(suite, n=n, seed=seed, fmt=fmt),
        solver=generate(),
        scorer=medsafe_scorer(suite, profile, fmt),
        metrics=[suite_metrics(suite, profile)],
        epochs=epochs,
        config=GenerateConfig(temperature=temperature, max_tokens=max_tokens),
        name=s.name,
        version=s.info.version,
        metadata={"medsafe_suite": s.name, "medsafe_seed": seed, "medsafe_format": fmt.value},
    )
