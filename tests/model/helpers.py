"""A fake endpoint that answers suite prompts like a reference participant."""

from __future__ import annotations

from medsafe_core.parsing import ResponseFormat
from medsafe_core.suites import get_suite
from tests.fakes.openai_server import Recorded, Reply, Status, Step


def participant_responder(
    suite_name: str,
    participant: str,
    *,
    seed: int,
    n: int,
    fmt: ResponseFormat = ResponseFormat.JSON,
    fail_every: int = 0,
):
    """Answer each task's prompt as the suite's reference participant `participant`
    would; with `fail_every`, every k-th task answers HTTP 500 forever."""
    suite = get_suite(suite_name)
    tasks = suite.tasks(seed, n)
    agent = suite.reference_participants()[participant]()
    answers = {suite.prompt(t.view(), fmt): agent.answer(t.view(), fmt) for t in tasks}
    broken = {
        suite.prompt(t.view(), fmt)
        for i, t in enumerate(tasks)
        if fail_every and i % fail_every == 0
    }

    def respond(rec: Recorded) -> Step:
        if rec.prompt in broken:
            return Status(500, body="upstream crashed")
        text = answers.get(rec.prompt)
        return Reply(text if text is not None else "I do not know this prompt.")

    return respond
