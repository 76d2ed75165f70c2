"""The suite through its interface: registration, scoring transcripts, metrics,
participants, the curriculum and many concurrent episodes."""

from __future__ import annotations

import json
import random

import pytest
from audit_helpers import audit, play

from medsafe_core.models import SampleResult, TaskView
from medsafe_core.suites import SuiteKind, get_suite, list_suites
from medsafe_core.suites.audit import Curriculum, Difficulty, HeuristicAuditor, RandomAuditor
from medsafe_core.suites.play import play_episode


def test_registered_by_entry_point_as_episodic() -> None:
    assert "audit" in {s.name for s in list_suites()}
    info = get_suite("audit").describe()
    assert info.kind is SuiteKind.EPISODIC
    assert len(info.tools) == 8 and "submit_audit_report" in info.tools
    assert {"input", "target", "response", "action"} <= set(info.schemas)
    assert info.profiles == ["audit-v1"]
    assert "clean_audit" in info.outcomes


def test_transcript_forms_and_format_errors() -> None:
    suite = audit()
    profile = suite.default_profile()
    task = suite.task_for(1, "easy")
    played = play(task, HeuristicAuditor())
    log = played.state.data["log"]
    flat = [{"action_type": e["tool"], **e["arguments"]} for e in log]
    for transcript in (json.dumps(log), json.dumps({"actions": log}), json.dumps(flat)):
        assert suite.score(task, transcript, profile).reward == played.score.reward
    for bad in ("not json", '{"tool": "approve"}', "[" * 5000):
        score = suite.score(task, bad, profile)
        assert score.outcome == "format_error" and score.flags.format_error
    extra = json.dumps([*log, {"tool": "approve", "arguments": {"proposal_id": "PROP-001"}}])
    assert suite.score(task, extra, profile).details["ignored_after_end"] == 1


def test_a_task_without_a_world_is_unscored() -> None:
    suite = audit()
    task = suite.task_for(1, "easy").model_copy(update={"truth": {}})
    score = suite.score(task, "[]", suite.default_profile())
    assert score.outcome == "unscored" and score.reward is None


def samples_for(participant_name: str, seeds: range) -> list[SampleResult]:
    suite = audit()
    out = []
    for seed in seeds:
        for difficulty in Difficulty:
            task = suite.task_for(seed, difficulty.value)
            agent = suite.reference_participants()[participant_name]()
            score = play(task, agent).score
            out.append(
                SampleResult.from_score(
                    id=task.id,
                    epoch=0,
                    category=task.category,
                    scenario=task.scenario,
                    group=task.group,
                    score=score,
                )
            )
    return out


def test_summary_has_episode_metrics_with_cis_per_difficulty() -> None:
    suite = audit()
    heuristic = suite.summarize(samples_for("heuristic-auditor", range(4)))
    rand = suite.summarize(samples_for("random-auditor", range(4)))
    for metrics in (heuristic, rand):
        for name in ("fbeta", "precision", "recall", "dense_reward"):
            est = metrics.metrics[name]
            assert est.n == 12 and est.ci_low is not None and est.ci_high is not None
            assert est.ci_low <= est.value <= est.ci_high  # type: ignore[operator]
        assert set(metrics.per_category) == {"easy", "medium", "hard"}
        assert metrics.per_category["hard"]["fbeta"].n == 4
    assert heuristic.metrics["fbeta"].value > rand.metrics["fbeta"].value  # type: ignore[operator]
    assert heuristic.metrics["dense_reward"].value > rand.metrics["dense_reward"].value  # type: ignore[operator]


def test_infrastructure_errors_count_as_zero_score_episodes() -> None:
    suite = audit()
    samples = samples_for("heuristic-auditor", range(2))
    failed = SampleResult(
        id="audit/1/9/000000", category="easy", reward=None, outcome="error", error="timeout"
    )
    summary = suite.summarize([*samples, failed])
    assert summary.n_errors == 1
    clean = summary.metrics["fbeta"].value
    as_failures = summary.metrics_errors_as_failures["fbeta"].value
    assert clean is not None and as_failures is not None
    assert as_failures == pytest.approx(clean * len(samples) / (len(samples) + 1))


def test_curriculum_escalates_past_threshold_and_rotates_error_types() -> None:
    suite = audit()
    cur = Curriculum()
    first = cur.next_index()
    assert suite.task(0, first).category == "easy"
    assert cur.record(0.5) is Difficulty.EASY
    second = cur.next_index()
    assert suite.task(0, second).category == "easy" and second != first
    assert cur.record(0.9) is Difficulty.MEDIUM
    assert suite.task(0, cur.next_index()).category == "medium"
    cur.record(0.95)
    assert cur.level is Difficulty.HARD and cur.record(1.0) is Difficulty.HARD
    with pytest.raises(ValueError, match="lie in"):
        cur.record(1.5)
    rotations = {
        suite.world(suite.task(0, 2 + 3 * k)).truth["PROP-001"].error_type for k in range(8)
    }
    assert len(rotations) > 1


def test_64_concurrent_episodes_stay_isolated() -> None:
    """Interleaving 64 episodes step by step gives exactly what each gives alone."""
    suite = audit()
    profile = suite.default_profile()
    tasks = [suite.task_for(seed, ("easy", "medium", "hard")[seed % 3]) for seed in range(64)]
    agents = [HeuristicAuditor() if i % 2 else RandomAuditor() for i in range(64)]
    alone = [play(t, a).score for t, a in zip(tasks, agents, strict=True)]
    results = [suite.reset(t) for t in tasks]
    rng = random.Random(0)
    while not all(r.done for r in results):
        i = rng.choice([k for k, r in enumerate(results) if not r.done])
        view = TaskView(id=tasks[i].id, suite="audit", question=results[i].observation.prompt)
        results[i] = suite.step(tasks[i], results[i].state, agents[i].answer(view), profile)
    assert [r.score for r in results] == alone


def test_reference_participants_answer_one_tool_call() -> None:
    suite = audit()
    task = suite.task_for(0, "medium")
    first = suite.reset(task).observation.prompt
    view = TaskView(id=task.id, suite="audit", question=first)
    for name, make in suite.reference_participants().items():
        action = json.loads(make().answer(view))
        assert action["tool"] in suite.info.tools, name


@pytest.mark.parametrize("name", ["heuristic-auditor", "random-auditor"])
def test_played_transcript_rescores_to_the_same_score(name: str) -> None:
    suite = audit()
    task = suite.task_for(12, "hard")
    transcript, score = play_episode(suite, task, suite.reference_participants()[name]())
    assert suite.score(task, transcript, suite.default_profile()) == score
    assert score.details["steps"] == len(json.loads(transcript))


def test_over_flagging_wins_fbeta_but_not_the_safe_rate_or_dense_reward() -> None:
    suite = audit()
    flag_all = suite.summarize(samples_for("flag-all-auditor", range(4)))
    heuristic = suite.summarize(samples_for("heuristic-auditor", range(4)))
    assert flag_all.metrics["recall"].value == 1.0
    assert (flag_all.metrics["precision"].value or 1.0) < 1.0
    assert flag_all.metrics["safe_response_rate"].value == 0.0
    assert heuristic.metrics["safe_response_rate"].value == 1.0
    dense = flag_all.metrics["dense_reward"].value
    assert dense is not None and dense < (heuristic.metrics["dense_reward"].value or 0.0)


def test_documentation_names_every_tool_tier_and_constant() -> None:
    suite = audit()
    page = suite.documentation() or ""
    for name in [*suite.info.tools, *suite.info.categories, *suite.default_profile().values]:
        assert name in page, name
