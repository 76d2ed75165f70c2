"""The Gymnasium environment over suites, checked with gymnasium's own env checker."""

from __future__ import annotations

import json
import warnings

import gymnasium
import pytest
from gymnasium.utils.env_checker import check_env

from medsafe_core.gym_env import ENV_ID, SuiteEnv
from medsafe_core.models import TaskView
from medsafe_core.participants import PARTICIPANTS
from medsafe_core.suites import get_suite


@pytest.mark.parametrize(
    ("suite", "category"), [("audit", "hard"), ("audit", None), ("dipg", None)]
)
def test_env_checker_passes(suite: str, category: str | None) -> None:
    env = gymnasium.make(ENV_ID, suite=suite, category=category, render_mode="ansi")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the checker reports problems as warnings
        check_env(env.unwrapped, skip_render_check=False)


def test_audit_episode_through_the_env_matches_the_suite() -> None:
    suite = get_suite("audit")
    env = SuiteEnv("audit", category="medium")
    obs, info = env.reset(seed=11)
    assert env.observation_space.contains(obs)
    agent = suite.reference_participants()["heuristic-auditor"]()
    total, terminated, steps = 0.0, False, 0
    while not terminated:
        action = agent.answer(TaskView(id=info["task_id"], suite="audit", question=obs))
        obs, reward, terminated, truncated, step_info = env.step(action)
        total += float(reward)
        steps += 1
        assert not truncated
    score = step_info["score"]
    assert score["details"]["steps"] == steps
    assert total == pytest.approx(score["details"]["total_reward"], abs=1e-6)
    with pytest.raises(RuntimeError, match="reset"):
        env.step(action)


def test_same_seed_same_task_and_options_pick_one() -> None:
    env = SuiteEnv("audit")
    first, info1 = env.reset(seed=3)
    again, info2 = env.reset(seed=3)
    assert first == again and info1 == info2
    _, chosen = env.reset(options={"task_id": "audit/1/5/000004"})
    assert chosen["task_id"] == "audit/1/5/000004"
    _, hard = env.reset(options={"task_seed": 9, "category": "hard"})
    assert get_suite("audit").resolve(hard["task_id"]).category == "hard"


def test_single_turn_suite_is_a_one_step_episode() -> None:
    env = SuiteEnv("dipg")
    _, info = env.reset(seed=5)
    task = get_suite("dipg").resolve(info["task_id"])
    response = PARTICIPANTS["baseline"]().answer(task.view(), env.fmt)
    _, reward, terminated, truncated, step_info = env.step(response)
    assert terminated and not truncated
    assert reward == step_info["score"]["reward"]


def test_truncation_and_bad_use() -> None:
    env = SuiteEnv("audit", max_episode_steps=2)
    env.reset(seed=1)
    look = json.dumps({"tool": "cohort_analysis", "arguments": {"group_by": "sex"}})
    assert env.step(look)[3] is False
    assert env.step(look)[3] is True
    with pytest.raises(RuntimeError):
        env.step(look)
    with pytest.raises(RuntimeError, match="reset"):
        SuiteEnv("audit").step(look)
    with pytest.raises(ValueError, match="unknown category"):
        SuiteEnv("audit", category="impossible")


def test_adaptive_curriculum_through_the_env() -> None:
    """The curriculum picks each episode's task index; passing 0.7 moves a tier up."""
    from medsafe_core.suites.audit import Curriculum, Difficulty

    env = SuiteEnv("audit")
    cur = Curriculum()
    agent = get_suite("audit").reference_participants()["heuristic-auditor"]()
    levels = []
    for _ in range(4):
        obs, info = env.reset(options={"task_seed": 4, "index": cur.next_index()})
        levels.append(get_suite("audit").resolve(info["task_id"]).category)
        terminated = False
        while not terminated:
            view = TaskView(id=info["task_id"], suite="audit", question=obs)
            obs, _, terminated, _, step_info = env.step(agent.answer(view))
        cur.record(step_info["score"]["reward"])
    assert levels == ["easy", "medium", "hard", "hard"]
    assert cur.level is Difficulty.HARD
