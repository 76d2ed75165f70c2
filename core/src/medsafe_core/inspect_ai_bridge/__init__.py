"""Inspect AI integration: an Inspect task and scorer for every single-turn suite of the
registry, and the import of Inspect logs into the store.

    inspect eval medsafe_core/dipg --model openai/gpt-4o-mini -T n=100 -T seed=1
    inspect eval medsafe_core/dipg --model mockllm/model        # offline
    medsafe import-inspect logs/<log>.eval                      # into the store

The dataset comes from the suite's generator (ground truth stays out of the samples:
the scorer regenerates it from the task id), the score from the suite's scorer (the
penalty reasons in `Score.explanation`, the outcome, flags and evidence spans in
`Score.metadata`) and the metrics from the suite's `summarize` with 95% CIs. Needs the
`inspect` extra (`inspect-ai`); the package is named apart from Python's `inspect`.
"""

from medsafe_core.inspect_ai_bridge.tasks import (
    inspect_suites,
    medsafe_dataset,
    medsafe_scorer,
    medsafe_task,
    suite_metrics,
)

__all__ = ["inspect_suites", "medsafe_dataset", "medsafe_scorer", "medsafe_task", "suite_metrics"]
