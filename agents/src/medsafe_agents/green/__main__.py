"""`medsafe-green --host H --port P --card-url URL`: run the green evaluator agent."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
from collections.abc import Sequence

import uvicorn

from medsafe_agents.green.app import create_green
from medsafe_agents.settings import AgentSettings


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options (AgentBeats passes --host, --port and --card-url)."""
    p = argparse.ArgumentParser(prog="medsafe-green", description=__doc__)
    p.add_argument("--host", default="127.0.0.1", help="interface to listen on")
    p.add_argument("--port", type=int, default=9009, help="port to listen on (default 9009)")
    p.add_argument("--card-url", default=None, help="URL to advertise in the agent card")
    p.add_argument("--log-level", default="info", help="uvicorn and medsafe log level")
    return p.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    """Build the green agent and serve it until interrupted."""
    settings = AgentSettings()
    card_url = args.card_url or f"http://{args.host}:{args.port}/"
    green = await create_green(settings, card_url=card_url)
    # What start-up made (modules, suites, the SDKs' tables: ~140k objects) lives as
    # long as the process; frozen, the full collections that assessments trigger no
    # longer walk it (about 0.2 ms of CPU per sample).
    gc.collect()
    gc.freeze()
    logging.getLogger("medsafe_agents").info(
        "green replica %s on %s (run leases of %g s)",
        green.executor.replica_id,
        green.store.url,
        settings.lease_ttl_s,
    )
    config = uvicorn.Config(green.app, host=args.host, port=args.port, log_level=args.log_level)
    await uvicorn.Server(config).serve()


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of `medsafe-green`."""
    args = parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    # httpx logs every request at info: one line per participant call (per sample),
    # whose formatting and writing cost CPU on the event loop. Progress and the result
    # say how calls went; `--log-level debug` still shows each one.
    if logging.getLogger().getEffectiveLevel() > logging.DEBUG:
        logging.getLogger("httpx").setLevel(logging.WARNING)
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()
