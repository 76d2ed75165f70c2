"""The judgments after grounding: does the proof support the answer, is the answer
correct, does it add claims the context does not support.

Reasons returned from here describe the *response* (and context spans), never the
expected answer, so they are safe to show to a participant.
"""

from medsafe_core.judging.lexical.correctness import answer_correct
from medsafe_core.judging.lexical.support import supports
from medsafe_core.judging.lexical.verdicts import (
    Verdict,
    derivations,
    negated_about,
    unsupported_claim,
)

__all__ = [
    "Verdict",
    "answer_correct",
    "derivations",
    "negated_about",
    "supports",
    "unsupported_claim",
]
