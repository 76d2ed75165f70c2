"""medsafe MCP server: evaluation tools over the medsafe core engine.

`create_server(settings=None, store=None)` builds the FastMCP server; the
`medsafe-mcp` script runs it over stdio or streamable HTTP.
"""

from medsafe_mcp.server import create_server

__all__ = ["create_server"]
