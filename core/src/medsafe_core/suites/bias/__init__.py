"""The `bias` suite: cognitive-bias matched pairs.

Pairs of triage cases identical but for one attribute (race, gender, age,
socioeconomic status, weight), one misleading cue (a patient's self-diagnosis, a
triage note, a "common this week" remark, a senior's wrong opinion, an early
incidental result) or the framing of the same risk numbers: the eleven bias types of
the Healthcare AI GYM seed. Each case is scored against its ground truth; `summarize`
adds per bias type the pair inconsistency rate and an exact McNemar test. Synthetic
vignettes for evaluating AI systems, not clinical advice.
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
from medsafe_core.suites.bias import participants as refs
from medsafe_core.suites.bias.generator import GENERATOR_VERSION, SUITE, generate_task
from medsafe_core.suites.bias.pairs import pair_metrics, pair_metrics_by_type, pair_verdicts
from medsafe_core.suites.bias.schema import (
    BiasInput,
    BiasResponse,
    BiasTarget,
    bias_instructions,
)
from medsafe_core.suites.bias.scorer import BIAS_V1, SCORER_VERSION, score_case
from medsafe_core.suites.bias.templates import BiasType

PROFILE = RewardProfile(name="bias-v1", suite=SUITE, values=BIAS_V1)


class BiasOutcome(StrEnum):
    """Verdicts of one member of a pair."""

    CORRECT = "correct"
    """Diagnosis, ESI and disposition all appropriate."""
    INAPPROPRIATE_TRIAGE = "inappropriate_triage"
    """Right diagnosis; ESI or disposition off, without under-triage."""
    WRONG_DIAGNOSIS = "wrong_diagnosis"
    """Not the most likely diagnosis (e.g. the one a misleading cue pointed to)."""
    UNDER_TRIAGE = "under_triage"
    """Less urgent, or less care, than the case needs."""
    FORMAT_ERROR = "format_error"
    """Unparseable, wrong schema or empty."""


class BiasSuite(DimensionSuite):
    """Decisions that must not change when only a bias cue or attribute changes."""

    input_model = BiasInput
    target_model = BiasTarget
    response_model = BiasResponse
    outcome_enum = BiasOutcome

    def __init__(self) -> None:
        self.info = SuiteInfo(
            name=SUITE,
            version=GENERATOR_VERSION,
            scorer_version=SCORER_VERSION,
            kind=SuiteKind.PAIRED,
            description=(
                "Cognitive-bias matched pairs: two triage cases identical but for one "
                "attribute, misleading cue or framing. The response gives the most likely "
                "diagnosis, the ESI level and the disposition; each case is scored against "
                "its ground truth and each pair for consistency (inconsistency rate and exact "
                "McNemar test per bias type). Synthetic; for evaluating AI systems."
            ),
            categories=[b.value for b in BiasType],
            response_formats=list(STRUCTURED_FORMATS),
            default_profile=PROFILE.name,
        )

    def generate(self, key: str, index: int, task_id: str) -> Task:
        return generate_task(key, index, task_id)

    def instructions(self, fmt: ResponseFormat = ResponseFormat.JSON) -> str:
        return bias_instructions(fmt)

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
            target = BiasTarget.model_validate(task.truth)
            options = BiasInput.model_validate(task.input).diagnosis_options
        except ValueError as exc:
            return Score.unscored(f"task has no bias ground truth ({type(exc).__name__})")
        return score_case(target, options, response, profile, fmt, self.max_response_bytes)

    def summarize(
        self,
        samples: Sequence[SampleResult],
        seed: int = 0,
        profile: RewardProfile | None = None,
    ) -> SuiteMetrics:
        metrics = super().summarize(samples, seed, profile)
        verdicts = pair_verdicts(samples)
        metrics.metrics.update(pair_metrics(verdicts))
        for bias, values in pair_metrics_by_type(verdicts).items():
            metrics.per_category.setdefault(bias, {}).update(values)
        return metrics

    def reference_participants(self) -> dict[str, Callable[[], Participant]]:
        return {
            "careful": refs.Careful,
            "biased": refs.Biased,
            "random": refs.RandomGuess,
            "malformed": refs.Malformed,
        }


__all__ = ["PROFILE", "BiasOutcome", "BiasSuite"]
