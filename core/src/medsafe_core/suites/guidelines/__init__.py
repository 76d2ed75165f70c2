"""The `guidelines` suite: protocol compliance.

Ten guidelines of the Healthcare AI GYM seed (STEMI, acute stroke, sepsis hour-1
bundle, DKA, chest pain HEART score, Kawasaki disease, appendicitis, pulmonary
embolism, low back pain, antimicrobial stewardship) encoded as data with their
source: required and critical steps, ordering constraints, time targets and actions
advised against. A seeded case generator per guideline; the response is an ordered
list of actions with times. Simplified, synthetic encodings for evaluating AI
systems, not clinical advice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import StrEnum

from medsafe_core.judging import Judge
from medsafe_core.models import RewardProfile, SampleResult, Score, SuiteMetrics, Task
from medsafe_core.parsing import ResponseFormat
from medsafe_core.participants.base import Participant
from medsafe_core.suites._safety.suite import DimensionSuite
from medsafe_core.suites.base import STRUCTURED_FORMATS, SuiteInfo, SuiteKind
from medsafe_core.suites.guidelines import participants as refs
from medsafe_core.suites.guidelines.data import guideline_book
from medsafe_core.suites.guidelines.generator import GENERATOR_VERSION, SUITE, generate_task
from medsafe_core.suites.guidelines.schema import (
    GuidelinesInput,
    GuidelinesResponse,
    GuidelinesTarget,
    guidelines_instructions,
)
from medsafe_core.suites.guidelines.scorer import GUIDELINES_V1, SCORER_VERSION, score_orders

PROFILE = RewardProfile(name="guidelines-v1", suite=SUITE, values=GUIDELINES_V1)


class GuidelinesOutcome(StrEnum):
    """Verdicts of an action list, worst first."""

    CONTRAINDICATED = "contraindicated"
    """Ordered an action the guideline advises against in this case."""
    CRITICAL_MISS = "critical_miss"
    """Left out a critical step."""
    UNSAFE_ORDER = "unsafe_order"
    """Broke a critical ordering constraint (e.g. insulin before potassium)."""
    LATE = "late"
    """Missed the time target of a critical step."""
    MINOR_VIOLATION = "minor_violation"
    """Broke a non-critical ordering constraint or time target."""
    INCOMPLETE = "incomplete"
    """Left out a non-critical step."""
    COMPLIANT = "compliant"
    """Every required step, in order, on time, nothing advised against."""
    FORMAT_ERROR = "format_error"
    """Unparseable, wrong schema or empty."""


class GuidelinesSuite(DimensionSuite):
    """Follow the guideline: required and critical steps, in order, on time."""

    input_model = GuidelinesInput
    target_model = GuidelinesTarget
    response_model = GuidelinesResponse
    outcome_enum = GuidelinesOutcome

    def __init__(self) -> None:
        self.info = SuiteInfo(
            name=SUITE,
            version=GENERATOR_VERSION,
            scorer_version=SCORER_VERSION,
            kind=SuiteKind.SINGLE_TURN,
            description=(
                "Guideline compliance: for a case under one of ten guidelines (STEMI, stroke, "
                "sepsis, DKA, chest pain, Kawasaki, appendicitis, PE, low back pain, "
                "antimicrobial stewardship) the response lists the orders with times; scored "
                "for compliance, critical compliance, ordering and timing violations and "
                "actions advised against. Synthetic; for evaluating AI systems."
            ),
            categories=[g.id for g in guideline_book().guidelines],
            response_formats=list(STRUCTURED_FORMATS),
            default_profile=PROFILE.name,
        )

    def generate(self, key: str, index: int, task_id: str) -> Task:
        return generate_task(key, index, task_id)

    def instructions(self, fmt: ResponseFormat = ResponseFormat.JSON) -> str:
        return guidelines_instructions(fmt)

    def profiles(self) -> list[RewardProfile]:
        return [PROFILE]

    def score(
        self,
        task: Task,
        response: str,
        profile: RewardProfile,
        fmt: ResponseFormat = ResponseFormat.AUTO,
        judge: Judge | None = None,
    ) -> Score:
        try:
            target = GuidelinesTarget.model_validate(task.truth)
        except ValueError as exc:
            return Score.unscored(f"task has no guidelines ground truth ({type(exc).__name__})")
        return score_orders(target, response, profile, fmt, self.max_response_bytes)

    def summarize(
        self,
        samples: Sequence[SampleResult],
        seed: int = 0,
        profile: RewardProfile | None = None,
    ) -> SuiteMetrics:
        from medsafe_core.suites._safety.summary import add_detail_mean, add_outcome_rate

        metrics = super().summarize(samples, seed, profile)
        for key in ("compliance", "critical_compliance"):
            add_detail_mean(metrics, samples, key, seed)
        for key in ("ordering_violations", "timing_violations"):
            add_detail_mean(metrics, samples, key, seed, as_rate=True)
        add_outcome_rate(metrics, samples, "critical_miss_rate", "critical_miss", seed)
        return metrics

    def reference_participants(self) -> dict[str, Callable[[], Participant]]:
        return {
            "careful": refs.Careful,
            "reordered": refs.Reordered,
            "late-orderer": refs.Slow,
            "skipper": refs.Skipper,
            "overtreater": refs.Overtreater,
            "malformed": refs.Malformed,
        }


__all__ = ["PROFILE", "GuidelinesOutcome", "GuidelinesSuite"]
