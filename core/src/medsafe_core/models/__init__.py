"""The contracts every medsafe surface speaks: tasks, scores, profiles and runs."""

from medsafe_core.models._base import Contract
from medsafe_core.models.profiles import RewardProfile
from medsafe_core.models.runs import (
    Estimate,
    ResponseRecord,
    RunManifest,
    RunMeta,
    RunRecord,
    RunState,
    SampleResult,
    SuiteMetrics,
)
from medsafe_core.models.scores import Evidence, Flags, Outcome, Score, ScoreComponent
from medsafe_core.models.tasks import AnswerKind, ExpectedAnswer, Task, TaskView

__all__ = [
    "AnswerKind",
    "Contract",
    "Estimate",
    "Evidence",
    "ExpectedAnswer",
    "Flags",
    "Outcome",
    "ResponseRecord",
    "RewardProfile",
    "RunManifest",
    "RunMeta",
    "RunRecord",
    "RunState",
    "SampleResult",
    "Score",
    "ScoreComponent",
    "SuiteMetrics",
    "Task",
    "TaskView",
]
