"""The eight audit tools: typed arguments and structured results."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import ConfigDict, Field

from medsafe_core.models._base import Contract
from medsafe_core.suites.audit.world import ErrorType, Patient, Proposal


class ToolName(StrEnum):
    """The tools an auditor can call."""

    REVIEW_PROPOSAL = "review_proposal"
    INVESTIGATE_PATIENT = "investigate_patient"
    REQUEST_SHAP = "request_shap"
    COHORT_ANALYSIS = "cohort_analysis"
    TEMPORAL_AUDIT = "temporal_audit"
    FLAG_ERROR = "flag_error"
    APPROVE = "approve"
    SUBMIT_AUDIT_REPORT = "submit_audit_report"


class _Args(Contract):
    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True, frozen=True)


class ProposalArgs(_Args):
    """Arguments naming one proposal."""

    proposal_id: str = Field(min_length=1, max_length=32)
    """Proposal id, e.g. `PROP-001`."""


class PatientArgs(_Args):
    """Arguments naming one patient."""

    patient_id: str = Field(min_length=1, max_length=32)
    """Patient id, e.g. `P0007`."""


class ShapArgs(_Args):
    """Arguments of request_shap."""

    proposal_id: str = Field(min_length=1, max_length=32)
    """The proposal whose decision to explain."""
    feature: str | None = Field(default=None, max_length=64)
    """Optional feature to focus on (e.g. `age`); all features when omitted."""


GroupBy = Literal["sex", "stage", "site", "age_band", "ecog"]


class CohortArgs(_Args):
    """Arguments of cohort_analysis."""

    group_by: GroupBy = "site"
    """Patient attribute to group the cohort by."""


class FlagArgs(_Args):
    """Arguments of flag_error."""

    proposal_id: str = Field(min_length=1, max_length=32)
    """The proposal judged wrong."""
    error_type: ErrorType
    """Which of the four error types it carries."""
    reason: str = Field(default="", max_length=2000)
    """Why the actor was wrong (an explanation that names the broken rule earns a bonus)."""


class ReportArgs(_Args):
    """Arguments of submit_audit_report."""

    summary: str = Field(default="", max_length=8000)
    """The audit report: findings per proposal (name the flagged proposal ids)."""


class ReviewProposal(ProposalArgs):
    """Read a proposal: decision, confidence, citations, justification."""


class InvestigatePatient(PatientArgs):
    """Pull a patient's raw record: age, stage, comorbidity, labs, dates."""


class RequestShap(ShapArgs):
    """Feature attributions of the actor's decision on a proposal (where to look)."""


class CohortAnalysis(CohortArgs):
    """Group statistics of the cohort and its proposals (bias signals)."""


class TemporalAudit(PatientArgs):
    """Check a patient's timeline: order of enrolment, treatment and death."""


class FlagError(FlagArgs):
    """Flag a proposal as wrong, with the error type and why the actor erred."""


class Approve(ProposalArgs):
    """Approve a proposal as correct."""


class SubmitAuditReport(ReportArgs):
    """End the audit with a report; the episode is then scored."""


ARGS: dict[ToolName, type[_Args]] = {
    ToolName.REVIEW_PROPOSAL: ReviewProposal,
    ToolName.INVESTIGATE_PATIENT: InvestigatePatient,
    ToolName.REQUEST_SHAP: RequestShap,
    ToolName.COHORT_ANALYSIS: CohortAnalysis,
    ToolName.TEMPORAL_AUDIT: TemporalAudit,
    ToolName.FLAG_ERROR: FlagError,
    ToolName.APPROVE: Approve,
    ToolName.SUBMIT_AUDIT_REPORT: SubmitAuditReport,
}
"""Argument model of each tool; its docstring describes the tool."""

DESCRIPTIONS: dict[ToolName, str] = {t: (m.__doc__ or "").strip() for t, m in ARGS.items()}
"""What each tool does."""


class Attribution(Contract):
    """One feature's contribution to the actor's decision."""

    feature: str
    """Record feature."""
    value: float
    """Signed attribution (larger magnitude: more influence)."""


class ShapResult(Contract):
    """Feature attributions of one decision, strongest first."""

    proposal_id: str
    """The explained proposal."""
    attributions: list[Attribution]
    """Attributions sorted by magnitude."""


class CohortGroup(Contract):
    """Statistics of one group of the cohort."""

    group: str
    """Group value."""
    patients: int
    """Patients in the group."""
    proposals: int
    """Proposals about patients in the group."""
    favourable_rate: float | None
    """Share of those proposals that clear the patient (eligible, within window, consistent)."""
    mean_comorbidity: float
    """Mean comorbidity index."""
    mean_delay_days: float
    """Mean days from enrolment to treatment."""


class CohortResult(Contract):
    """cohort_analysis result."""

    group_by: str
    """Attribute grouped by."""
    groups: list[CohortGroup]
    """One row per group."""


class TimelineResult(Contract):
    """temporal_audit result."""

    patient_id: str
    """Patient."""
    enrollment_date: date
    """Enrolment."""
    treatment_start: date
    """Treatment start."""
    death_date: date | None
    """Death, if recorded."""
    delay_days: int
    """Days from enrolment to treatment (negative: treated before enrolment)."""
    issues: list[str]
    """Timeline inconsistencies found (empty when the dates are in a possible order)."""


class DecisionResult(Contract):
    """flag_error / approve result."""

    proposal_id: str
    """Proposal decided."""
    recorded: Literal["flagged", "approved"]
    """What was recorded."""
    pending: int
    """Proposals still undecided."""


class ReportResult(Contract):
    """submit_audit_report result: the episode's score."""

    submitted: bool = True
    """The audit is closed."""
    fbeta: float
    """F-beta (beta 1.5) over the flags."""
    precision: float
    """Share of flags that were right."""
    recall: float
    """Share of erroneous proposals flagged."""
    total_reward: float
    """Sum of the episode's dense rewards."""


ToolResult = Proposal | Patient | ShapResult | CohortResult | TimelineResult | DecisionResult
