"""medsafe MCP server."""
