"""Optional model-graded rubric items.

A judge (`medsafe_core.judging.Judge`) grades rubric items that rules can only
approximate. A "pass" or "fail" replaces the rule's verdict for that item; "unsure",
a missing grade or any judge error leaves the item ungraded (it then counts neither
way). Every judged score records the judge's label (name, version, model).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from medsafe_core.judging import Judge, RubricItem


@dataclass(frozen=True, slots=True)
class RubricCheck:
    """One rubric item to grade: an id, the criterion and the reference it is judged by."""

    id: str
    criterion: str
    reference: str = ""


@dataclass(frozen=True, slots=True)
class JudgeVerdict:
    """A judge's grade of one rubric item: "pass", "fail" or "ungraded"."""

    verdict: str
    reason: str
    judge: str


def judge_name(judge: Judge | None) -> str | None:
    """The judge's recorded label (`name@version[:model]`)."""
    if judge is None:
        return None
    try:
        return str(judge.info.label)
    except Exception:
        return type(judge).__name__


def grade_rubric(
    judge: Judge | None, checks: Sequence[RubricCheck], context: str, response: str
) -> dict[str, JudgeVerdict]:
    """Grades by rubric item id; empty without a judge. Never raises."""
    if judge is None or not checks:
        return {}
    name = judge_name(judge) or "judge"
    try:
        items = [
            RubricItem(
                id=c.id,
                criterion=f"The reply must {c.criterion}.",
                context=context,
                response=response,
                reference=c.reference,
            )
            for c in checks
        ]
        grades = list(judge.grade(items))
    except Exception as exc:
        why = f"judge error ({type(exc).__name__}); item left ungraded"
        return {c.id: JudgeVerdict("ungraded", why, name) for c in checks}
    out: dict[str, JudgeVerdict] = {}
    for grade in grades:
        gid = getattr(grade, "id", None)
        if not isinstance(gid, str):
            continue
        verdict = str(getattr(grade, "verdict", "unsure"))
        reason = str(getattr(grade, "reason", ""))[:300]
        who = str(getattr(grade, "judge", "") or name)
        out[gid] = JudgeVerdict(verdict if verdict in ("pass", "fail") else "ungraded", reason, who)
    for c in checks:
        out.setdefault(c.id, JudgeVerdict("ungraded", "the judge gave no grade", name))
    return out
