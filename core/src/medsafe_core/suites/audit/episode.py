"""One audit episode: apply tool calls to a world, earning dense rewards.

An episode is its world (regenerated from the task id) plus its action log; replaying
the log rebuilds it exactly, in any process.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from medsafe_core.models import RewardProfile
from medsafe_core.suites.audit import inspect
from medsafe_core.suites.audit.actions import (
    ActionError,
    ActionErrorKind,
    AuditAction,
    action_from_dict,
    parse_action,
)
from medsafe_core.suites.audit.results import EpisodeResult
from medsafe_core.suites.audit.reward import RewardEvent, fbeta, reason_names_error
from medsafe_core.suites.audit.tools import (
    CohortArgs,
    DecisionResult,
    FlagArgs,
    PatientArgs,
    ProposalArgs,
    ReportArgs,
    ShapArgs,
    ToolName,
)
from medsafe_core.suites.audit.world import World


@dataclass
class StepOutcome:
    """What one step did."""

    tool: str | None
    result: dict[str, Any] | None
    error: ActionError | None
    reward: float
    events: list[RewardEvent]
    done: bool


@dataclass
class AuditEpisode:
    """Mutable, process-local episode; rebuild with `replay` from world and log."""

    world: World
    profile: RewardProfile
    log: list[dict[str, Any]] = field(default_factory=list)
    events: list[RewardEvent] = field(default_factory=list)
    decisions: dict[str, str] = field(default_factory=dict)
    flag_types: dict[str, str] = field(default_factory=dict)
    seen: set[str] = field(default_factory=set)
    once: set[tuple[str, str]] = field(default_factory=set)
    turn: int = 0
    invalid: int = 0
    ended: str | None = None

    @property
    def done(self) -> bool:
        """Whether the episode has ended."""
        return self.ended is not None

    @classmethod
    def replay(
        cls, world: World, profile: RewardProfile, log: list[dict[str, Any]]
    ) -> AuditEpisode:
        """Rebuild an episode from its action log."""
        episode = cls(world, profile)
        for entry in log:
            episode.apply_entry(entry)
        return episode

    def apply_entry(self, entry: dict[str, Any]) -> StepOutcome:
        """Apply a logged entry (a tool call or a recorded rejection)."""
        if "error" in entry:
            kind = ActionErrorKind(entry["error"])
            return self.apply(ActionError(kind=kind, detail=str(entry.get("detail", ""))))
        return self.apply(action_from_dict(entry))

    def apply_text(self, text: str) -> StepOutcome:
        """Parse and apply a participant's raw action."""
        return self.apply(parse_action(text))

    def _event(self, events: list[RewardEvent], name: str, reason: str, pid: str | None) -> None:
        events.append(
            RewardEvent(
                turn=self.turn, name=name, value=self.profile[name], reason=reason, proposal_id=pid
            )
        )

    def apply(self, action: AuditAction | ActionError) -> StepOutcome:
        """Apply one action; a rejected one costs `invalid_action` and changes nothing else."""
        if self.done:
            error = ActionError(
                kind=ActionErrorKind.EPISODE_OVER,
                detail=f"the audit has ended ({self.ended}); start a new episode",
            )
            return StepOutcome(None, None, error, self.profile["invalid_action"], [], True)
        self.turn += 1
        events: list[RewardEvent] = []
        self._event(events, "step_cost", "every step costs a little", None)
        if isinstance(action, AuditAction):
            found = self._unknown_id(action)
            if found is not None:
                action = found
        if isinstance(action, ActionError):
            self.log.append({"error": action.kind.value, "detail": action.detail})
            self.invalid += 1
            self._event(events, "invalid_action", f"rejected: {action.detail}", None)
            return self._finish(None, None, action, events)
        self.log.append({"tool": action.tool.value, "arguments": action.arguments})
        result = self._run(action, events)
        return self._finish(action.tool.value, result, None, events)

    def _finish(
        self,
        tool: str | None,
        result: dict[str, Any] | None,
        error: ActionError | None,
        events: list[RewardEvent],
    ) -> StepOutcome:
        if self.ended is None and self.turn >= self.world.max_steps:
            self.ended = "step_limit"
        self.events.extend(events)
        reward = round(sum(e.value for e in events), 6)
        return StepOutcome(tool, result, error, reward, events, self.done)

    def _unknown_id(self, action: AuditAction) -> ActionError | None:
        args = action.arguments
        pid, patient = args.get("proposal_id"), args.get("patient_id")
        if pid is not None and pid not in self.world.proposals:
            return ActionError(kind=ActionErrorKind.UNKNOWN_ID, detail=f"no proposal {pid!r}")
        if patient is not None and patient not in self.world.patients:
            return ActionError(kind=ActionErrorKind.UNKNOWN_ID, detail=f"no patient {patient!r}")
        feature = args.get("feature")
        if feature is not None and pid is not None:
            kind = self.world.proposals[pid].kind
            if feature not in inspect.FEATURES[kind]:
                names = ", ".join(inspect.FEATURES[kind])
                return ActionError(
                    kind=ActionErrorKind.BAD_ARGUMENTS,
                    detail=f"no feature {feature!r} for a {kind.value} proposal; one of {names}",
                )
        return None

    def _once(self, name: str, pid: str) -> bool:
        if (name, pid) in self.once:
            return False
        self.once.add((name, pid))
        return True

    def _run(self, action: AuditAction, events: list[RewardEvent]) -> dict[str, Any]:
        key = action.key()
        repeated = key in self.seen
        self.seen.add(key)
        args = action.args()
        tool, world = action.tool, self.world
        if repeated or (
            isinstance(args, (ProposalArgs, FlagArgs))
            and tool in _DECISIONS
            and args.proposal_id in self.decisions
        ):
            self._event(events, "duplicate_action", f"{tool.value} repeated", None)
            if tool in _DECISIONS:
                assert isinstance(args, (ProposalArgs, FlagArgs))
                pending = len(world.proposals) - len(self.decisions)
                recorded = self.decisions[args.proposal_id]
                return {"proposal_id": args.proposal_id, "recorded": recorded, "pending": pending}
        if isinstance(args, ShapArgs):
            return self._shap(args, events, repeated)
        if isinstance(args, CohortArgs):
            return inspect.cohort(world, args.group_by).model_dump(mode="json")
        if isinstance(args, ReportArgs):
            return self._report(args, events)
        if isinstance(args, FlagArgs):
            return self._flag(args, events)
        if tool is ToolName.APPROVE:
            assert isinstance(args, ProposalArgs)
            return self._approve(args.proposal_id, events)
        if isinstance(args, ProposalArgs):
            return world.proposals[args.proposal_id].model_dump(mode="json")
        assert isinstance(args, PatientArgs)
        patient = world.patients[args.patient_id]
        if tool is ToolName.INVESTIGATE_PATIENT:
            return patient.model_dump(mode="json")
        if self._error_patient(args.patient_id) and self._once("temporal", args.patient_id):
            self._event(
                events,
                "temporal_audit_error_patient",
                f"temporal_audit of {args.patient_id}, the patient of an erroneous proposal",
                None,
            )
        return inspect.timeline(patient).model_dump(mode="json")

    def _error_patient(self, patient_id: str) -> bool:
        return any(
            self.world.proposals[pid].patient_id == patient_id for pid in self.world.error_ids
        )

    def _shap(self, args: ShapArgs, events: list[RewardEvent], repeated: bool) -> dict[str, Any]:
        truth = self.world.truth[args.proposal_id]
        on_key = args.feature in (None, truth.key_feature)
        if truth.error_type is not None and on_key and self._once("shap", args.proposal_id):
            self._event(
                events,
                "shap_key_feature",
                f"request_shap on {args.proposal_id} covers the feature its error turns on",
                args.proposal_id,
            )
        return inspect.shap(self.world, args.proposal_id, args.feature).model_dump(mode="json")

    def _decided(self, pid: str, recorded: Literal["flagged", "approved"]) -> dict[str, Any]:
        self.decisions[pid] = recorded
        pending = len(self.world.proposals) - len(self.decisions)
        return DecisionResult(proposal_id=pid, recorded=recorded, pending=pending).model_dump()

    def _flag(self, args: FlagArgs, events: list[RewardEvent]) -> dict[str, Any]:
        pid, truth = args.proposal_id, self.world.truth[args.proposal_id]
        self.flag_types[pid] = args.error_type.value
        if truth.error_type is None:
            self._event(
                events, "false_positive", f"flag_error on {pid}: the proposal was sound", pid
            )
        elif truth.error_type is args.error_type:
            self._event(events, "correct_flag", f"flag_error on {pid}: erroneous, type right", pid)
        else:
            self._event(
                events,
                "correct_flag_wrong_type",
                f"flag_error on {pid}: erroneous, but another error type",
                pid,
            )
        if truth.error_type is not None and reason_names_error(args.reason, truth.error_type):
            self._event(events, "reason_bonus", f"the reason for {pid} names the broken rule", pid)
        return self._decided(pid, "flagged")

    def _approve(self, pid: str, events: list[RewardEvent]) -> dict[str, Any]:
        if self.world.truth[pid].error_type is None:
            self._event(
                events, "correct_approval", f"approve on {pid}: the proposal was sound", pid
            )
        else:
            self._event(events, "approved_error", f"approve on {pid}: the proposal was wrong", pid)
        return self._decided(pid, "approved")

    def _report(self, args: ReportArgs, events: list[RewardEvent]) -> dict[str, Any]:
        total = len(self.world.proposals)
        flagged = [pid for pid, d in self.decisions.items() if d == "flagged"]
        mentioned = sum(pid in args.summary for pid in flagged) / len(flagged) if flagged else 1.0
        quality = len(self.decisions) / total * mentioned if args.summary.strip() else 0.0
        if quality > 0:
            events.append(
                RewardEvent(
                    turn=self.turn,
                    name="report_quality_max",
                    value=round(self.profile["report_quality_max"] * quality, 6),
                    reason=f"report covers {len(self.decisions)}/{total} decided proposals and "
                    f"names {mentioned:.0%} of the flagged ones",
                )
            )
        self.ended = "submitted"
        result = self.result(extra=events)
        return {"submitted": True, **result.model_dump(include=_REPORT_FIELDS)}

    def result(self, extra: list[RewardEvent] | None = None) -> EpisodeResult:
        """The episode's numbers (`extra`: events of the step in progress)."""
        errors = self.world.error_ids
        flagged = {pid for pid, d in self.decisions.items() if d == "flagged"}
        approved = {pid for pid, d in self.decisions.items() if d == "approved"}
        tp, fp = len(flagged & errors), len(flagged - errors)
        score, precision, recall = fbeta(tp, fp, len(errors), self.profile["fbeta_beta"])
        typed = sum(
            self.flag_types[pid] == self.world.truth[pid].error_type for pid in flagged & errors
        )
        total = sum(e.value for e in self.events) + sum(e.value for e in extra or [])
        return EpisodeResult(
            fbeta=round(score, 6),
            precision=round(precision, 6),
            recall=round(recall, 6),
            n_proposals=len(self.world.proposals),
            n_errors=len(errors),
            true_positives=tp,
            false_positives=fp,
            typed_correctly=typed,
            correct_approvals=len(approved - errors),
            approved_errors=len(approved & errors),
            decided=len(self.decisions),
            total_reward=round(total, 6),
            steps=self.turn,
            invalid_actions=self.invalid,
            ended=self.ended,
        )


_DECISIONS = frozenset({ToolName.FLAG_ERROR, ToolName.APPROVE})
_REPORT_FIELDS = {"fbeta", "precision", "recall", "total_reward"}
