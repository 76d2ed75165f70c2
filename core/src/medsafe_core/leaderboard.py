"""Leaderboard rules: which runs may be ranked, which are comparable, and how they rank.

Pure functions on plain data (no store, no network); the store feeds them stored runs
and the service feeds them the suite's official configuration. The threat model they
answer is docs/threat-model.md:

* a run is ranked only when it meets the suite's `OfficialConfig` (suite and scorer
  version, official profile, at least `min_tasks` tasks, exactly `epochs` trials, every
  sample present, and the server's salt when it has one), was completed, and was scored
  against the server's own ground truth;
* official runs (made by the green agent, or signed off by an admin) and self-reported
  runs (REST and MCP) are ranked apart, never together;
* which runs are comparable comes from the configuration, and among datasets that meet
  it, from the one most participants share (ties: the one established first), never
  from the newest run; a run below the minimum size is not a candidate at all;
* each participant's LATEST eligible run counts, never their best;
* rows rank on `metrics_errors_as_failures` and show the error rate and task count, so
  crashing on hard tasks cannot raise a score.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from medsafe_core.models import Estimate, RunState, SuiteMetrics

DEFAULT_RANKING_METRIC = "safe_response_rate"
"""Rows of a leaderboard are ordered by this metric (errors counted as failures)."""
LOWER_IS_BETTER = frozenset({"hallucination_rate", "refusal_rate", "format_error_rate"})
"""Metrics where a smaller value ranks higher."""


class Provenance(StrEnum):
    """Who made a run, which decides the board it can appear on."""

    ASSESSMENT = "assessment"
    """Made by the green agent with its own credential (the official path)."""
    SELF_REPORTED = "self_reported"
    """Stored through the REST or MCP API by a caller (listed apart unless signed off)."""


class _Model(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True, frozen=True)


class ComparabilityKey(_Model):
    """What two runs must share for their numbers to be compared."""

    suite: str
    """Suite name."""
    suite_version: int
    """Suite (generator and schema) version."""
    dataset_hash: str
    """Hash over the task ids and ground truth."""
    scorer_version: str
    """Version of the suite's scorer."""
    profile_hash: str
    """Hash of the reward profile."""


class OfficialConfig(_Model):
    """The configuration a run must meet to be ranked on a suite's leaderboard."""

    suite: str
    """Suite name."""
    suite_version: int
    """The suite version in force (older generators are not ranked)."""
    scorer_version: str
    """The scorer version in force (re-score older runs to rank them)."""
    profile_hash: str
    """Hash of the suite's official reward profile (environment overrides differ)."""
    min_tasks: int = Field(ge=1)
    """Fewest distinct tasks a ranked run may have."""
    epochs: int = Field(ge=1)
    """Trials per task of a ranked run."""
    salt_required: bool
    """True when the server has a seed salt: only runs over its salted ids are ranked."""
    salt_hash: str | None = Field(None, exclude=True)
    """Hash of the server's salt that ranked runs must carry (never shown)."""


class RunFacts(_Model):
    """What the rules need to know about one stored run."""

    run_id: str
    """Run id."""
    created_at: str
    """ISO-8601 creation time."""
    order: int
    """Insertion order (breaks ties of `created_at`)."""
    state: RunState
    """Lifecycle state."""
    participant: str | None
    """Assessed participant."""
    participant_name: str | None = None
    """Its display name, when the run recorded one."""
    ground_truth_source: Literal["server", "caller"]
    """Who supplied the ground truth."""
    provenance: Provenance
    """Who made the run."""
    signed_off: bool = False
    """An admin signed the run off as official."""
    verified: bool = False
    """The credential that stored the run is bound to its participant."""
    suite: str
    """Suite name."""
    suite_version: int
    """Suite version."""
    scorer_version: str
    """Scorer version."""
    profile_hash: str
    """Reward profile hash."""
    dataset_hash: str
    """Hash over task ids and ground truth."""
    seed_salt_hash: str | None
    """Hash of the salt its task ids were drawn with (None: public ids)."""
    n_tasks: int
    """Distinct tasks."""
    epochs: int
    """Trials per task."""
    n_samples: int
    """Samples stored."""
    metrics: SuiteMetrics | None
    """The run's metrics (None until it finishes)."""

    @property
    def official(self) -> bool:
        """Made by the green agent or signed off: eligible for the official board."""
        return self.provenance == Provenance.ASSESSMENT or self.signed_off

    @property
    def key(self) -> ComparabilityKey:
        """The run's comparability key."""
        return ComparabilityKey(
            suite=self.suite,
            suite_version=self.suite_version,
            dataset_hash=self.dataset_hash,
            scorer_version=self.scorer_version,
            profile_hash=self.profile_hash,
        )


class LeaderboardRow(_Model):
    """A participant's standing: their latest eligible run of the board's dataset."""

    rank: int
    """1 for the best; ties share a rank (overlapping CIs may hide the same skill)."""
    participant: str
    """Name or URL of the participant."""
    participant_name: str | None = None
    """Its display name (an A2A participant's agent-card name), when known."""
    run_id: str
    """The run this row reports (the participant's latest, never their best)."""
    created_at: str
    """When that run was created."""
    official: bool
    """Made by the green agent or signed off by an admin."""
    verified: bool
    """Stored by a credential bound to the participant (always true for official runs)."""
    n_tasks: int
    """Distinct tasks in the run."""
    epochs: int
    """Trials per task."""
    n_samples: int
    """Samples in that run."""
    n_errors: int
    """Samples where the participant gave no response (timeouts, crashes)."""
    error_rate: float
    """`n_errors / n_samples`: errors count as failures in every number of the row."""
    ranking_metric: str
    """Name of the metric rows are ordered by."""
    score: Estimate
    """The ranking metric (errors counted as failures) with its 95% CI."""
    metrics: dict[str, Estimate] = Field(default_factory=dict)
    """Every headline metric with errors counted as failures, with its 95% CI."""
    metrics_errors_excluded: dict[str, Estimate] = Field(default_factory=dict)
    """The same over scored samples only (for diagnosis; never ranked)."""
    key: ComparabilityKey
    """What every row of the board shares."""


class Leaderboard(_Model):
    """A suite's official board and, apart, the self-reported runs that meet the same
    configuration."""

    suite: str
    """Suite of the board."""
    ranking_metric: str
    """Metric rows are ordered by (errors counted as failures)."""
    config: OfficialConfig
    """What a run must meet to be listed."""
    rows: list[LeaderboardRow] = Field(default_factory=list)
    """Official runs (green agent or signed off), ranked."""
    self_reported: list[LeaderboardRow] = Field(default_factory=list)
    """Self-reported runs (REST, MCP), ranked among themselves only."""


def ineligible_reasons(run: RunFacts, config: OfficialConfig) -> list[str]:
    """Why `run` cannot be ranked under `config` (empty when it can)."""
    reasons: list[str] = []
    if run.suite != config.suite:
        reasons.append(f"suite {run.suite}, not {config.suite}")
    if run.state != RunState.COMPLETED:
        reasons.append(f"run is {run.state}, not completed")
    if run.ground_truth_source != "server":
        reasons.append("scored against ground truth the caller supplied")
    if run.participant is None:
        reasons.append("no participant")
    if run.suite_version != config.suite_version:
        reasons.append(f"suite version {run.suite_version}, not {config.suite_version}")
    if run.scorer_version != config.scorer_version:
        reasons.append(f"scorer {run.scorer_version}, not {config.scorer_version}")
    if run.profile_hash != config.profile_hash:
        reasons.append("not the suite's official reward profile")
    if run.n_tasks < config.min_tasks:
        reasons.append(f"{run.n_tasks} tasks, fewer than {config.min_tasks}")
    if run.epochs != config.epochs:
        reasons.append(f"{run.epochs} epochs, not {config.epochs}")
    if run.n_samples != run.n_tasks * run.epochs:
        reasons.append(f"{run.n_samples} samples, not tasks x epochs")
    if config.salt_required and (
        run.seed_salt_hash is None or run.seed_salt_hash != config.salt_hash
    ):
        reasons.append("task ids not salted with this server's salt")
    if run.metrics is None:
        reasons.append("no metrics")
    return reasons


def board_dataset(runs: Iterable[RunFacts]) -> str | None:
    """The dataset hash the board compares on: the one most participants share among
    eligible runs; on a tie, the one whose first run is oldest. A new dataset with one
    participant never displaces an established one."""
    participants: dict[str, set[str]] = {}
    first: dict[str, tuple[str, int]] = {}
    for run in runs:
        participants.setdefault(run.dataset_hash, set()).add(run.participant or "")
        seen = (run.created_at, run.order)
        if run.dataset_hash not in first or seen < first[run.dataset_hash]:
            first[run.dataset_hash] = seen
    if not participants:
        return None
    return min(participants, key=lambda d: (-len(participants[d]), first[d], d))


def latest_per_participant(runs: Iterable[RunFacts]) -> list[RunFacts]:
    """Each participant's newest run (by `created_at`, then insertion order)."""
    latest: dict[str, RunFacts] = {}
    for run in runs:
        name = run.participant or ""
        held = latest.get(name)
        if held is None or (run.created_at, run.order) > (held.created_at, held.order):
            latest[name] = run
    return list(latest.values())


def _rank_value(estimate: Estimate, metric: str) -> float:
    if estimate.value is None:
        return float("inf")
    return estimate.value if metric in LOWER_IS_BETTER else -estimate.value


def _row(run: RunFacts, metric: str, rank: int) -> LeaderboardRow:
    metrics = run.metrics or SuiteMetrics(
        n_samples=run.n_samples, n_scored=0, n_unscored=0, n_errors=0
    )
    pessimistic = metrics.metrics_errors_as_failures or metrics.metrics
    return LeaderboardRow(
        rank=rank,
        participant=run.participant or "",
        participant_name=run.participant_name,
        run_id=run.run_id,
        created_at=run.created_at,
        official=run.official,
        verified=run.verified or run.official,
        n_tasks=run.n_tasks,
        epochs=run.epochs,
        n_samples=run.n_samples,
        n_errors=metrics.n_errors,
        error_rate=metrics.n_errors / run.n_samples if run.n_samples else 0.0,
        ranking_metric=metric,
        score=pessimistic.get(metric, Estimate(value=None)),
        metrics=dict(pessimistic),
        metrics_errors_excluded=dict(metrics.metrics),
        key=run.key,
    )


def rank_runs(runs: Sequence[RunFacts], metric: str) -> list[LeaderboardRow]:
    """Rows ordered by `metric` with errors as failures; ties share a rank."""
    scored = [(_rank_value(_row(r, metric, 0).score, metric), r.participant or "", r) for r in runs]
    scored.sort(key=lambda e: (e[0], e[1]))
    out: list[LeaderboardRow] = []
    previous: float | None = None
    for position, (value, _, run) in enumerate(scored, 1):
        rank = out[-1].rank if out and value == previous else position
        out.append(_row(run, metric, rank))
        previous = value
    return out


def _board(runs: Sequence[RunFacts], metric: str) -> list[LeaderboardRow]:
    dataset = board_dataset(runs)
    chosen = [r for r in runs if r.dataset_hash == dataset]
    return rank_runs(latest_per_participant(chosen), metric)


def build_leaderboard(
    runs: Iterable[RunFacts], config: OfficialConfig, metric: str = DEFAULT_RANKING_METRIC
) -> Leaderboard:
    """The official board and the self-reported list from stored runs."""
    eligible = [r for r in runs if not ineligible_reasons(r, config)]
    return Leaderboard(
        suite=config.suite,
        ranking_metric=metric,
        config=config,
        rows=_board([r for r in eligible if r.official], metric),
        self_reported=_board([r for r in eligible if not r.official], metric),
    )
