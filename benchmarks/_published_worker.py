"""Runs inside a throwaway venv with openenv-dipg-safety==0.1.67: scores items with the
published `calculate_reward` and prints items per CPU-second and the reward per item."""

import json
import sys
import time

from med_safety_eval.format_parser import FormatParser
from med_safety_eval.logic import calculate_reward
from med_safety_eval.models import RewardConfig

items = [json.loads(line) for line in open(sys.argv[1])]
parser, config = FormatParser(), RewardConfig()
rewards = []
start = time.process_time()
for item in items:
    parsed = parser.parse(item["response"])
    reward, _ = calculate_reward(
        parsed, item["context"], {"expected_answer": item["expected_answer"]}, config
    )
    rewards.append(reward)
elapsed = time.process_time() - start
print(json.dumps({"items_per_s": len(items) / elapsed, "rewards": rewards}))
