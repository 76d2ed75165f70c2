"""The green agent's multi-turn loop for episodic suites, against real purple A2A
participants (`heuristic-auditor`, `random-auditor`) in process."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from audit_helpers import audit

from medsafe_agents.green.assessment import Progress, run_samples
from medsafe_agents.green.episodes import EpisodeAsker, episodic
from medsafe_agents.green.participant import Answer, ParticipantClient
from medsafe_agents.green.plan import AssessmentPlan
from medsafe_agents.green.request import EvalRequest
from medsafe_agents.green.security import ParticipantAllowlist
from medsafe_agents.purple.__main__ import build_from_args, parse_args
from medsafe_core.models import ResponseRecord, SampleResult
from medsafe_core.runs import build_manifest
from medsafe_core.suites.play import play_episode

PURPLE = "http://127.0.0.1:19077"


class Sink:
    def __init__(self) -> None:
        self.items: list[tuple[ResponseRecord, SampleResult]] = []

    async def append_samples(
        self, run_id: str, items: list[tuple[ResponseRecord, SampleResult]]
    ) -> None:
        self.items.extend(items)


def make_plan(n: int, seed: int) -> AssessmentPlan:
    suite = audit()
    request = EvalRequest.model_validate(
        {
            "participants": {"agent": PURPLE},
            "config": {"suite": "audit", "num_tasks": n, "seed": seed, "concurrency": 4},
        }
    )
    tasks = suite.tasks(seed, n)
    profile = suite.default_profile()
    manifest = build_manifest(
        suite,
        tasks,
        profile,
        epochs=1,
        seed=seed,
        salt=None,
        dataset_id=f"generated:audit/1/{seed}",
        participant=PURPLE,
    )
    return AssessmentPlan(
        request=request,
        suite=suite,
        tasks=tasks,
        profile=profile,
        manifest=manifest,
        salted=False,
        answer_limit=suite.max_response_bytes,
    )


async def assess(kind: str, n: int, seed: int) -> tuple[AssessmentPlan, Sink, Any]:
    app = build_from_args(parse_args(["--kind", kind, "--port", "19077"]))
    transport = httpx.ASGITransport(app=app)
    sink = Sink()
    plan = make_plan(n, seed)
    async with httpx.AsyncClient(transport=transport, timeout=30) as http:
        client = ParticipantClient(
            PURPLE, http=http, allowlist=ParticipantAllowlist(""), timeout_s=30, retries=0
        )
        episodes_plan, asker = episodic(plan, client)
        progress = Progress(run_id="r1", total=episodes_plan.total)

        async def noop(_p: Progress) -> None:
            return None

        await run_samples(
            episodes_plan, "r1", asker, sink, done=set(), progress=progress, on_progress=noop
        )
    return plan, sink, progress


@pytest.mark.parametrize("kind", ["heuristic-auditor", "random-auditor"])
async def test_green_plays_episodes_with_a_purple_participant(kind: str) -> None:
    plan, sink, progress = await assess(kind, n=3, seed=5)
    assert progress.done == 3 and progress.errors == 0
    suite = audit()
    participant = suite.reference_participants()[kind]()
    by_id = {record.id: (record, sample) for record, sample in sink.items}
    for task in plan.tasks:
        record, sample = by_id[task.id]
        transcript, expected = play_episode(suite, task, participant)
        assert json.loads(record.response or "[]") == json.loads(transcript)
        assert sample.reward == expected.reward and sample.details == expected.details
    metrics = suite.summarize([s for _, s in sink.items])
    assert metrics.metrics["fbeta"].n == 3


async def test_the_participant_never_sees_the_task_id_or_truth() -> None:
    seen: list[list[Any]] = []

    class Recorder:
        async def ask(self, parts: list[Any]) -> Answer:
            seen.append(parts)
            return Answer('{"tool": "submit_audit_report", "arguments": {"summary": "x"}}')

    plan = make_plan(1, seed=9)
    asker = EpisodeAsker(Recorder(), plan)
    episodes_plan, _ = episodic(plan, Recorder())
    answer = await asker.ask(episodes_plan.parts_for(plan.tasks[0]))
    assert answer.error is None and len(json.loads(answer.response or "")) == 1
    text = str(seen)
    assert plan.tasks[0].id not in text and "world_seed" not in text


async def test_a_participant_failure_mid_episode_is_an_infrastructure_error() -> None:
    calls = 0

    class Flaky:
        async def ask(self, parts: list[Any]) -> Answer:
            nonlocal calls
            calls += 1
            if calls == 3:
                return Answer(None, "timeout after 30s")
            return Answer('{"tool": "cohort_analysis", "arguments": {"group_by": "sex"}}')

    plan = make_plan(1, seed=2)
    episodes_plan, asker = episodic(plan, Flaky())
    answer = await asker.ask(episodes_plan.parts_for(plan.tasks[0]))
    assert answer.response is None and answer.error == "turn 3 of the episode: timeout after 30s"
