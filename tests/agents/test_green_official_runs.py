"""The green agent's assessments are the official runs: they reach the leaderboard's
official rows, while the same answers stored through REST stay self-reported."""

from __future__ import annotations

from a2a.types import TaskState

from medsafe_core.leaderboard import OfficialConfig, Provenance

from .conftest import purple_app
from .helpers import PURPLE, a2a_client, exchange, user_message
from .test_assessment import ROUTE, eval_text


async def test_assessment_runs_are_official_and_ranked(make_green):
    green, _ = await make_green({ROUTE: purple_app("baseline")})
    async with a2a_client(green.app) as client:
        result = await exchange(client, user_message(eval_text(6)))
    assert result.task is not None
    assert result.task.status.state == TaskState.TASK_STATE_COMPLETED
    summary = await green.store.get_summary(result.task_id)
    assert (summary.provenance, summary.official, summary.ranked) == (
        Provenance.ASSESSMENT,
        True,
        True,
    )
    record = await green.store.get_run(result.task_id)
    m = record.manifest
    config = OfficialConfig(
        suite=m.suite,
        suite_version=m.suite_version,
        scorer_version=m.scorer_version,
        profile_hash=m.profile_hash,
        min_tasks=6,
        epochs=1,
        salt_required=m.seed_salt_hash is not None,
        salt_hash=m.seed_salt_hash,
    )
    board = await green.store.leaderboard(m.suite, config=config)
    assert [(r.participant, r.official) for r in board.rows] == [(PURPLE, True)]
