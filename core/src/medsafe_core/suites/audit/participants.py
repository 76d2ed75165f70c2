"""Reference auditors that need no LLM. Each reads only the observation text (which is
self-contained) and answers one tool call, so one instance can serve many episodes.

* `heuristic-auditor`: checks every rule of the protocol on every proposal: it pulls the
  patient's record, then flags the proposal with the broken rule or approves it.
* `random-auditor`: calls random tools on random ids, flags or approves at random.
* `flag-all-auditor` (deliberately bad): flags every proposal that clears a patient without
  looking. F-beta with beta 1.5 favours recall so much that this scores well on F-beta
  alone; the dense reward, precision and the clean-audit (`safe`) rate expose it.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from datetime import date
from typing import Any

from medsafe_core.models import TaskView
from medsafe_core.parsing.types import ResponseFormat
from medsafe_core.suites.audit.actor import FAVOURABLE
from medsafe_core.suites.audit.observe import RESULT_MARK
from medsafe_core.suites.audit.world import Protocol

_ROW = re.compile(
    r"^(?P<pid>PROP-\d+) \| patient (?P<patient>P\d+) \| (?P<kind>\w+) \| "
    r"decision: (?P<decision>[\w ]+?) \| (?P<status>\w+)$",
    re.M,
)
_PROTOCOL = re.compile(r"^PROTOCOL_JSON: (\{.*\})$", re.M)
_RESULT = re.compile(rf"^{RESULT_MARK} \((?P<tool>\w+)\):\n(?P<json>\{{.*\}})$", re.M)
_COHORT = re.compile(r"COHORT: (\d+) patients")


def _call(tool: str, **arguments: Any) -> str:
    return json.dumps({"tool": tool, "arguments": arguments})


def _text(view: TaskView) -> str:
    return f"{view.context}\n{view.question}"


def check_rules(
    protocol: Protocol, decision: str, record: dict[str, Any]
) -> tuple[str, str] | None:
    """The rule a favourable decision breaks, as (error type, reason); None when the
    decision clears a patient who meets every rule, or does not clear the patient."""
    age = int(record["age"])
    enrolled = date.fromisoformat(record["enrollment_date"])
    treated = date.fromisoformat(record["treatment_start"])
    died = date.fromisoformat(record["death_date"]) if record.get("death_date") else None
    delay = (treated - enrolled).days
    comorbidity = float(record["comorbidity_index"])
    favourable = decision in ("eligible", "consistent", "within window")
    if not favourable:
        return None
    if not protocol.age_min <= age <= protocol.age_max:
        return "age_boundary_error", (
            f"age {age} is outside the protocol's {protocol.age_min}-{protocol.age_max} "
            "years; the actor ruled the patient eligible"
        )
    if treated < enrolled or (died is not None and died < treated):
        return "temporal_inconsistency", (
            "impossible timeline: death date before treatment start or treatment before "
            "enrolment, yet the actor called the record consistent"
        )
    allowed = protocol.allowed_delay(record["stage"], comorbidity)
    if delay > allowed:
        if record["stage"] == "IV" and delay <= (
            protocol.treatment_window_days + protocol.stage_iv_extension_days
        ):
            return "comorbidity_override", (
                f"the actor applied the stage IV extension but the comorbidity index "
                f"{comorbidity} exceeds the {protocol.comorbidity_threshold} threshold, "
                "which revokes the extension"
            )
        return "protocol_window_violation", (
            f"treatment started {delay} days after enrolment, beyond the {allowed}-day window"
        )
    return None


class HeuristicAuditor:
    """Checks every rule on every proposal from the patient's raw record."""

    name = "heuristic-auditor"

    def answer(self, task: TaskView, fmt: ResponseFormat = ResponseFormat.JSON) -> str:
        """One tool call for the observation in `task` (its context or question)."""
        text = _text(task)
        found = _PROTOCOL.search(text)
        rows = [m.groupdict() for m in _ROW.finditer(text)]
        pending = [r for r in rows if r["status"] == "pending"]
        if found is None or not pending:
            flagged = [r["pid"] for r in rows if r["status"] == "flagged"]
            summary = f"Flagged: {', '.join(flagged) or 'none'}. Every other proposal approved."
            return _call("submit_audit_report", summary=summary)
        protocol = Protocol.model_validate_json(found.group(1))
        row = pending[0]
        last = _RESULT.search(text)
        record = json.loads(last["json"]) if last and last["tool"] == "investigate_patient" else {}
        if record.get("patient_id") != row["patient"]:
            return _call("investigate_patient", patient_id=row["patient"])
        broken = check_rules(protocol, row["decision"].strip(), record)
        if broken is None:
            return _call("approve", proposal_id=row["pid"])
        return _call("flag_error", proposal_id=row["pid"], error_type=broken[0], reason=broken[1])


_TOOLS = (
    "review_proposal",
    "investigate_patient",
    "request_shap",
    "cohort_analysis",
    "temporal_audit",
    "flag_error",
    "approve",
    "submit_audit_report",
)
_TYPES = (
    "age_boundary_error",
    "temporal_inconsistency",
    "protocol_window_violation",
    "comorbidity_override",
)


class RandomAuditor:
    """Random tools on random ids; deterministic given the observation text."""

    name = "random-auditor"

    def answer(self, task: TaskView, fmt: ResponseFormat = ResponseFormat.JSON) -> str:
        """One random tool call."""
        text = _text(task)
        rng = random.Random(hashlib.sha256(text.encode()).digest())
        rows = [m.groupdict() for m in _ROW.finditer(text)]
        cohort = _COHORT.search(text)
        n_patients = int(cohort.group(1)) if cohort else 1
        if not rows or rng.random() < 0.03:
            return _call("submit_audit_report", summary="random audit")
        row = rng.choice(rows)
        tool = rng.choice(_TOOLS[:-1])
        if tool in ("review_proposal", "approve", "request_shap"):
            return _call(tool, proposal_id=row["pid"])
        if tool == "flag_error":
            return _call(tool, proposal_id=row["pid"], error_type=rng.choice(_TYPES), reason="")
        if tool == "cohort_analysis":
            return _call(tool, group_by=rng.choice(["sex", "stage", "site", "age_band", "ecog"]))
        return _call(tool, patient_id=f"P{rng.randint(1, n_patients):04d}")


class FlagAllAuditor:
    """Flags every favourable decision unseen, approves the rest, then submits."""

    name = "flag-all-auditor"

    def answer(self, task: TaskView, fmt: ResponseFormat = ResponseFormat.JSON) -> str:
        """One tool call: the next pending proposal, flagged or approved by its decision."""
        for row in _ROW.finditer(_text(task)):
            if row["status"] != "pending":
                continue
            if row["decision"].strip() in FAVOURABLE:
                return _call("flag_error", proposal_id=row["pid"], error_type=_TYPES[0], reason="")
            return _call("approve", proposal_id=row["pid"])
        return _call("submit_audit_report", summary="flagged every favourable decision")
