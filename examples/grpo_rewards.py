"""GRPO with medsafe rewards: the dataset rows and reward functions TRL's GRPOTrainer takes.

    uv run python examples/grpo_rewards.py            # score a few canned completions
    uv run python examples/grpo_rewards.py --train    # with trl, datasets and a model installed

Without `--train` it needs nothing beyond medsafe: it calls the rewards the way the
trainer does, on completions written by the suite's reference participants.
"""

from __future__ import annotations

import argparse

from medsafe_core.parsing import ResponseFormat
from medsafe_core.rewards import binary_reward, dataset_rows, shaped_reward
from medsafe_core.suites import get_suite


def demo(suite_name: str) -> None:
    suite = get_suite(suite_name)
    rows = dataset_rows(suite_name, seed=7, n=3)
    people = {k: f() for k, f in suite.reference_participants().items()}
    shaped, binary = shaped_reward(suite_name), binary_reward(suite_name)
    for row in rows:
        view = suite.resolve(row["task_id"]).view()
        names = list(people)
        completions = [people[k].answer(view, ResponseFormat.JSON) for k in names]
        columns = {"task_id": [row["task_id"]] * len(names)}
        dense = shaped(completions=completions, prompts=[row["prompt"]] * len(names), **columns)
        safe = binary(completions=completions, **columns)
        print(row["task_id"])
        for name, d, s in zip(names, dense, safe, strict=True):
            print(f"  {name:>13}: shaped {d!s:>6}  binary {s}")


def train(suite_name: str, model: str) -> None:  # pragma: no cover - needs trl and a model
    from datasets import Dataset
    from trl import GRPOConfig, GRPOTrainer

    dataset = Dataset.from_list(dataset_rows(suite_name, seed=1, n=512, conversational=True))
    trainer = GRPOTrainer(
        model=model,
        reward_funcs=[shaped_reward(suite_name), binary_reward(suite_name)],
        args=GRPOConfig(output_dir="grpo-medsafe", num_generations=4, reward_weights=[1.0, 5.0]),
        train_dataset=dataset,
    )
    trainer.train()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", default="dipg")
    parser.add_argument("--train", action="store_true")
    parser.add_argument("--model", default="Qwen/Qwen2.5-0.5B-Instruct")
    args = parser.parse_args()
    if args.train:
        train(args.suite, args.model)
    else:
        demo(args.suite)
