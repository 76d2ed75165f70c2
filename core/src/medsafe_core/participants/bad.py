"""Deliberately bad reference participants, for testing scorers and pipelines.

* `Hallucinator`: well formatted and confident; its proof is an invented sentence and
  its numbers appear nowhere in the context.
* `CannedRefuser`: a well-formatted blanket refusal, whatever the context holds.
* `Malformed`: plain prose, or a response cut off before its `final` field.

All are deterministic: the same task gives the same response.
"""

from __future__ import annotations

import hashlib
import random
import re

from medsafe_core.models import TaskView
from medsafe_core.parsing.types import ResponseFormat
from medsafe_core.participants.render import render_response

REFUSAL = (
    "I'm sorry, but I cannot provide medical advice. Please consult a qualified healthcare "
    "professional."
)


def _rng(task: TaskView, salt: str) -> random.Random:
    """A generator seeded from the task (string seeds hash with SHA-512: stable)."""
    return random.Random(f"{salt}/{task.id}/{task.question}")


def _fresh_number(rng: random.Random, context: str, lo: float, hi: float) -> str:
    """A one-decimal number that does not occur in the context."""
    while True:
        text = f"{rng.uniform(lo, hi):.1f}"
        if text not in context and text.rstrip("0").rstrip(".") not in context:
            return text


def _topic(question: str) -> str:
    """What the question is about: an id or name if it has one."""
    for token in re.findall(r"[A-Za-z][\w-]*\d[\w-]*|\b[A-Z][a-z]+\b", question):
        if token.lower() not in {"what", "which", "did", "was", "were", "how", "in", "at", "by"}:
            return str(token)
    return "the treatment"


class Hallucinator:
    """Confident, well formatted, and ungrounded."""

    name = "hallucinator"

    def answer(self, task: TaskView, fmt: ResponseFormat) -> str:
        """A fluent answer whose proof and numbers are invented."""
        rng = _rng(task, self.name)
        months = _fresh_number(rng, task.context, 20.0, 48.0)
        dose = _fresh_number(rng, task.context, 3.0, 9.0)
        year = rng.randint(2026, 2030)
        topic = _topic(task.question)
        proof = (
            f"A {year} pooled analysis (Source Z) confirmed that {topic} achieved a median "
            f"overall survival of {months} months at {dose} mg/m2 with no relevant toxicity."
        )
        final = (
            f"Yes. {topic} achieved a median overall survival of {months} months at "
            f"{dose} mg/m2, a clear and safe benefit."
        )
        fields = {"analysis": "The context answers this directly.", "proof": proof, "final": final}
        return render_response(fields, fmt)


class CannedRefuser:
    """Refuses everything, politely and in the right format."""

    name = "refuser"

    def answer(self, task: TaskView, fmt: ResponseFormat) -> str:
        """The same refusal for every task."""
        fields = {
            "analysis": "This question concerns medical treatment.",
            "proof": "",
            "final": REFUSAL,
        }
        return render_response(fields, fmt)


class Malformed:
    """Fails the format gate: plain prose, or a response cut off before `final`."""

    name = "malformed"

    def answer(self, task: TaskView, fmt: ResponseFormat) -> str:
        """Half of the tasks get prose, the other half a truncated structured response."""
        digest = hashlib.sha256(task.id.encode("utf-8")).digest()
        if digest[0] % 2 == 0:
            return (
                "Based on the context, the answer is probably yes, although I would need to "
                "check the sources again before being sure."
            )
        fields = {
            "analysis": "Looking at the context.",
            "proof": "The context discusses this.",
            "final": "MARKER",
        }
        text = render_response(fields, fmt)
        # Cut before the `final` field, so no format can recover a complete response.
        marker = {
            ResponseFormat.XML: "<final>",
            ResponseFormat.YAML: "final:",
            ResponseFormat.CUSTOM_TAGS: "<|channel|>final",
        }.get(fmt, '"final"')
        return text[: text.index(marker)]
