"""Helpers shared by the safety suites (`adversarial`, `bias`, `guidelines`): seeded
randomness, the seed's five reward dimensions, the score builder, rendering of
structured responses in every wire format and the optional rubric judge."""

from medsafe_core.suites._safety.dimensions import DIMENSIONS, dimension_weights, weighted_reward
from medsafe_core.suites._safety.render import render_fields
from medsafe_core.suites._safety.rng import task_rng
from medsafe_core.suites._safety.verdict import Verdict, format_failure

__all__ = [
    "DIMENSIONS",
    "Verdict",
    "dimension_weights",
    "format_failure",
    "render_fields",
    "task_rng",
    "weighted_reward",
]
