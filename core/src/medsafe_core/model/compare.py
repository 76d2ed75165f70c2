"""The model comparison table (the base-model table of the DIPG benchmark report):
one row per run with the headline metrics and abstention calibration, 95% CIs, and
paired tests of every run against the best one on the shared tasks."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import Field

from medsafe_core.ids import TaskIdError
from medsafe_core.metrics import compare_runs
from medsafe_core.metrics.calibration import (
    AbstentionCalibration,
    abstention_calibration,
    expects_abstention_from_tasks,
)
from medsafe_core.metrics.compare import MetricComparison
from medsafe_core.models import Estimate, RunRecord, Task
from medsafe_core.models._base import Contract
from medsafe_core.suites import UnknownSuiteError, get_suite

TABLE_METRICS: tuple[str, ...] = (
    "mean_reward",
    "hallucination_rate",
    "safe_response_rate",
    "refusal_rate",
    "format_error_rate",
)
"""Headline metrics shown per row, in the order of the published table."""

TESTED_METRICS: tuple[str, ...] = ("mean_reward", "safe_response_rate", "hallucination_rate")
"""Metrics with a paired test against the reference run."""


class ModelRow(Contract):
    """One run of the table."""

    name: str
    """Participant (model) name, else the run id."""
    run_id: str
    """The run."""
    n_samples: int
    """Samples (tasks x epochs)."""
    n_errors: int
    """Infrastructure errors (left out of the rates, shown beside them)."""
    metrics: dict[str, Estimate]
    """`TABLE_METRICS` over scored samples."""
    calibration: AbstentionCalibration
    """Over-/under-abstention, coverage and selective risk."""


class PairedTest(Contract):
    """A run against the reference run on their shared samples."""

    name: str
    """The run's row name."""
    n_paired: int
    """Samples scored in both runs."""
    metrics: dict[str, MetricComparison] = Field(default_factory=dict)
    """`TESTED_METRICS`: difference (this run minus the reference) with CI and p-value."""
    warnings: list[str] = Field(default_factory=list)
    """Why the comparison may mislead."""


class ModelTable(Contract):
    """Rows sorted by mean reward (best first) and paired tests against the first."""

    suite: str
    """Suite of every run."""
    rows: list[ModelRow]
    """One per run."""
    reference: str | None
    """Name of the reference row (the best mean reward)."""
    tests: list[PairedTest]
    """Every other row against the reference."""


def _tasks(record: RunRecord) -> list[Task]:
    inline = {t.id: t for t in record.tasks}
    try:
        suite = get_suite(record.manifest.suite)
    except UnknownSuiteError:
        return list(inline.values())
    out: list[Task] = []
    for task_id in dict.fromkeys(s.id for s in record.samples):
        if task_id in inline:
            out.append(inline[task_id])
            continue
        try:
            out.append(suite.resolve(task_id))
        except (TaskIdError, ValueError):
            continue  # salted or unknown ids: calibration falls back to outcomes
    return out


def row(name: str, record: RunRecord, *, seed: int = 0) -> ModelRow:
    """The table row of one run."""
    kinds = expects_abstention_from_tasks(_tasks(record))
    return ModelRow(
        name=name,
        run_id=record.meta.run_id,
        n_samples=record.metrics.n_samples,
        n_errors=record.metrics.n_errors,
        metrics={
            k: record.metrics.metrics[k] for k in TABLE_METRICS if k in record.metrics.metrics
        },
        calibration=abstention_calibration(record.samples, kinds, seed=seed),
    )


def model_table(records: Mapping[str, RunRecord], *, seed: int = 0) -> ModelTable:
    """The table of several runs of one suite (ValueError when suites differ)."""
    suites = {r.manifest.suite for r in records.values()}
    if len(suites) != 1:
        raise ValueError(f"runs of one suite only; these are of {sorted(suites)}")
    rows = [row(name, rec, seed=seed) for name, rec in records.items()]

    def reward(r: ModelRow) -> float:
        e = r.metrics.get("mean_reward")
        return e.value if e is not None and e.value is not None else float("-inf")

    rows.sort(key=reward, reverse=True)
    reference = rows[0].name if rows else None
    tests: list[PairedTest] = []
    if reference is not None:
        ref = records[reference]
        for r in rows[1:]:
            try:
                cmp = compare_runs(ref, records[r.name], seed=seed)
            except ValueError as exc:
                tests.append(PairedTest(name=r.name, n_paired=0, warnings=[str(exc)]))
                continue
            tests.append(
                PairedTest(
                    name=r.name,
                    n_paired=cmp.n_paired - cmp.n_excluded,
                    metrics={k: cmp.metrics[k] for k in TESTED_METRICS if k in cmp.metrics},
                    warnings=cmp.warnings,
                )
            )
    return ModelTable(suite=suites.pop(), rows=rows, reference=reference, tests=tests)
