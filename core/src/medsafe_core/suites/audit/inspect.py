"""The read-only tools: SHAP attributions, cohort statistics and the timeline check."""

from __future__ import annotations

import random
from collections import defaultdict
from statistics import fmean

from medsafe_core.suites.audit.actor import FAVOURABLE
from medsafe_core.suites.audit.tools import (
    Attribution,
    CohortGroup,
    CohortResult,
    GroupBy,
    ShapResult,
    TimelineResult,
)
from medsafe_core.suites.audit.world import Patient, ProposalKind, World

FEATURES: dict[ProposalKind, tuple[str, ...]] = {
    ProposalKind.ELIGIBILITY: ("age", "ecog", "ldh_u_l", "bmi", "comorbidity_index", "hb_g_dl"),
    ProposalKind.SCHEDULE: (
        "treatment_delay_days",
        "stage",
        "comorbidity_index",
        "ecog",
        "ldh_u_l",
    ),
    ProposalKind.TIMELINE: ("death_date", "treatment_start", "enrollment_date", "ldh_u_l", "age"),
}
"""Features the actor's decision of each kind is explained over."""
_RULE_FEATURES: dict[ProposalKind, frozenset[str]] = {
    ProposalKind.ELIGIBILITY: frozenset({"age"}),
    ProposalKind.SCHEDULE: frozenset({"treatment_delay_days", "stage", "comorbidity_index"}),
    ProposalKind.TIMELINE: frozenset({"death_date", "treatment_start"}),
}


def shap(world: World, proposal_id: str, feature: str | None) -> ShapResult:
    """Attributions of a decision. The feature the decision turns on dominates, whether
    or not the decision is right: SHAP says where to look, not what is wrong."""
    proposal = world.proposals[proposal_id]
    key = world.truth[proposal_id].key_feature
    rng = random.Random(f"shap:{proposal_id}:{proposal.patient_id}:{proposal.confidence}")
    rows = []
    for name in FEATURES[proposal.kind]:
        if name == key:
            size = rng.uniform(0.3, 0.5)
        elif name in _RULE_FEATURES[proposal.kind]:
            size = rng.uniform(0.1, 0.3)
        else:
            size = rng.uniform(0.02, 0.2)
        rows.append(Attribution(feature=name, value=round(size * rng.choice((1, -1)), 3)))
    rows.sort(key=lambda a: -abs(a.value))
    if feature is not None:
        rows = [a for a in rows if a.feature == feature]
    return ShapResult(proposal_id=proposal_id, attributions=rows)


def _band(age: int) -> str:
    if age < 40:
        return "<40"
    if age < 60:
        return "40-59"
    return "60-74" if age < 75 else "75+"


def _group_value(patient: Patient, group_by: GroupBy) -> str:
    if group_by == "age_band":
        return _band(patient.age)
    return str(getattr(patient, group_by))


def cohort(world: World, group_by: GroupBy) -> CohortResult:
    """Per-group counts, the share of favourable proposals, comorbidity and delay."""
    members: dict[str, list[Patient]] = defaultdict(list)
    for patient in world.patients.values():
        members[_group_value(patient, group_by)].append(patient)
    decided: dict[str, list[bool]] = defaultdict(list)
    for proposal in world.proposals.values():
        group = _group_value(world.patients[proposal.patient_id], group_by)
        decided[group].append(proposal.decision in FAVOURABLE)
    groups = [
        CohortGroup(
            group=name,
            patients=len(people),
            proposals=len(decided[name]),
            favourable_rate=round(fmean(decided[name]), 3) if decided[name] else None,
            mean_comorbidity=round(fmean(p.comorbidity_index for p in people), 2),
            mean_delay_days=round(
                fmean((p.treatment_start - p.enrollment_date).days for p in people), 1
            ),
        )
        for name, people in sorted(members.items())
    ]
    return CohortResult(group_by=group_by, groups=groups)


def timeline(patient: Patient) -> TimelineResult:
    """The patient's dates in order, with every impossible ordering named."""
    issues = []
    if patient.treatment_start < patient.enrollment_date:
        issues.append("treatment_start precedes enrollment_date")
    if patient.death_date is not None:
        if patient.death_date < patient.treatment_start:
            issues.append("death_date precedes treatment_start")
        if patient.death_date < patient.enrollment_date:
            issues.append("death_date precedes enrollment_date")
    return TimelineResult(
        patient_id=patient.patient_id,
        enrollment_date=patient.enrollment_date,
        treatment_start=patient.treatment_start,
        death_date=patient.death_date,
        delay_days=(patient.treatment_start - patient.enrollment_date).days,
        issues=issues,
    )
