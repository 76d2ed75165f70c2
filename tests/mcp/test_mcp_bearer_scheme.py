"""The MCP server accepts the bearer scheme in any case (RFC 9110: `bearer tok`)."""

from __future__ import annotations

from pathlib import Path

import httpx
from mcp_helpers import make_settings, serve_http

from medsafe_mcp import create_server

TOKEN = "test-token-4f1c"
INIT = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "t", "version": "1"},
    },
}
ACCEPT = {"Accept": "application/json, text/event-stream"}


async def test_bearer_scheme_is_case_insensitive(tmp_path: Path) -> None:
    server = create_server(make_settings(tmp_path, mcp_token=TOKEN))
    with serve_http(server.http_app(path="/mcp")) as url:
        async with httpx.AsyncClient(base_url=url) as http:
            for scheme in ("Bearer", "bearer", "BEARER"):
                headers = ACCEPT | {"Authorization": f"{scheme} {TOKEN}"}
                resp = await http.post("/mcp", json=INIT, headers=headers)
                assert resp.status_code == 200, scheme
            wrong = await http.post(
                "/mcp", json=INIT, headers=ACCEPT | {"Authorization": "bearer nope"}
            )
            assert wrong.status_code == 401
