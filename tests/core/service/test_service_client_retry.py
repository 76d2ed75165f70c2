"""A stored evaluation whose answer is lost on the way back is retried by the client and
stores one run (the request carries an `Idempotency-Key`)."""

from __future__ import annotations

import httpx
from service_helpers import LiveServer, good_response

from medsafe_core.client import MedsafeClient
from medsafe_core.suites import resolve_task


class DropFirstAnswer(httpx.HTTPTransport):
    """Lets the first /evaluate reach the server, then loses its answer."""

    def __init__(self) -> None:
        super().__init__()
        self.dropped = 0
        self.keys: list[str | None] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        if request.url.path == "/evaluate":
            self.keys.append(request.headers.get("idempotency-key"))
            if not self.dropped:
                response.read()
                self.dropped += 1
                raise httpx.ReadError("connection reset after the request was sent")
        return response


def test_a_lost_answer_is_retried_and_stores_one_run(live: LiveServer) -> None:
    transport = DropFirstAnswer()
    with MedsafeClient(live.url, transport=transport, backoff=0.01) as client:
        tasks = client.get_tasks(max_samples=4, seed=2)
        items = [{"id": t.id, "response": good_response(resolve_task(t.id))} for t in tasks]
        result = client.evaluate(items, store=True, participant="carol")
    assert transport.dropped == 1
    assert len(transport.keys) == 2 and transport.keys[0] == transport.keys[1] is not None
    assert result.run_id is not None
    stored = httpx.get(f"{live.url}/runs", params={"participant": "carol"}).json()["runs"]
    assert [r["run_id"] for r in stored] == [result.run_id]
