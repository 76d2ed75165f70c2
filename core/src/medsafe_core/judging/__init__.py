"""Judges: who decides what a suite's rules cannot decide.

A suite's scorer applies its own rules (dipg: lexical alignment and fact checks) and
may hand the items it cannot decide to a `Judge` given per run: a model-graded judge
(`medsafe_core.model.judge`, an adapter that calls a model) or any object with the
same shape; wrapped in `WhenUnsure`, the judge is asked only where the rules are
unsure. A judge that fails or is unsure answers `unsure` with the reason, and the
item stays ungraded (the sample UNSCORED), never a guessed verdict. Every result
records the judge that produced it (`JudgeInfo.label`).
"""

from medsafe_core.judging.escalation import WhenUnsure, only_when_unsure
from medsafe_core.judging.protocol import Grade, Judge, JudgeInfo, RubricItem, Verdict

__all__ = ["Grade", "Judge", "JudgeInfo", "RubricItem", "Verdict", "WhenUnsure", "only_when_unsure"]
