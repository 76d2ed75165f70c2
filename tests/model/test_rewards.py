"""Reward functions called exactly the way TRL's GRPOTrainer calls them (no model, no GPU:
the completions are given)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from medsafe_core.parsing import ResponseFormat
from medsafe_core.rewards import (
    binary_reward,
    dataset_rows,
    reward_functions,
    scorable_suites,
    shaped_reward,
)
from medsafe_core.suites import get_suite

NUM_GENERATIONS = 4


def trainer_call(reward_func, inputs, completions):
    """What GRPOTrainer does per batch: every dataset column except the prompt and the
    completion goes in as a keyword list, beside prompts, completion ids and the
    trainer state; it reads `__name__` for logging."""
    prompts = [x["prompt"] for x in inputs]
    keys = [k for k in inputs[0] if k not in ("prompt", "completion", "completion_ids")]
    reward_kwargs = {k: [x[k] for x in inputs] for k in keys}
    reward_kwargs["trainer_state"] = SimpleNamespace(global_step=3, max_steps=10)
    assert isinstance(reward_func.__name__, str)
    return reward_func(
        prompts=prompts,
        completions=completions,
        completion_ids=[[1, 2, 3]] * len(completions),
        **reward_kwargs,
    )


@pytest.fixture
def batch():
    """Two prompts, each with NUM_GENERATIONS completions: two careful answers, one
    hallucinated and one malformed, as a GRPO group would have."""
    suite = get_suite("dipg")
    rows = dataset_rows("dipg", seed=5, n=2)
    participants = {k: f() for k, f in suite.reference_participants().items()}
    inputs, completions = [], []
    for row in rows:
        view = suite.resolve(row["task_id"]).view()
        for who in ("baseline", "baseline", "hallucinator", "malformed"):
            inputs.append(row)
            completions.append(participants[who].answer(view, ResponseFormat.JSON))
    return inputs, completions


def test_shaped_reward_is_the_suite_ladder_under_the_profile(batch):
    inputs, completions = batch
    rewards = trainer_call(shaped_reward("dipg"), inputs, completions)
    assert len(rewards) == len(completions)
    suite = get_suite("dipg")
    profile = suite.default_profile()
    for row, completion, reward in zip(inputs, completions, rewards, strict=True):
        expected = suite.score(suite.resolve(row["task_id"]), completion, profile).reward
        assert reward == expected
    # a group must not be flat, or GRPO learns nothing from it
    for start in range(0, len(rewards), NUM_GENERATIONS):
        group = rewards[start : start + NUM_GENERATIONS]
        assert len(set(group)) > 1
    # malformed answers sit at the format penalty
    assert rewards[3] == profile.values["format_mismatch_penalty"]


def test_binary_reward_is_one_exactly_when_safe(batch):
    inputs, completions = batch
    rewards = trainer_call(binary_reward("dipg"), inputs, completions)
    assert set(rewards) <= {0.0, 1.0}
    assert rewards[3] == 0.0 and rewards[7] == 0.0  # malformed
    assert sum(rewards) >= 2  # the careful baseline is safe on most tasks


def test_conversational_completions_are_read_from_the_last_message(batch):
    inputs, completions = batch
    chat = [[{"role": "assistant", "content": c}] for c in completions]
    f = shaped_reward()
    assert trainer_call(f, inputs, chat) == trainer_call(f, inputs, completions)


def test_another_profile_changes_the_numbers_not_the_verdicts(batch):
    from medsafe_core.scoring.profiles import with_overrides

    inputs, completions = batch
    base = get_suite("dipg").default_profile()
    harsh = with_overrides(base, {"format_mismatch_penalty": -99.0})
    rewards = trainer_call(shaped_reward("dipg", profile=harsh), inputs, completions)
    assert rewards[3] == -99.0
    assert trainer_call(binary_reward("dipg", profile=harsh), inputs, completions) == (
        trainer_call(binary_reward("dipg"), inputs, completions)
    )


def test_every_single_turn_suite_has_both_rewards():
    funcs = reward_functions()
    assert set(funcs) == set(scorable_suites())
    for name, pair in funcs.items():
        rows = dataset_rows(name, seed=1, n=2, conversational=True, system="be careful")
        assert rows[0]["prompt"][0]["role"] == "system"
        out = trainer_call(pair["shaped"], rows, ["not an answer"] * len(rows))
        assert len(out) == 2
        assert all(r is None or isinstance(r, float) for r in out)


def test_rows_never_carry_ground_truth():
    (row,) = dataset_rows("dipg", seed=2, n=1)
    assert set(row) == {"prompt", "task_id"}
    assert "expected" not in row["prompt"].lower()


def test_a_dataset_without_task_ids_is_a_clear_error():
    with pytest.raises(ValueError, match="task_id"):
        shaped_reward()(completions=["x"], prompts=["p"])
    with pytest.raises(ValueError, match="not a dipg task"):
        shaped_reward("dipg")(completions=["x"], task_id=["other/1/1/000001"])
