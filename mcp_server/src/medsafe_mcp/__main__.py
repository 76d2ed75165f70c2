"""`medsafe-mcp`: run the MCP server over stdio (default) or streamable HTTP."""

from __future__ import annotations

import argparse
import ipaddress
import logging
import sys
from collections.abc import Sequence

from medsafe_core.settings import Settings
from medsafe_mcp.http_limits import DEFAULT_MAX_BODY_BYTES
from medsafe_mcp.server import create_server

DEFAULT_PORT = 8001
MCP_PATH = "/mcp"

logger = logging.getLogger("medsafe_mcp")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(
        prog="medsafe-mcp",
        description="medsafe MCP server: evaluation tools for the safety of medical AI answers.",
    )
    parser.add_argument(
        "--transport",
        choices=("stdio", "http"),
        default="stdio",
        help="stdio for desktop clients (default); http for streamable HTTP at /mcp",
    )
    parser.add_argument("--host", default="127.0.0.1", help="HTTP bind address")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="HTTP port")
    parser.add_argument(
        "--stateless",
        action="store_true",
        help="stateless HTTP (no sessions), for several replicas behind a load balancer",
    )
    parser.add_argument(
        "--max-body-bytes",
        type=int,
        default=DEFAULT_MAX_BODY_BYTES,
        help="largest HTTP request body (default 32 MiB: 10,000 answers of about 3 KB)",
    )
    parser.add_argument("--log-level", default="info", help="log level (default: info)")
    return parser.parse_args(argv)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the `medsafe-mcp` script."""
    args = parse_args(argv)
    # stdout carries the protocol on stdio, so logs always go to stderr.
    logging.basicConfig(
        level=args.log_level.upper(),
        stream=sys.stderr,
        format="%(levelname)s %(name)s: %(message)s",
    )
    settings = Settings()
    server = create_server(settings, max_body_bytes=args.max_body_bytes)
    if args.transport == "stdio":
        server.run("stdio", show_banner=False)
        return
    if settings.mcp_token is None and not _is_loopback(args.host):
        logger.warning(
            "serving MCP on %s without authentication; set MEDSAFE_MCP_TOKEN to require a "
            "bearer token",
            args.host,
        )
    server.run(
        "http",
        show_banner=False,
        host=args.host,
        port=args.port,
        path=MCP_PATH,
        stateless_http=args.stateless,
        log_level=args.log_level,
    )


if __name__ == "__main__":
    main()
