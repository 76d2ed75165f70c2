"""The suite interface, one for all three kinds of suite.

* single-turn (`dipg`, `adversarial`, `guidelines`): task -> one response -> one score;
* paired (`bias`): tasks come in matched pairs sharing a `group`; each response is
  scored alone and `summarize` adds the pair verdicts;
* episodic (`audit`): `reset` -> many `step`s with tool calls -> episode score.

Every surface (CLI, service, MCP, agents) drives suites only through this class:
`tasks`/`task` to draw work, `prompt` to present it, `score` to judge a final
response (for episodic suites: a transcript of actions, replayed with `step`),
`reset`/`step` for environments, `summarize` for metrics. Adding a suite means
a folder with a subclass and one registration (an entry point in the
`medsafe.suites` group, or `register_suite`), nothing else: the suite owns its
contracts (`input_model`, `target_model`, `response_model`, `action_model`,
`outcome_enum`), its reward profiles and its reference participants, and every
surface reads them from here.
"""

from __future__ import annotations

import copy
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from enum import StrEnum
from importlib import resources
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, Field

from medsafe_core.ids import TaskIdError, make_task_id, parse_task_id
from medsafe_core.models import (
    Outcome,
    RewardProfile,
    SampleResult,
    Score,
    SuiteMetrics,
    Task,
    TaskView,
)
from medsafe_core.models._base import Contract
from medsafe_core.parsing import DEFAULT_MAX_BYTES as DEFAULT_MAX_RESPONSE_BYTES
from medsafe_core.parsing.types import ResponseFormat

if TYPE_CHECKING:
    from medsafe_core.judging import Judge
    from medsafe_core.participants.base import Participant


STRUCTURED_FORMATS: tuple[ResponseFormat, ...] = (
    ResponseFormat.JSON,
    ResponseFormat.XML,
    ResponseFormat.YAML,
    ResponseFormat.CUSTOM_TAGS,
)
"""The formats a structured response may take (each suite's parser reads all four)."""


class SuiteKind(StrEnum):
    """How a suite's tasks are played."""

    SINGLE_TURN = "single_turn"
    PAIRED = "paired"
    EPISODIC = "episodic"


class SuiteInfo(Contract):
    """Public description of a suite (listed by the CLI, REST and MCP)."""

    name: str
    """Suite name, the first part of its task ids."""
    version: int
    """Generator and schema version, the second part of its task ids."""
    scorer_version: str
    """Scorer version recorded in every run."""
    kind: SuiteKind
    """Single-turn, paired or episodic."""
    description: str
    """One paragraph: what the suite measures."""
    categories: list[str]
    """Task categories."""
    response_formats: list[ResponseFormat]
    """Formats a response may use."""
    default_profile: str
    """Name of the default reward profile."""
    tools: list[str] = Field(default_factory=list)
    """Tool names available in an episode (episodic suites)."""
    outcomes: list[str] = Field(default_factory=list)
    """Every outcome label a sample can get (filled from the suite's `outcome_enum`)."""
    profiles: list[str] = Field(default_factory=list)
    """Names of the suite's reward profiles (filled from `profiles()`; first is default)."""
    schemas: dict[str, dict[str, Any]] = Field(default_factory=dict)
    """JSON schemas of the suite's contracts: `input`, `target`, `response`, `action`."""


class Observation(Contract):
    """What an environment shows the participant after reset or a step."""

    task: TaskView
    """The task, without ground truth."""
    prompt: str
    """The rendered prompt, with the answer-format instructions."""
    feedback: str = ""
    """Result of the last step (tool output, or the penalty reasons once scored)."""
    turn: int = 0
    """Steps taken so far."""


class EpisodeState(Contract):
    """Serializable state of an episode, so any replica can serve any step."""

    task_id: str
    """Task being played."""
    turn: int = 0
    """Steps taken."""
    done: bool = False
    """Whether the episode has ended."""
    data: dict[str, Any] = Field(default_factory=dict)
    """Suite-specific state (never shown to the participant)."""


class StepResult(Contract):
    """Outcome of one environment step."""

    observation: Observation
    """What the participant sees next."""
    reward: float | None
    """Reward for this step (the episode's score on the final step)."""
    done: bool
    """Whether the episode ended."""
    state: EpisodeState
    """New episode state."""
    score: Score | None = None
    """Full score when the episode ended."""


class Suite(ABC):
    """Base class of every suite."""

    info: SuiteInfo
    """Name, version, kind, categories; `describe()` adds outcomes, profiles, schemas."""
    input_model: ClassVar[type[BaseModel] | None] = None
    """Schema of `Task.input` (structured input a participant sees), if any."""
    target_model: ClassVar[type[BaseModel] | None] = None
    """Schema of the hidden ground truth (`Task.truth`, or `expected_answer` for dipg)."""
    response_model: ClassVar[type[BaseModel] | None] = None
    """Schema of a participant's parsed response."""
    action_model: ClassVar[type[BaseModel] | None] = None
    """Schema of one action of an episodic suite."""
    outcome_enum: ClassVar[type[StrEnum]] = Outcome
    """Outcome labels of the suite's scores (shared `Outcome` values included)."""

    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    """Largest response the suite's parser accepts (see `with_limits`)."""

    @property
    def name(self) -> str:
        """Suite name."""
        return self.info.name

    def with_limits(self, max_response_bytes: int) -> Suite:
        """This suite with another response-size limit (the process's
        `MEDSAFE_MAX_RESPONSE_BYTES`); the suite itself when the limit is unchanged."""
        if max_response_bytes == self.max_response_bytes:
            return self
        clone = copy.copy(self)
        clone.max_response_bytes = max_response_bytes
        return clone

    def prepare(self) -> None:
        """Load what scoring needs (a judge's rules and tables), so that a server's first
        request does not pay for it; the CLI and task generation never call it. Suites
        with nothing to load keep this default."""
        return None

    def describe(self) -> SuiteInfo:
        """`info` with the outcome labels, profile names and contract schemas filled in
        (what the service, MCP server and docs publish)."""
        schemas = {
            key: model.model_json_schema()
            for key, model in (
                ("input", self.input_model),
                ("target", self.target_model),
                ("response", self.response_model),
                ("action", self.action_model),
            )
            if model is not None
        }
        outcomes = list(dict.fromkeys([*map(str, self.outcome_enum), *map(str, Outcome)]))
        return self.info.model_copy(
            update={
                "outcomes": outcomes,
                "profiles": [p.name for p in self.profiles()],
                "schemas": schemas,
            }
        )

    # ---- tasks -------------------------------------------------------------------
    @abstractmethod
    def generate(self, key: str, index: int, task_id: str) -> Task:
        """Build task `index` from the random key (suite/version/seed[/salt])."""

    def task(self, seed: int, index: int, salt: str | None = None) -> Task:
        """The task with this seed and index."""
        task_id = make_task_id(self.info.name, self.info.version, seed, index, salt)
        return self.resolve(task_id, salt)

    def resolve(self, task_id: str, salt: str | None = None) -> Task:
        """Regenerate a task, ground truth included, from its generated id."""
        parsed = parse_task_id(task_id)
        if parsed is None or parsed.suite != self.info.name:
            raise TaskIdError(f"{task_id!r} is not a task id of suite {self.info.name!r}")
        if parsed.version != self.info.version:
            raise TaskIdError(
                f"task id {task_id} is for {self.info.name} version {parsed.version}; "
                f"this server has version {self.info.version}"
            )
        return self.generate(parsed.rng_key(salt), parsed.index, task_id)

    def iter_tasks(
        self, seed: int, categories: Sequence[str] | None = None, salt: str | None = None
    ) -> Iterator[Task]:
        """Tasks of a seed in index order, optionally filtered by category."""
        unknown = set(categories or ()) - set(self.info.categories)
        if unknown:
            raise ValueError(
                f"unknown categories {sorted(unknown)}; {self.info.name} has {self.info.categories}"
            )
        index = 0
        while index <= 999_999_999:
            task = self.task(seed, index, salt)
            if not categories or task.category in categories:
                yield task
            index += 1

    def tasks(
        self,
        seed: int,
        n: int,
        categories: Sequence[str] | None = None,
        salt: str | None = None,
    ) -> list[Task]:
        """The first `n` tasks of a seed (optionally of the given categories). Paired
        suites round `n` up to whole pairs, so no pair is cut in half."""
        if self.info.kind is SuiteKind.PAIRED and n % 2:
            n += 1
        out: list[Task] = []
        for task in self.iter_tasks(seed, categories, salt):
            if len(out) >= n:
                break
            out.append(task)
        return out

    def validate_task(self, task: Task) -> Task:
        """Check a caller-supplied task against the suite's contracts (ValueError when its
        ground truth or input does not fit); the task itself when valid."""
        if self.target_model is not None and task.expected_answer is None:
            self.target_model.model_validate(task.truth)
        if self.input_model is not None:
            self.input_model.model_validate(task.input)
        return task

    # ---- presentation ------------------------------------------------------------
    @abstractmethod
    def instructions(self, fmt: ResponseFormat = ResponseFormat.JSON) -> str:
        """How to format a response, for a participant's prompt."""

    def prompt(self, task: TaskView, fmt: ResponseFormat = ResponseFormat.JSON) -> str:
        """The full prompt for a task: context, question and format instructions."""
        return f"CONTEXT:\n{task.context}\n\nQUESTION:\n{task.question}\n\n{self.instructions(fmt)}"

    # ---- scoring -----------------------------------------------------------------
    @abstractmethod
    def profiles(self) -> list[RewardProfile]:
        """The suite's reward profiles, the default first."""

    def default_profile(self) -> RewardProfile:
        """The suite's default reward profile (named by `info.default_profile`)."""
        for profile in self.profiles():
            if profile.name == self.info.default_profile:
                return profile
        return self.profiles()[0]

    def error_reward(self, profile: RewardProfile) -> float | None:
        """The reward an infrastructure error counts as when errors count as failures
        (default: the lowest constant of the profile, what the worst response earns)."""
        return min(profile.values.values(), default=None)

    @abstractmethod
    def score(
        self,
        task: Task,
        response: str,
        profile: RewardProfile,
        fmt: ResponseFormat = ResponseFormat.AUTO,
        judge: Judge | None = None,
    ) -> Score:
        """Judge one final response (episodic suites: a JSON transcript of actions).
        `judge` is an optional model-graded judge for what rules cannot decide."""

    def summarize(
        self,
        samples: Sequence[SampleResult],
        seed: int = 0,
        profile: RewardProfile | None = None,
    ) -> SuiteMetrics:
        """Metrics with CIs over scored samples: flag-based headline metrics, per
        category, pass^k and errors counted as failures. Suites override to add their
        own (pair verdicts, episode scores), calling this first."""
        from medsafe_core.metrics.summary import summarize_flags

        floor = self.error_reward(profile or self.default_profile())
        return summarize_flags(samples, seed=seed, error_reward=floor)

    def tool_arguments(self) -> dict[str, type[BaseModel]]:
        """Argument model of each tool of an episodic suite, by tool name (the MCP server
        publishes one tool per entry); empty for other suites."""
        return {}

    def documentation(self) -> str | None:
        """The suite's documentation page (markdown), served by the MCP server beside the
        generated description: by default the `README.md` shipped in the suite's package;
        None when it has none."""
        package = type(self).__module__
        try:
            page = resources.files(package).joinpath("README.md")
            return page.read_text(encoding="utf-8") if page.is_file() else None
        except (ModuleNotFoundError, TypeError):
            return None

    # ---- participants ----------------------------------------------------------------
    def reference_participants(self) -> dict[str, Callable[[], Participant]]:
        """Built-in participants that need no LLM (careful and deliberately bad ones),
        by name; `medsafe assess` and the purple agents run them."""
        return {}

    # ---- environment -------------------------------------------------------------
    def reset(self, task: Task, fmt: ResponseFormat = ResponseFormat.JSON) -> StepResult:
        """Start an episode on a task."""
        view = task.view()
        return StepResult(
            observation=Observation(task=view, prompt=self.prompt(view, fmt)),
            reward=None,
            done=False,
            state=EpisodeState(task_id=task.id),
        )

    def step(
        self, task: Task, state: EpisodeState, action: str, profile: RewardProfile
    ) -> StepResult:
        """Take one step. Single-turn suites score the action and end the episode."""
        if state.done:
            raise ValueError("the episode has ended; reset to start another")
        score = self.score(task, action, profile, ResponseFormat.AUTO)
        feedback = "; ".join(f"{p.name} ({p.value:+g}): {p.reason}" for p in score.penalties)
        view = task.view()
        return StepResult(
            observation=Observation(
                task=view, prompt=self.prompt(view), feedback=feedback, turn=state.turn + 1
            ),
            reward=score.reward,
            done=True,
            state=state.model_copy(update={"turn": state.turn + 1, "done": True}),
            score=score,
        )
