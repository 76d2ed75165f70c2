"""Settings of the agent processes: the core settings plus what only the agents read."""

from __future__ import annotations

from pydantic import AliasChoices, Field, SecretStr

from medsafe_core.settings import Settings


class AgentSettings(Settings):
    """Settings of `medsafe-green` and `medsafe-purple` (`MEDSAFE_` prefix).

    Inherits the core settings (database, `green_token`, `allowed_participants`,
    `seed_salt`, `max_response_bytes`, ...)."""

    chat_model: str | None = None
    """Model for chat mode (an ADK model name, e.g. `gemini-2.5-flash`). Unset: chat
    answers with a short help text and no LLM is ever called."""
    chat_base_url: str | None = None
    """OpenAI-compatible endpoint for chat (vLLM, Ollama, LiteLLM proxy, OpenAI...): chat then
    calls `chat_model` there through ADK's LiteLLM model class."""
    chat_api_key: SecretStr | None = None
    """API key of `chat_base_url` (providers' own variables, e.g. ANTHROPIC_API_KEY, serve
    `provider/model` names without it)."""
    mcp_url: str | None = None
    """Streamable-HTTP URL of the medsafe MCP server whose tools chat mode may use."""
    allow_loopback_participants: bool = True
    """Whether participants on loopback addresses (127.0.0.0/8, ::1, localhost) are
    allowed without being listed in `allowed_participants`."""
    max_concurrency: int = Field(default=64, ge=1, le=1024)
    """Largest `config.concurrency` an assessment may ask for."""
    max_assessment_tasks: int = Field(default=10_000, ge=1)
    """Largest `num_tasks x epochs` an assessment may ask for."""
    progress_interval_s: float = Field(default=1.0, ge=0.0)
    """Least time between two progress updates of an assessment."""
    max_request_bytes: int = Field(default=1024 * 1024, ge=1024)
    """Largest JSON-RPC request body the green agent reads (HTTP 413 with a JSON-RPC
    error above it)."""
    max_history_messages: int = Field(default=20, ge=2)
    """Most messages kept in an A2A task's history (the first message and the latest
    ones); progress updates would otherwise grow it without bound."""
    replica_id: str | None = None
    """Name of this green replica in run leases (default: host name, process id and a
    random suffix)."""
    lease_ttl_s: float = Field(default=30.0, gt=0.0, le=3600.0)
    """Life of a run lease; a replica renews its leases every third of it, and another
    replica takes over a run whose lease has expired."""
    llm_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("MEDSAFE_LLM_API_KEY", "OPENAI_API_KEY")
    )
    """API key of the OpenAI-compatible endpoint used by `medsafe-purple --kind llm`."""
