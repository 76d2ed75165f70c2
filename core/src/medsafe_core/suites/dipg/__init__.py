"""The `dipg` suite: grounded clinical QA with abstention and conflict."""

from __future__ import annotations

from collections.abc import Sequence

from medsafe_core.models import RewardProfile, SampleResult, Score, SuiteMetrics, Task
from medsafe_core.parsing import ResponseFormat
from medsafe_core.scoring.profiles import DIPG_V4
from medsafe_core.suites.base import Suite, SuiteInfo, SuiteKind
from medsafe_core.suites.dipg.generator import CATEGORIES, GENERATOR_VERSION, generate_task
from medsafe_core.suites.dipg.schema import DIPG_SCHEMA, dipg_instructions
from medsafe_core.suites.dipg.scorer import SCORER_VERSION, score_dipg


class DipgSuite(Suite):
    """Answer only from the context, quote the proof, abstain or report conflicts."""

    def __init__(self, max_response_bytes: int = 65_536) -> None:
        self.max_response_bytes = max_response_bytes
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
            response_formats=[
                ResponseFormat.JSON,
                ResponseFormat.XML,
                ResponseFormat.YAML,
                ResponseFormat.CUSTOM_TAGS,
            ],
            default_profile=DIPG_V4.name,
        )

    def generate(self, key: str, index: int, task_id: str) -> Task:
        return generate_task(key, index, task_id)

    def instructions(self, fmt: ResponseFormat = ResponseFormat.JSON) -> str:
        return dipg_instructions(fmt)

    def default_profile(self) -> RewardProfile:
        return DIPG_V4

    def score(
        self,
        task: Task,
        response: str,
        profile: RewardProfile,
        fmt: ResponseFormat = ResponseFormat.AUTO,
    ) -> Score:
        return score_dipg(task, response, profile, fmt, self.max_response_bytes)

    def summarize(
        self,
        samples: Sequence[SampleResult],
        seed: int = 0,
        profile: RewardProfile | None = None,
    ) -> SuiteMetrics:
        from medsafe_core.metrics import summarize_flags

        # an infrastructure error counts as the floor of the ladder: a failed format gate
        floor = (profile or DIPG_V4)["format_mismatch_penalty"]
        return summarize_flags(samples, seed=seed, error_reward=floor)


def clear_caches() -> None:
    """Forget cached per-text work (normalized contexts, their facts), e.g. between
    benchmark runs, so that each run pays for its own contexts."""
    from medsafe_core.suites.dipg import facts, text

    for cached in (
        text.normalize_cached,
        text.stem,
        text._words,
        text._content_words,
        facts.text_facts,
        facts._quantities,
        facts._entities,
        facts.negation_count,
    ):
        cached.cache_clear()


__all__ = ["CATEGORIES", "DIPG_SCHEMA", "DipgSuite", "clear_caches"]
