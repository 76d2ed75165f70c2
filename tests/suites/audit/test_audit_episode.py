"""Episodes: dense reward events, invalid actions, replay from seed + action log."""

from __future__ import annotations

import json

import pytest
from audit_helpers import audit, call, play

from medsafe_core.suites.audit import HeuristicAuditor, RandomAuditor, live
from medsafe_core.suites.audit.reward import fbeta
from medsafe_core.suites.audit.world import World


def ids(world: World) -> tuple[str, str]:
    """An erroneous and a sound proposal id."""
    bad = next(p for p, t in world.truth.items() if t.error_type is not None)
    good = next(p for p, t in world.truth.items() if t.error_type is None)
    return bad, good


def test_reward_events_follow_the_profile() -> None:
    suite = audit()
    profile = suite.default_profile()
    task = suite.task_for(2, "hard")
    world = suite.world(task)
    bad, good = ids(world)
    truth = world.truth[bad]
    patient = world.proposals[bad].patient_id
    r = suite.reset(task)
    steps = [
        (call("request_shap", proposal_id=bad), profile["shap_key_feature"]),
        (call("temporal_audit", patient_id=patient), profile["temporal_audit_error_patient"]),
        (
            call("flag_error", proposal_id=bad, error_type=truth.error_type, reason="looks off"),
            profile["correct_flag"],
        ),
        (
            call("flag_error", proposal_id=good, error_type="temporal_inconsistency"),
            profile["false_positive"],
        ),
        (call("approve", proposal_id=good), profile["duplicate_action"]),
    ]
    for action, expected in steps:
        r = suite.step(task, r.state, action, profile)
        assert r.reward == pytest.approx(expected + profile["step_cost"]), action
        assert "reward" not in r.observation.prompt.lower()
    assert not r.done
    r = suite.step(task, r.state, call("submit_audit_report", summary=f"flagged {bad}"), profile)
    assert r.done and r.score is not None
    tp, fp = 1, 1
    expected_f, _, _ = fbeta(tp, fp, len(world.error_ids), profile["fbeta_beta"])
    assert r.score.reward == pytest.approx(expected_f, abs=1e-6)
    assert r.score.details["true_positives"] == tp and r.score.details["false_positives"] == fp
    total = sum(c.value for c in r.score.penalties)
    assert r.score.details["total_reward"] == pytest.approx(total, abs=1e-6)
    assert all(c.reason for c in r.score.penalties)
    assert all(truth.error_type not in c.reason for c in r.score.penalties)


def test_reason_bonus_needs_the_broken_rule() -> None:
    suite = audit()
    profile = suite.default_profile()
    task = suite.task_for(0, "easy")
    world = suite.world(task)
    bad, _ = ids(world)
    r = suite.reset(task)
    vague = suite.step(
        task,
        r.state,
        call(
            "flag_error",
            proposal_id=bad,
            error_type="age_boundary_error",
            reason="this looks wrong",
        ),
        profile,
    )
    task2 = suite.task_for(1, "easy")
    bad2, _ = ids(suite.world(task2))
    r2 = suite.reset(task2)
    named = suite.step(
        task2,
        r2.state,
        call(
            "flag_error",
            proposal_id=bad2,
            error_type="age_boundary_error",
            reason="the patient's age is outside the protocol range",
        ),
        profile,
    )
    assert named.reward - vague.reward == pytest.approx(profile["reason_bonus"])


@pytest.mark.parametrize(
    ("action", "kind"),
    [
        ("not json at all", "not_json"),
        ("", "empty"),
        ('[{"tool": "approve"}]', "not_one_call"),
        (call("delete_everything"), "unknown_tool"),
        (call("review_proposal", proposal_id="PROP-999"), "unknown_id"),
        (call("investigate_patient", patient_id="P9999"), "unknown_id"),
        (call("flag_error", proposal_id="PROP-001", error_type="vibes"), "bad_arguments"),
        (call("review_proposal", proposal_id="PROP-001", extra=1), "bad_arguments"),
        (call("request_shap", proposal_id="PROP-001", feature="shoe_size"), "bad_arguments"),
        ("x" * 20_000, "too_large"),
    ],
)
def test_invalid_actions_are_error_observations(action: str, kind: str) -> None:
    suite = audit()
    profile = suite.default_profile()
    task = suite.task_for(4, "medium")
    r = suite.step(task, suite.reset(task).state, action, profile)
    assert not r.done
    assert r.reward == pytest.approx(profile["invalid_action"] + profile["step_cost"])
    assert r.observation.feedback.startswith("error:")
    assert "ERROR:" in r.observation.prompt
    assert r.state.data["log"][-1]["error"] == kind
    # the episode goes on unharmed
    after = suite.step(task, r.state, call("review_proposal", proposal_id="PROP-001"), profile)
    assert json.loads(after.observation.feedback)["proposal_id"] == "PROP-001"
    assert after.state.turn == 2


def test_actions_after_submit_are_rejected_without_changing_the_result() -> None:
    suite = audit()
    profile = suite.default_profile()
    task = suite.task_for(4, "easy")
    played = play(task, HeuristicAuditor())
    again = suite.step(task, played.state, call("approve", proposal_id="PROP-001"), profile)
    assert again.done and again.reward == profile["invalid_action"]
    assert "ended" in again.observation.feedback
    assert again.state == played.state


@pytest.mark.parametrize("participant", [HeuristicAuditor(), RandomAuditor()])
def test_replay_rebuilds_every_step_in_a_fresh_process_cache(participant: object) -> None:
    suite = audit()
    profile = suite.default_profile()
    task = suite.task_for(6, "hard")
    played = play(task, participant)  # type: ignore[arg-type]
    live.clear()
    r = suite.reset(task)
    for action, expected in zip(played.actions, played.steps, strict=True):
        live.clear()  # every step rebuilt from the stored log alone
        r = suite.step(
            task, r.state.model_validate_json(r.state.model_dump_json()), action, profile
        )
        assert r == expected
    transcript = json.dumps(played.state.data["log"])
    rescored = suite.score(task, transcript, profile)
    assert rescored == played.score


def test_branching_one_state_twice_gives_independent_episodes() -> None:
    suite = audit()
    profile = suite.default_profile()
    task = suite.task_for(8, "medium")
    start = suite.reset(task).state
    a = suite.step(task, start, call("approve", proposal_id="PROP-001"), profile)
    b = suite.step(
        task,
        start,
        call("flag_error", proposal_id="PROP-001", error_type="age_boundary_error"),
        profile,
    )
    assert "approved" in a.observation.prompt.split("PROP-001")[1].split("\n")[0]
    assert "flagged" in b.observation.prompt.split("PROP-001")[1].split("\n")[0]
    a2 = suite.step(task, a.state, call("submit_audit_report", summary="x"), profile)
    assert a2.score is not None and a2.score.details["decided"] == 1


def test_step_limit_ends_the_episode() -> None:
    suite = audit()
    profile = suite.default_profile()
    task = suite.task_for(3, "easy")
    limit = suite.world(task).max_steps
    r = suite.reset(task)
    for i in range(limit):
        r = suite.step(task, r.state, call("cohort_analysis", group_by="site"), profile)
        assert r.done == (i == limit - 1)
    assert r.score is not None and r.score.details["ended"] == "step_limit"
    assert r.score.reward == 0.0 and r.score.outcome == "missed_errors"


def test_fbeta_weights_recall_over_precision() -> None:
    f_recall, p, rcl = fbeta(4, 4, 4)  # everything caught, half the flags wrong
    f_precision, _, _ = fbeta(2, 0, 4)  # half caught, no false alarm
    assert (p, rcl) == (0.5, 1.0)
    assert f_recall > f_precision
    assert fbeta(3, 1, 5, beta=1.0)[0] == pytest.approx(2 * 0.75 * 0.6 / (0.75 + 0.6))
    assert fbeta(0, 0, 3)[0] == 0.0
