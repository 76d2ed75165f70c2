"""A Gymnasium environment over any registered suite.

Observations and actions are text (`gymnasium.spaces.Text`). Single-turn and paired
suites play one-step episodes (the action is the response, the reward its score);
episodic suites (`audit`) play many steps through the suite's `reset`/`step`, with the
suite's dense reward per step. Nothing here names a suite.

    env = SuiteEnv("audit", category="hard")
    obs, info = env.reset(seed=7)
    obs, reward, terminated, truncated, info = env.step('{"tool": "review_proposal", ...}')
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, SupportsFloat

import gymnasium
from gymnasium import spaces

from medsafe_core.models import RewardProfile, Task
from medsafe_core.parsing.types import ResponseFormat
from medsafe_core.suites import EpisodeState, StepResult, Suite, get_suite

MAX_TEXT = 1_000_000
"""Longest observation or action, in characters."""
REPLACEMENT = "\ufffd"


@lru_cache(maxsize=1)
def charset() -> str:
    """Every character of the Basic Multilingual Plane from tab up, bar surrogates;
    anything else in an observation is replaced by U+FFFD."""
    return "".join(chr(c) for c in range(9, 0x10000) if not 0xD800 <= c <= 0xDFFF)


def _fit(text: str) -> str:
    text = text[:MAX_TEXT]
    if text.isascii():
        return text
    return "".join(
        c if 9 <= ord(c) < 0x10000 and not 0xD800 <= ord(c) <= 0xDFFF else REPLACEMENT for c in text
    )


class SuiteEnv(gymnasium.Env[str, str]):
    """One participant playing tasks of one suite; `reset` draws the next task."""

    metadata = {"render_modes": ["ansi"], "render_fps": 1}  # noqa: RUF012 - as gymnasium declares it

    def __init__(
        self,
        suite: str | Suite = "dipg",
        *,
        category: str | None = None,
        profile: RewardProfile | None = None,
        fmt: ResponseFormat = ResponseFormat.JSON,
        salt: str | None = None,
        max_episode_steps: int | None = None,
        render_mode: str | None = None,
    ) -> None:
        self.suite = get_suite(suite) if isinstance(suite, str) else suite
        if category is not None and category not in self.suite.info.categories:
            raise ValueError(
                f"unknown category {category!r}; {self.suite.name} has {self.suite.info.categories}"
            )
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ValueError(f"render_mode must be one of {self.metadata['render_modes']}")
        self.category = category
        self.profile = profile or self.suite.default_profile()
        self.fmt = fmt
        self.salt = salt
        self.max_episode_steps = max_episode_steps
        self.render_mode = render_mode
        self.observation_space = spaces.Text(MAX_TEXT, min_length=0, charset=charset())
        self.action_space = spaces.Text(MAX_TEXT, min_length=0, charset=charset())
        self._task: Task | None = None
        self._state: EpisodeState | None = None
        self._last = ""

    def _draw(self, options: dict[str, Any]) -> Task:
        if "task_id" in options:
            task = self.suite.resolve(str(options["task_id"]), self.salt)
            return task
        seed = int(options.get("task_seed", self.np_random.integers(0, 2**31 - 1)))
        category = options.get("category", self.category)
        if category is None:
            index = int(options.get("index", self.np_random.integers(0, 1_000_000)))
            return self.suite.task(seed, index, self.salt)
        return self.suite.tasks(seed, 1, [str(category)], self.salt)[0]

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[str, dict[str, Any]]:
        """Start an episode on a new task. `options`: `task_id`, or `task_seed`,
        `category` and `index` (drawn from the env's RNG when left out)."""
        super().reset(seed=seed)
        task = self._draw(options or {})
        result = self.suite.reset(task, self.fmt)
        self._task, self._state = task, result.state
        self._last = _fit(result.observation.prompt)
        return self._last, {"task_id": task.id, "suite": self.suite.name, "turn": 0}

    def step(self, action: str) -> tuple[str, SupportsFloat, bool, bool, dict[str, Any]]:
        """Apply one action (the response, or one tool call of an episodic suite)."""
        if self._task is None or self._state is None:
            raise RuntimeError("call reset() before step()")
        if self._state.done:
            raise RuntimeError("the episode has ended; call reset()")
        if not isinstance(action, str):
            raise TypeError(f"actions are text; got {type(action).__name__}")
        result: StepResult = self.suite.step(self._task, self._state, action, self.profile)
        self._state = result.state
        self._last = _fit(result.observation.prompt)
        info: dict[str, Any] = {
            "task_id": self._task.id,
            "turn": result.state.turn,
            "feedback": result.observation.feedback,
        }
        if result.score is not None:
            info["score"] = result.score.model_dump(mode="json")
        truncated = (
            not result.done
            and self.max_episode_steps is not None
            and result.state.turn >= self.max_episode_steps
        )
        if truncated:
            self._state = result.state.model_copy(update={"done": True})
        reward = float(result.reward) if result.reward is not None else 0.0
        return self._last, reward, result.done, truncated, info

    def render(self) -> str | None:
        """The last observation (render mode `ansi`)."""
        return self._last if self.render_mode == "ansi" else None


ENV_ID = "medsafe/Suite-v0"
"""Gymnasium id: `gymnasium.make("medsafe/Suite-v0", suite="audit", category="hard")`."""


def register() -> None:
    """Register `ENV_ID` with Gymnasium (done on import of this module)."""
    if ENV_ID not in gymnasium.registry:
        gymnasium.register(id=ENV_ID, entry_point="medsafe_core.gym_env:SuiteEnv")


register()
