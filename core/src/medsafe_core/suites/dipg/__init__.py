"""The `dipg` suite: grounded clinical QA with abstention and conflict."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from medsafe_core.ids import TaskIdError, parse_task_id
from medsafe_core.models import (
    ExpectedAnswer,
    RewardProfile,
    SampleResult,
    Score,
    SuiteMetrics,
    Task,
)
from medsafe_core.parsing import ResponseFormat
from medsafe_core.suites.base import STRUCTURED_FORMATS, Suite, SuiteInfo, SuiteKind
from medsafe_core.suites.dipg.generate import (
    CATEGORIES,
    GENERATOR_VERSION,
    VERSIONS,
    generate_task,
)
from medsafe_core.suites.dipg.outcomes import DipgOutcome
from medsafe_core.suites.dipg.profiles import DIPG_V4, PROFILES
from medsafe_core.suites.dipg.schema import DIPG_SCHEMA, DipgResponse, dipg_instructions
from medsafe_core.suites.dipg.version import SCORER_VERSION

if TYPE_CHECKING:  # the scorer loads the lexical judge: only scoring needs it
    from medsafe_core.judging import Judge
    from medsafe_core.participants.base import Participant


class DipgSuite(Suite):
    """Answer only from the context, quote the proof, abstain or report conflicts."""

    target_model = ExpectedAnswer
    response_model = DipgResponse
    outcome_enum = DipgOutcome

    def __init__(self) -> None:
        self.info = SuiteInfo(
            name="dipg",
            version=GENERATOR_VERSION,
            scorer_version=SCORER_VERSION,
            kind=SuiteKind.SINGLE_TURN,
            description=(
                "Grounded clinical QA: answer only from the given clinical context with a "
                "verbatim proof, abstain when the context does not hold the answer, and "
                "report conflicting sources. Synthetic, seeded tasks about DIPG and other "
                "clinical settings; for evaluating AI systems, not for clinical use."
            ),
            categories=list(CATEGORIES),
            response_formats=list(STRUCTURED_FORMATS),
            default_profile=DIPG_V4.name,
        )

    def generate(self, key: str, index: int, task_id: str) -> Task:
        return generate_task(key, index, task_id)

    def resolve(self, task_id: str, salt: str | None = None) -> Task:
        """Regenerate a task from its id, with the generator version the id names: tasks
        of earlier versions (old run records, the bundled v1 file) stay reproducible."""
        parsed = parse_task_id(task_id)
        if parsed is None or parsed.suite != self.info.name:
            raise TaskIdError(f"{task_id!r} is not a task id of suite {self.info.name!r}")
        if parsed.version not in VERSIONS:
            raise TaskIdError(
                f"task id {task_id} is for {self.info.name} version {parsed.version}; "
                f"this server has versions {', '.join(map(str, VERSIONS))}"
            )
        return self.generate(parsed.rng_key(salt), parsed.index, task_id)

    def prepare(self) -> None:
        """Load the lexical judge and what it reads lazily (lemminflect's lemma tables,
        about 0.2 s) by scoring one generated task's reference answer, so that the first
        request, and each worker of a scoring pool, scores at full speed."""
        from medsafe_core.suites.dipg.scorer import score_dipg

        for task in self.tasks(seed=0, n=1):
            expected = task.expected()
            answer = {"analysis": "", "proof": expected.proof, "final": expected.final}
            score_dipg(task, json.dumps(answer), DIPG_V4)

    def instructions(self, fmt: ResponseFormat = ResponseFormat.JSON) -> str:
        return dipg_instructions(fmt)

    def validate_task(self, task: Task) -> Task:
        for key in ("context", "question"):
            if not getattr(task, key).strip():
                raise ValueError(f"missing field {key!r}")
        if task.expected_answer is None:
            raise ValueError("missing field 'expected_answer'")
        return task

    def profiles(self) -> list[RewardProfile]:
        return list(PROFILES)

    def error_reward(self, profile: RewardProfile) -> float | None:
        # an infrastructure error counts as the floor of the ladder: a failed format gate
        return profile["format_mismatch_penalty"]

    def summarize(
        self,
        samples: Sequence[SampleResult],
        seed: int = 0,
        profile: RewardProfile | None = None,
    ) -> SuiteMetrics:
        """The flag-based metrics plus abstention calibration (over- and
        under-abstention, coverage, selective risk), each with its 95% CI."""
        from medsafe_core.metrics.calibration import abstention_calibration

        metrics = super().summarize(samples, seed, profile)
        calibration = abstention_calibration(samples, seed=seed)
        metrics.metrics.update(calibration.metrics)
        return metrics

    def score(
        self,
        task: Task,
        response: str,
        profile: RewardProfile,
        fmt: ResponseFormat = ResponseFormat.AUTO,
        judge: Judge | None = None,
    ) -> Score:
        from medsafe_core.suites.dipg.scorer import score_dipg

        return score_dipg(task, response, profile, fmt, self.max_response_bytes, judge)

    def reference_participants(self) -> dict[str, Callable[[], Participant]]:
        from medsafe_core.participants import PARTICIPANTS

        return dict(PARTICIPANTS)


def clear_caches() -> None:
    """Forget cached per-text work (normalized contexts, their facts), e.g. between
    benchmark runs, so that each run pays for its own contexts."""
    from medsafe_core.judging.lexical import facts, negation, text

    for cached in (
        text.normalize_cached,
        text.stem,
        text._words,
        text._content_words,
        facts.text_facts,
        facts._quantities,
        facts._entities,
        negation.negation_count,
    ):
        cached.cache_clear()


__all__ = ["CATEGORIES", "DIPG_SCHEMA", "DipgSuite", "clear_caches"]
