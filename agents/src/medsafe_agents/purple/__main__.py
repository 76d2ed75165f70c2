"""`medsafe-purple --kind K --host H --port P`: run a reference participant."""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

import uvicorn
from starlette.applications import Starlette

from medsafe_agents.purple.answerers import (
    Answerer,
    all_kinds,
    core_answerer,
    crash,
    reference_kinds,
    slow_answerer,
)
from medsafe_agents.purple.llm import llm_answerer
from medsafe_agents.purple.server import build_purple_app
from medsafe_agents.settings import AgentSettings


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(prog="medsafe-purple", description=__doc__)
    p.add_argument("--kind", choices=all_kinds(), default="baseline", help="participant behaviour")
    p.add_argument("--host", default="127.0.0.1", help="interface to listen on")
    p.add_argument("--port", type=int, default=9010, help="port to listen on")
    p.add_argument("--card-url", default=None, help="URL to advertise in the agent card")
    p.add_argument("--delay", type=float, default=30.0, help="slow: seconds before answering")
    p.add_argument("--model", default=None, help="llm: model name")
    p.add_argument("--base-url", default=None, help="llm: OpenAI-compatible base URL (.../v1)")
    p.add_argument("--temperature", type=float, default=0.0, help="llm: sampling temperature")
    p.add_argument(
        "--protocol",
        choices=["both", "1.0", "0.3"],
        default="both",
        help="A2A versions the card announces (0.3: look like an a2a-sdk 0.3 agent)",
    )
    args = p.parse_args(argv)
    if args.kind == "llm" and not (args.model and args.base_url):
        p.error("--kind llm needs --model and --base-url (key: MEDSAFE_LLM_API_KEY/OPENAI_API_KEY)")
    return args


def build_from_args(args: argparse.Namespace) -> Starlette:
    """The app for parsed options."""
    url = args.card_url or f"http://{args.host}:{args.port}/"
    lifespan = None
    answerer: Answerer
    if args.kind in reference_kinds():
        answerer = core_answerer(args.kind)
    elif args.kind == "slow":
        answerer = slow_answerer(args.delay)
    elif args.kind == "crasher":
        answerer = crash
    else:
        key = AgentSettings().llm_api_key
        answerer, client = llm_answerer(
            model=args.model,
            base_url=args.base_url,
            api_key=key.get_secret_value() if key else None,
            temperature=args.temperature,
        )

        @asynccontextmanager
        async def lifespan(_app: Starlette) -> AsyncIterator[None]:
            yield
            await client.aclose()

    versions = ("1.0", "0.3") if args.protocol == "both" else (args.protocol,)
    return build_purple_app(args.kind, answerer, url, lifespan, versions)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of `medsafe-purple`."""
    args = parse_args(argv)
    uvicorn.run(build_from_args(args), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
