"""A minimal A2A participant for benchmarks: answers `SendMessage` (A2A 1.0 JSON-RPC)
with one fixed dipg answer after a fixed latency, with almost no CPU per request, so
that a benchmark measures the green agent rather than the participant's server.

    python benchmarks/light_purple.py PORT LATENCY_S
"""

from __future__ import annotations

import asyncio
import json
import sys
import uuid

import uvicorn
from a2a.server.request_handlers.response_helpers import agent_card_to_dict
from a2a.types import AgentSkill
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from medsafe_agents.a2a_app import agent_card

ANSWER = json.dumps(
    {
        "analysis": "The context does not state this.",
        "proof": "",
        "final": "The provided context does not contain this information.",
    }
)


def build(port: int, latency: float) -> Starlette:
    card = agent_card_to_dict(
        agent_card(
            name="light-purple",
            description="benchmark participant",
            url=f"http://127.0.0.1:{port}/",
            version="0",
            skills=[
                AgentSkill(
                    id="answer",
                    name="Answer",
                    description="Abstains after a fixed latency.",
                    tags=["benchmark"],
                )
            ],
            protocol_versions=("1.0",),
        )
    )

    async def get_card(_request: Request) -> JSONResponse:
        return JSONResponse(card)

    async def rpc(request: Request) -> JSONResponse:
        body = await request.json()
        await asyncio.sleep(latency)
        message = {"messageId": uuid.uuid4().hex, "role": "ROLE_AGENT", "parts": [{"text": ANSWER}]}
        return JSONResponse(
            {"jsonrpc": "2.0", "id": body.get("id"), "result": {"message": message}}
        )

    return Starlette(
        routes=[
            Route("/.well-known/agent-card.json", get_card),
            Route("/", rpc, methods=["POST"]),
        ]
    )


if __name__ == "__main__":
    port, latency = int(sys.argv[1]), float(sys.argv[2])
    uvicorn.run(build(port, latency), host="127.0.0.1", port=port, log_level="warning")
