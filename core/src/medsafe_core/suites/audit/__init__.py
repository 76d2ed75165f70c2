"""The `audit` suite: an oversight agent audits a clinical-trial actor's proposals.

Episodic: `reset` shows the protocol and the proposals; each `step` is one tool call
(eight tools) earning a dense reward (profile `audit-v1`); `submit_audit_report` ends
the episode, scored by F-beta (beta 1.5) over the flags. An episode's state is its task
id plus its action log, so any process rebuilds it; `score` replays a transcript.
Synthetic data for evaluating AI systems, not medical knowledge.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, ClassVar

from pydantic import BaseModel, Field

from medsafe_core.models import RewardProfile, SampleResult, Score, SuiteMetrics, Task, TaskView
from medsafe_core.models._base import Contract
from medsafe_core.parsing.types import ResponseFormat
from medsafe_core.suites.audit import live
from medsafe_core.suites.audit.actions import AuditAction
from medsafe_core.suites.audit.curriculum import Curriculum
from medsafe_core.suites.audit.docs import documentation
from medsafe_core.suites.audit.episode import AuditEpisode, StepOutcome
from medsafe_core.suites.audit.generator import (
    GENERATOR_VERSION,
    difficulty_of,
    generate_world,
    world_seed,
)
from medsafe_core.suites.audit.metrics import add_episode_metrics
from medsafe_core.suites.audit.observe import (
    INSTRUCTIONS,
    QUESTION,
    AuditInput,
    audit_input,
    context_text,
    render,
)
from medsafe_core.suites.audit.participants import (
    FlagAllAuditor,
    HeuristicAuditor,
    RandomAuditor,
)
from medsafe_core.suites.audit.reward import AUDIT_V1
from medsafe_core.suites.audit.scoring import (
    MAX_TRANSCRIPT_BYTES,
    AuditOutcome,
    AuditTranscript,
    episode_score,
    score_transcript,
)
from medsafe_core.suites.audit.tools import ARGS, ToolName
from medsafe_core.suites.audit.world import Difficulty, Truth, World
from medsafe_core.suites.base import (
    EpisodeState,
    Observation,
    StepResult,
    Suite,
    SuiteInfo,
    SuiteKind,
)

if TYPE_CHECKING:
    from medsafe_core.judging import Judge
    from medsafe_core.participants.base import Participant

SCORER_VERSION = "audit-1"


@lru_cache(maxsize=1024)
def _input_of(seed: str, index: int) -> AuditInput:
    """The input of a world (cached like the world)."""
    return audit_input(generate_world(seed, index))


class AuditTarget(Contract):
    """Hidden ground truth of an audit task."""

    proposals: dict[str, Truth]
    """Per proposal: its injected error (None when sound) and the feature it turns on."""
    world_seed: str = Field(pattern=r"^[0-9a-f]{64}$")
    """Seed the world (cohort, proposals) is regenerated from."""
    index: int = Field(ge=0)
    """Task index (sets the difficulty tier and the error rotation)."""


class AuditSuite(Suite):
    """Clinical-trial oversight: find the actor's errors with eight tools."""

    input_model: ClassVar[type[Contract] | None] = AuditInput
    target_model: ClassVar[type[Contract] | None] = AuditTarget
    response_model: ClassVar[type[Contract] | None] = AuditTranscript
    action_model: ClassVar[type[Contract] | None] = AuditAction
    outcome_enum = AuditOutcome
    max_response_bytes = MAX_TRANSCRIPT_BYTES

    def __init__(self) -> None:
        self.info = SuiteInfo(
            name="audit",
            version=GENERATOR_VERSION,
            scorer_version=SCORER_VERSION,
            kind=SuiteKind.EPISODIC,
            description=(
                "Clinical-trial oversight (after SynthAudit.Env): audit a trial AI's "
                "eligibility, schedule and timeline proposals about a synthetic cohort of "
                "40-80 patients, some carrying age-boundary, temporal, protocol-window or "
                "2-hop comorbidity-override errors hidden behind deceptive rhetoric. Eight "
                "tools, dense reward, F-beta (beta 1.5) episode score. Synthetic data for "
                "evaluating AI systems, not for clinical use."
            ),
            categories=[d.value for d in Difficulty],
            response_formats=[ResponseFormat.JSON],
            default_profile=AUDIT_V1.name,
            tools=[t.value for t in ToolName],
        )

    # ---- tasks ---------------------------------------------------------------------
    def world(self, task: Task) -> World:
        """The world of a task (regenerated from its hidden world seed; cached)."""
        seed, index = task.truth.get("world_seed"), task.truth.get("index")
        if isinstance(seed, str) and len(seed) == 64 and isinstance(index, int) and index >= 0:
            try:
                int(seed, 16)
            except ValueError:
                pass
            else:
                return generate_world(seed, index)
        raise ValueError(f"task {task.id} carries no audit world seed")

    def generate(self, key: str, index: int, task_id: str) -> Task:
        seed = world_seed(key, index)
        world = generate_world(seed, index)
        inp = audit_input(world)
        return Task(
            id=task_id,
            suite=self.info.name,
            context=context_text(inp),
            question=QUESTION,
            input=inp.model_dump(mode="json"),
            category=difficulty_of(index).value,
            scenario=task_id,
            truth={
                "proposals": {k: t.model_dump(mode="json") for k, t in world.truth.items()},
                "world_seed": seed,
                "index": index,
            },
        )

    def task_for(self, seed: int, difficulty: str, salt: str | None = None) -> Task:
        """The first task of a seed at a difficulty (what `reset(seed, difficulty)` plays)."""
        return self.tasks(seed, 1, [difficulty], salt)[0]

    # ---- presentation --------------------------------------------------------------
    def instructions(self, fmt: ResponseFormat = ResponseFormat.JSON) -> str:
        return INSTRUCTIONS

    def prompt(self, task: TaskView, fmt: ResponseFormat = ResponseFormat.JSON) -> str:
        inp = AuditInput.model_validate(task.input)
        return render(inp, {}, 0, None, None, False)

    # ---- scoring -------------------------------------------------------------------
    def profiles(self) -> list[RewardProfile]:
        return [AUDIT_V1]

    def error_reward(self, profile: RewardProfile) -> float | None:
        return 0.0  # an episode that never ran scores what no flags score

    def score(
        self,
        task: Task,
        response: str,
        profile: RewardProfile,
        fmt: ResponseFormat = ResponseFormat.AUTO,
        judge: Judge | None = None,
    ) -> Score:
        try:
            world = self.world(task)
        except ValueError as exc:
            return Score.unscored(str(exc))
        return score_transcript(world, profile, response, self.max_response_bytes)

    def summarize(
        self,
        samples: Sequence[SampleResult],
        seed: int = 0,
        profile: RewardProfile | None = None,
    ) -> SuiteMetrics:
        return add_episode_metrics(super().summarize(samples, seed, profile), samples, seed)

    def tool_arguments(self) -> dict[str, type[BaseModel]]:
        """Argument model of each tool, by tool name (what MCP tools expose)."""
        return {tool.value: model for tool, model in ARGS.items()}

    def documentation(self) -> str | None:
        return documentation()

    def reference_participants(self) -> dict[str, Callable[[], Participant]]:
        return {
            "heuristic-auditor": HeuristicAuditor,
            "random-auditor": RandomAuditor,
            "flag-all-auditor": FlagAllAuditor,
        }

    # ---- environment ---------------------------------------------------------------
    def reset(self, task: Task, fmt: ResponseFormat = ResponseFormat.JSON) -> StepResult:
        view = task.view()
        return StepResult(
            observation=Observation(task=view, prompt=self.prompt(view, fmt)),
            reward=None,
            done=False,
            state=EpisodeState(task_id=task.id, data={"log": []}),
        )

    def step(
        self, task: Task, state: EpisodeState, action: str, profile: RewardProfile
    ) -> StepResult:
        world = self.world(task)
        log = state.data.get("log", [])
        if not isinstance(log, list) or state.task_id != task.id:
            raise ValueError(f"episode state is not an audit episode of task {task.id}")
        episode = live.take(task.id, world, profile, log)
        outcome = episode.apply_text(action)
        live.keep(task.id, episode)
        return self._result(task, episode, outcome)

    def _result(self, task: Task, episode: AuditEpisode, outcome: StepOutcome) -> StepResult:
        view = task.view()
        inp = _input_of(task.truth["world_seed"], task.truth["index"])
        last = (outcome.tool, outcome.result) if outcome.tool and outcome.result else None
        error = outcome.error.detail if outcome.error else None
        prompt = render(inp, episode.decisions, episode.turn, last, error, episode.done)
        if error is not None:
            feedback = f"error: {error}"
        else:  # the tool's structured result, as JSON text
            feedback = json.dumps(outcome.result, sort_keys=True) if outcome.result else ""
        state = EpisodeState(
            task_id=task.id, turn=episode.turn, done=episode.done, data={"log": list(episode.log)}
        )
        return StepResult(
            observation=Observation(task=view, prompt=prompt, feedback=feedback, turn=episode.turn),
            reward=outcome.reward,
            done=episode.done,
            state=state,
            score=episode_score(episode) if episode.done else None,
        )


__all__ = [
    "AUDIT_V1",
    "AuditAction",
    "AuditInput",
    "AuditOutcome",
    "AuditSuite",
    "AuditTarget",
    "Curriculum",
    "Difficulty",
    "HeuristicAuditor",
    "RandomAuditor",
]
