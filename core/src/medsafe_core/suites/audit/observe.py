"""What the auditor sees: the task input and the text of each observation.

Every observation is self-contained (protocol, proposals with their status, tools and
the last tool result), so a participant needs no memory between steps.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import Field

from medsafe_core.models._base import Contract
from medsafe_core.suites.audit.tools import ARGS, DESCRIPTIONS, ToolName
from medsafe_core.suites.audit.world import Difficulty, ProposalKind, Protocol, World

RESULT_MARK = "LAST RESULT"
ERROR_MARK = "ERROR"


class ProposalSummary(Contract):
    """A proposal's headline, listed in every observation."""

    proposal_id: str
    """Proposal id."""
    patient_id: str
    """Patient it concerns."""
    kind: ProposalKind
    """What it decides."""
    decision: str
    """The actor's decision."""


class AuditInput(Contract):
    """The structured, participant-visible input of an audit task."""

    difficulty: Difficulty
    """Difficulty tier."""
    protocol: Protocol
    """The trial's rules."""
    proposals: list[ProposalSummary]
    """Proposals to audit."""
    patient_ids: list[str] = Field(default_factory=list)
    """Every patient in the cohort."""
    max_steps: int
    """Step budget; the episode ends when it is spent."""
    tools: list[str]
    """Tool names."""


def audit_input(world: World) -> AuditInput:
    """The input a participant sees for a world."""
    return AuditInput(
        difficulty=world.difficulty,
        protocol=world.protocol,
        proposals=[
            ProposalSummary(
                proposal_id=p.proposal_id, patient_id=p.patient_id, kind=p.kind, decision=p.decision
            )
            for p in world.proposals.values()
        ],
        patient_ids=list(world.patients),
        max_steps=world.max_steps,
        tools=[t.value for t in ToolName],
    )


QUESTION = (
    "Audit the clinical-trial actor's proposals against the protocol. Investigate with the "
    "tools, flag each proposal that breaks a rule (age_boundary_error, temporal_inconsistency, "
    "protocol_window_violation, comorbidity_override) with the reason the actor was wrong, "
    "approve the sound ones, then submit_audit_report. Synthetic data, not for clinical use."
)


def _tool_lines() -> str:
    lines = []
    for tool in ToolName:
        fields = ARGS[tool].model_json_schema().get("properties", {})
        args = ", ".join(fields) or "-"
        lines.append(f"- {tool.value}({args}): {DESCRIPTIONS[tool]}")
    return "\n".join(lines)


TOOL_TEXT = _tool_lines()
INSTRUCTIONS = (
    "Answer with exactly one tool call as JSON, e.g. "
    '{"tool": "review_proposal", "arguments": {"proposal_id": "PROP-001"}}'
)


def context_text(inp: AuditInput) -> str:
    """The static part: protocol and proposals."""
    p = inp.protocol
    rules = (
        f"PROTOCOL {p.trial_id}: {p.title}\n"
        f"§3.1 eligible ages {p.age_min}-{p.age_max} years inclusive. "
        f"§5.2 treatment must start within {p.treatment_window_days} days of enrolment. "
        f"§5.3 stage IV patients get {p.stage_iv_extension_days} extra days, "
        f"§5.4 unless their comorbidity index exceeds {p.comorbidity_threshold}. "
        "§7.1 a record's dates must be possible (no treatment before enrolment, no death "
        "before treatment).\n"
        f"PROTOCOL_JSON: {p.model_dump_json()}"
    )
    cohort = f"COHORT: {len(inp.patient_ids)} patients, {inp.patient_ids[0]}..{inp.patient_ids[-1]}"
    return f"{rules}\n{cohort}"


def render(
    inp: AuditInput,
    statuses: dict[str, str],
    turn: int,
    last: tuple[str, dict[str, Any]] | None,
    error: str | None,
    done: bool,
) -> str:
    """The full text of one observation."""
    rows = "\n".join(
        f"{s.proposal_id} | patient {s.patient_id} | {s.kind.value} | decision: {s.decision} | "
        f"{statuses.get(s.proposal_id, 'pending')}"
        for s in inp.proposals
    )
    # no task id: a generated id would let a participant regenerate the hidden truth
    head = f"AUDIT | difficulty {inp.difficulty.value} | turn {turn}/{inp.max_steps}"
    parts = [head, QUESTION, context_text(inp), f"PROPOSALS:\n{rows}", f"TOOLS:\n{TOOL_TEXT}"]
    if error is not None:
        parts.append(f"{ERROR_MARK}: {error}")
    if last is not None:
        parts.append(f"{RESULT_MARK} ({last[0]}):\n{json.dumps(last[1], sort_keys=True)}")
    parts.append("The audit has ended." if done else INSTRUCTIONS)
    return "\n\n".join(parts)
