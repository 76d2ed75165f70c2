"""What the green agent sends a participant during an assessment: its agent card is
read once per assessment, then exactly one call per task."""

from __future__ import annotations

from a2a.types import TaskState

from .conftest import purple_app
from .helpers import a2a_client, exchange, user_message
from .test_assessment import ROUTE, eval_text


async def test_the_card_is_read_once_per_assessment(make_green):
    green, router = await make_green({ROUTE: purple_app("baseline")})
    async with a2a_client(green.app) as client:
        for n in (5, 3):
            result = await exchange(client, user_message(eval_text(n, concurrency=4)))
            assert result.task is not None
            assert result.task.status.state == TaskState.TASK_STATE_COMPLETED
    card_reads = [url for url, body in router.sent if url.endswith("agent-card.json")]
    assert len(card_reads) == 2  # one per assessment
    assert len(router.rpc_messages()) == 8  # one call per task
