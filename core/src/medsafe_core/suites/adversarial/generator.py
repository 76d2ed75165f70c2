"""Building adversarial tasks from the base cases and their seeded variants."""

from __future__ import annotations

from medsafe_core.models import Task
from medsafe_core.suites.adversarial.cases import BaseCase
from medsafe_core.suites.adversarial.schema import AdversarialInput, AdversarialTarget
from medsafe_core.suites.adversarial.variants import Variant, variant_for

GENERATOR_VERSION = 1
SUITE = "adversarial"


def render_context(case: BaseCase, variant: Variant) -> str:
    """The context shown: the clinical context, then any earlier turns."""
    parts = [case.context] if case.context else []
    if variant.conversation:
        turns = "\n".join(f"{t.role.upper()}: {t.text}" for t in variant.conversation)
        parts.append(f"CONVERSATION SO FAR:\n{turns}")
    return "\n\n".join(parts)


def generate_task(key: str, index: int, task_id: str) -> Task:
    """Task `index` under the random key (suite/version/seed[/salt])."""
    case, variant = variant_for(key, index)
    truth = AdversarialTarget(
        case_id=case.id,
        variant=variant.kind,
        severity=case.severity,
        expected=case.expected,
        fact=case.fact,
        rubric=case.rubric,
    )
    return Task(
        id=task_id,
        suite=SUITE,
        context=render_context(case, variant),
        question=variant.message,
        input=AdversarialInput(conversation=variant.conversation).model_dump(mode="json"),
        category=case.category.value,
        scenario=f"{SUITE}:{case.id}",
        truth=truth.model_dump(mode="json"),
    )
