"""From a validated EvalRequest to the tasks, the messages and the run manifest."""

from __future__ import annotations

from dataclasses import dataclass, field

from a2a.helpers import new_data_part, new_text_part
from a2a.types import Part

from medsafe_agents.green.request import EvalRequest, InvalidEvalRequestError
from medsafe_agents.settings import AgentSettings
from medsafe_core.evaluation import resolve_profile
from medsafe_core.models import RewardProfile, RunManifest, Task
from medsafe_core.runs import build_manifest
from medsafe_core.suites import Suite, UnknownSuiteError, get_suite

PARTICIPANT_TASK_KEYS = ("suite", "context", "question", "input")
"""The only task fields a participant receives (besides the rendered prompt): no id
(a generated id would let a participant regenerate the answer of an unsalted run), no
category or scenario (they can hint at the answer kind), no ground truth."""


@dataclass
class AssessmentPlan:
    """Everything an assessment needs before the first participant call."""

    request: EvalRequest
    """The validated request."""
    suite: Suite
    """The suite tasks come from."""
    tasks: list[Task]
    """Tasks, with ground truth (kept server-side)."""
    profile: RewardProfile
    """Reward profile every sample is scored with."""
    manifest: RunManifest
    """The run manifest."""
    salted: bool
    """Whether the server's secret salt was mixed into the seed (an official run)."""
    answer_limit: int
    """Largest answer (bytes) the suite's parser accepts; longer answers are stored cut
    just past it, so they fail the format gate as `too_large` now and on re-scoring."""
    _parts: dict[str, list[Part]] = field(default_factory=dict, repr=False)

    @property
    def total(self) -> int:
        """Samples in the run (tasks x epochs)."""
        return len(self.tasks) * self.request.config.epochs

    def parts_for(self, task: Task) -> list[Part]:
        """The message parts sent to the participant for `task`: the prompt with the
        answer-format instructions, and the same task as data (no ground truth)."""
        cached = self._parts.get(task.id)
        if cached is None:
            fmt = self.request.config.format
            view = task.view()
            payload = {
                "task": {k: getattr(view, k) for k in PARTICIPANT_TASK_KEYS},
                "format": str(fmt),
            }
            cached = [new_text_part(self.suite.prompt(view, fmt)), new_data_part(payload)]
            self._parts[task.id] = cached
        return cached


def _profile(settings: AgentSettings, suite: Suite) -> RewardProfile:
    return resolve_profile(suite, None, settings.profile_for(suite))


def plan_assessment(request: EvalRequest, settings: AgentSettings) -> AssessmentPlan:
    """Draw the tasks and build the manifest; InvalidEvalRequestError with the reason
    when the request cannot be run on this server."""
    cfg = request.config
    try:
        suite = get_suite(cfg.suite).with_limits(settings.max_response_bytes)
    except UnknownSuiteError as exc:
        raise InvalidEvalRequestError(f"invalid EvalRequest: config.suite: {exc}") from None
    if cfg.format not in suite.info.response_formats:
        raise InvalidEvalRequestError(
            f"invalid EvalRequest: config.format: {suite.name} accepts "
            f"{[str(f) for f in suite.info.response_formats]}"
        )
    if cfg.num_tasks * cfg.epochs > settings.max_assessment_tasks:
        raise InvalidEvalRequestError(
            f"invalid EvalRequest: num_tasks x epochs = {cfg.num_tasks * cfg.epochs} exceeds "
            f"this server's limit of {settings.max_assessment_tasks}"
        )
    if cfg.concurrency > settings.max_concurrency:
        raise InvalidEvalRequestError(
            f"invalid EvalRequest: config.concurrency {cfg.concurrency} exceeds this "
            f"server's limit of {settings.max_concurrency}"
        )
    salt = settings.seed_salt.get_secret_value() if settings.seed_salt else None
    try:
        tasks = suite.tasks(cfg.seed, cfg.num_tasks, cfg.categories, salt)
    except ValueError as exc:
        raise InvalidEvalRequestError(f"invalid EvalRequest: config.categories: {exc}") from None
    profile = _profile(settings, suite)
    dataset_id = f"generated:{suite.name}/{suite.info.version}/{cfg.seed}"
    if cfg.categories:
        dataset_id += f"[{','.join(sorted(cfg.categories))}]"
    manifest = build_manifest(
        suite,
        tasks,
        profile,
        epochs=cfg.epochs,
        seed=cfg.seed,
        salt=salt,
        dataset_id=dataset_id,
        participant=request.participant_url,
    )
    return AssessmentPlan(
        request=request,
        suite=suite,
        tasks=tasks,
        profile=profile,
        manifest=manifest,
        salted=salt is not None,
        answer_limit=settings.max_response_bytes,
    )
