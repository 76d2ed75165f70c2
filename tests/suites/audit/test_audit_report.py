"""The HTML report's step-by-step view of audit episodes (replayed from transcripts)."""

from __future__ import annotations

import re

import pytest
from audit_helpers import audit

from medsafe_core.models import ResponseRecord, RunMeta, SampleResult
from medsafe_core.runs import build_manifest
from medsafe_core.service.report import render_report
from medsafe_core.service.report_episode import SHOWN, replay_turns
from medsafe_core.service.schemas import PublicRunRecord
from medsafe_core.suites.play import play_episode


def audit_record(kind: str, n: int) -> PublicRunRecord:
    suite = audit()
    profile = suite.default_profile()
    tasks = suite.tasks(3, n)
    responses, samples = [], []
    for task in tasks:
        transcript, score = play_episode(suite, task, suite.reference_participants()[kind]())
        responses.append(ResponseRecord(id=task.id, response=transcript))
        samples.append(
            SampleResult.from_score(
                id=task.id,
                epoch=0,
                category=task.category,
                scenario=task.scenario,
                group=None,
                score=score,
            )
        )
    manifest = build_manifest(
        suite,
        tasks,
        profile,
        epochs=1,
        seed=3,
        salt=None,
        dataset_id="generated:audit/1/3",
        participant=kind,
    )
    return PublicRunRecord(
        meta=RunMeta(run_id="run-audit", created_at="2026-12-06T00:00:00Z"),
        manifest=manifest,
        responses=responses,
        samples=samples,
        metrics=suite.summarize(samples),
        tasks=[],
    )


def test_report_shows_each_episode_turn_by_turn() -> None:
    record = audit_record("random-auditor", 7)
    page = render_report(record)
    assert "Episodes step by step" in page
    shown = re.findall(r'<details class="episode" data-task="([^"]+)"', page)
    assert len(shown) == min(SHOWN, 7)
    worst = sorted(record.samples, key=lambda s: (s.reward or 0.0, s.id))[0]
    assert shown[0] == worst.id
    found = re.search(rf'data-task="{worst.id}">.*?· (\d+) turns', page, re.S)
    assert found is not None and int(found.group(1)) == worst.details["steps"]
    assert page.count("<tr><td class=num>") >= worst.details["steps"]


def test_replayed_turns_sum_to_the_episode_reward() -> None:
    suite = audit()
    task = suite.task_for(6, "hard")
    transcript, score = play_episode(
        suite, task, suite.reference_participants()["heuristic-auditor"]()
    )
    turns = replay_turns(suite, task, transcript, suite.default_profile())
    assert [t.turn for t in turns] == list(range(1, score.details["steps"] + 1))
    assert turns[-1].done and not any(t.done for t in turns[:-1])
    total = sum(t.reward or 0 for t in turns)
    assert total == pytest.approx(score.details["total_reward"], abs=1e-6)
    assert replay_turns(suite, task, "not json", suite.default_profile()) == []
