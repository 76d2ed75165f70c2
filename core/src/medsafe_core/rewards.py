"""Reward functions for RL trainers (TRL's `GRPOTrainer` and anything with its shape).

A reward function is called once per batch with keyword arguments: `completions` (one
per sample: a string, or a list of chat messages whose last one is the answer), the
trainer's own extras (`prompts`, `completion_ids`, `trainer_state`, ignored here) and
every dataset column by name, as lists aligned with `completions`. Ours need the
`task_id` column (and read `epoch` when present); they return one reward per
completion:

* `shaped_reward`: the suite's dense ladder (format gate, abstention and conflict cases,
  grounding, support, correctness) under a reward profile, the same number `medsafe`
  reports as a sample's reward;
* `binary_reward`: 1.0 when the suite's verdict is safe, else 0.0.

A completion the scorer cannot judge gets `None`, which TRL leaves out of that
reward's mean instead of counting it as a failure (pass `unscored=` to give a number).
Ground truth is regenerated server-side from the task id, so the dataset carries no
answers; `dataset_rows` builds the `prompt`/`task_id` rows. Every single-turn (and
paired) suite of the registry works; the suite is read from each task id. Pure engine
code: no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any, Literal, Protocol

from medsafe_core.ids import TaskIdError, parse_task_id
from medsafe_core.models import RewardProfile, Score, Task
from medsafe_core.parsing.types import ResponseFormat
from medsafe_core.scoring.profiles import get_profile
from medsafe_core.suites import Suite, SuiteKind, get_suite, list_suites

RewardValue = float | None


class RewardFunction(Protocol):
    """The shape TRL's `GRPOTrainer` calls: `f(completions=..., task_id=..., **kw)`."""

    __name__: str

    def __call__(self, completions: Sequence[Any], **kwargs: Any) -> list[RewardValue]: ...


def completion_text(completion: Any) -> str:
    """The answer text of one completion: a string, a chat message, or a list of chat
    messages (the last one's content)."""
    if isinstance(completion, str):
        return completion
    if isinstance(completion, Mapping):
        content = completion.get("content", "")
        return content if isinstance(content, str) else str(content)
    if isinstance(completion, Sequence) and completion:
        return completion_text(completion[-1])
    return ""


def scorable_suites() -> list[str]:
    """Suites whose tasks take one response each (single-turn and paired)."""
    return [i.name for i in list_suites() if i.kind != SuiteKind.EPISODIC]


@lru_cache(maxsize=4096)
def _task(task_id: str, salt: str | None) -> Task:
    parsed = parse_task_id(task_id)
    if parsed is None:
        raise TaskIdError(f"{task_id!r} is not a generated task id")
    return get_suite(parsed.suite).resolve(task_id, salt)


def _suite_of(task_id: str) -> Suite:
    parsed = parse_task_id(task_id)
    if parsed is None:
        raise TaskIdError(f"{task_id!r} is not a generated task id")
    suite = get_suite(parsed.suite)
    if suite.info.kind == SuiteKind.EPISODIC:
        raise ValueError(f"suite {suite.name!r} is episodic; use its environment instead")
    return suite


def _profile_for(suite: Suite, profile: RewardProfile | str | None) -> RewardProfile:
    if isinstance(profile, RewardProfile):
        return profile
    if isinstance(profile, str):
        return get_profile(profile)
    return suite.default_profile()


def score_completions(
    completions: Sequence[Any],
    task_ids: Sequence[str],
    *,
    profile: RewardProfile | str | None = None,
    fmt: ResponseFormat = ResponseFormat.AUTO,
    salt: str | None = None,
) -> list[Score]:
    """The full score of each completion against the task its id names."""
    if len(completions) != len(task_ids):
        raise ValueError(
            f"{len(completions)} completions but {len(task_ids)} task ids; the dataset "
            "needs a task_id column"
        )
    scores: list[Score] = []
    for completion, task_id in zip(completions, task_ids, strict=True):
        suite = _suite_of(task_id)
        task = _task(task_id, salt)
        try:
            score = suite.score(
                task, completion_text(completion), _profile_for(suite, profile), fmt
            )
        except Exception as exc:  # a scorer failure is not the policy's fault
            score = Score.unscored(f"scorer error: {type(exc).__name__}")
        scores.append(score)
    return scores


def _make(
    kind: Literal["shaped", "binary"],
    *,
    suite: str | None,
    profile: RewardProfile | str | None,
    fmt: ResponseFormat,
    salt: str | None,
    unscored: float | None,
) -> RewardFunction:
    if suite is not None and suite not in scorable_suites():
        raise ValueError(f"no single-turn suite {suite!r}; have {scorable_suites()}")

    def reward(completions: Sequence[Any], **kwargs: Any) -> list[RewardValue]:
        task_ids = kwargs.get("task_id")
        if task_ids is None:
            raise ValueError("the dataset needs a task_id column (see dataset_rows)")
        if suite is not None:
            foreign = [t for t in task_ids if not str(t).startswith(f"{suite}/")]
            if foreign:
                raise ValueError(f"task {foreign[0]!r} is not a {suite} task")
        out: list[RewardValue] = []
        for s in score_completions(
            completions, [str(t) for t in task_ids], profile=profile, fmt=fmt, salt=salt
        ):
            if s.reward is None:
                out.append(unscored)
            elif kind == "shaped":
                out.append(float(s.reward))
            else:
                out.append(1.0 if s.flags.safe else 0.0)
        return out

    reward.__name__ = f"medsafe_{suite or 'any'}_{kind}"
    reward.__qualname__ = reward.__name__
    return reward


def shaped_reward(
    suite: str | None = None,
    *,
    profile: RewardProfile | str | None = None,
    fmt: ResponseFormat = ResponseFormat.AUTO,
    salt: str | None = None,
    unscored: float | None = None,
) -> RewardFunction:
    """The suite's dense reward ladder under `profile` (default: the suite's default).
    With `suite` None, any single-turn suite's tasks, read from each task id."""
    return _make("shaped", suite=suite, profile=profile, fmt=fmt, salt=salt, unscored=unscored)


def binary_reward(
    suite: str | None = None,
    *,
    profile: RewardProfile | str | None = None,
    fmt: ResponseFormat = ResponseFormat.AUTO,
    salt: str | None = None,
    unscored: float | None = None,
) -> RewardFunction:
    """1.0 when the suite's verdict is safe, else 0.0."""
    return _make("binary", suite=suite, profile=profile, fmt=fmt, salt=salt, unscored=unscored)


def reward_functions(
    profile: RewardProfile | str | None = None,
) -> dict[str, dict[str, RewardFunction]]:
    """`{suite: {"shaped": f, "binary": f}}` for every single-turn suite."""
    return {
        name: {
            "shaped": shaped_reward(name, profile=profile),
            "binary": binary_reward(name, profile=profile),
        }
        for name in scorable_suites()
    }


def dataset_rows(
    suite: str,
    *,
    seed: int,
    n: int,
    fmt: ResponseFormat = ResponseFormat.JSON,
    conversational: bool = False,
    system: str | None = None,
    salt: str | None = None,
) -> list[dict[str, Any]]:
    """Training rows without ground truth: `prompt` (text, or chat messages when
    `conversational`) and `task_id`; `datasets.Dataset.from_list` takes them as is."""
    s = get_suite(suite)
    rows: list[dict[str, Any]] = []
    for task in s.tasks(seed, n, salt=salt):
        text = s.prompt(task.view(), fmt)
        prompt: Any = text
        if conversational:
            prompt = [{"role": "system", "content": system}] if system else []
            prompt.append({"role": "user", "content": text})
        rows.append({"prompt": prompt, "task_id": task.id})
    return rows


RewardFunc = Callable[..., list[RewardValue]]
"""Plain callable alias, for annotations outside this module."""

__all__ = [
    "RewardFunc",
    "RewardFunction",
    "binary_reward",
    "completion_text",
    "dataset_rows",
    "reward_functions",
    "scorable_suites",
    "score_completions",
    "shaped_reward",
]
