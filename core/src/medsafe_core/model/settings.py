"""Settings of the model client (`MEDSAFE_LLM_` prefix): the one place it reads the
environment. The API key is a secret: it is sent as a bearer token and never logged."""

from __future__ import annotations

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class ModelSettings(BaseSettings):
    """Defaults of `medsafe eval`, the model-graded judge and other model callers."""

    model_config = SettingsConfigDict(env_prefix="MEDSAFE_LLM_", extra="ignore")

    api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("MEDSAFE_LLM_API_KEY", "OPENAI_API_KEY")
    )
    """Bearer token of the OpenAI-compatible endpoint (`OPENAI_API_KEY` as a fallback)."""
    base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("MEDSAFE_LLM_BASE_URL", "OPENAI_BASE_URL")
    )
    """Endpoint root, e.g. `https://api.openai.com/v1` or `http://127.0.0.1:8080/v1`."""
    timeout_s: float = Field(default=120.0, gt=0)
    """Time limit of one call (the whole answer, not only the first byte)."""
    max_retries: int = Field(default=4, ge=0, le=20)
    """Retries after a 429, a 5xx, a timeout, a dropped connection or a garbled answer."""
    concurrency: int = Field(default=8, ge=1, le=1024)
    """Most calls in flight at once."""
    backoff_s: float = Field(default=1.0, ge=0)
    """First retry delay; doubles each retry (with jitter), capped by `max_backoff_s`."""
    max_backoff_s: float = Field(default=30.0, ge=0)
    """Longest delay between retries (also caps a server's Retry-After)."""

    def key(self) -> str | None:
        """The API key's value, for the Authorization header only."""
        return self.api_key.get_secret_value() if self.api_key else None
