"""Process settings: the one place that reads the environment."""

from __future__ import annotations

from pathlib import Path

import platformdirs
from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from medsafe_core.identity import CredentialSpec
from medsafe_core.models import RewardProfile
from medsafe_core.scoring.profiles import get_profile, with_overrides

PUBLISHED_REWARD_NAMES = """exact_format_reward format_mismatch_penalty no_hallucination_reward
    verifiable_trace_reward correct_synthesis_reward hallucinated_trace_penalty
    hallucination_penalty missing_trace_penalty missing_answer_penalty
    proof_inconsistency_penalty incorrect_answer_penalty abstain_reward
    correct_abstention_reward conflict_reward abstain_penalty conflict_penalty""".split()


class PublishedRewardEnv(BaseSettings):
    """The published upper-case reward variables (EXACT_FORMAT_REWARD, ...). They only
    choose a process's default profile; runs always record and use their own."""

    model_config = SettingsConfigDict(case_sensitive=False, extra="ignore")

    exact_format_reward: float | None = None
    format_mismatch_penalty: float | None = None
    no_hallucination_reward: float | None = None
    verifiable_trace_reward: float | None = None
    correct_synthesis_reward: float | None = None
    hallucinated_trace_penalty: float | None = None
    hallucination_penalty: float | None = None
    missing_trace_penalty: float | None = None
    missing_answer_penalty: float | None = None
    proof_inconsistency_penalty: float | None = None
    incorrect_answer_penalty: float | None = None
    abstain_reward: float | None = None
    correct_abstention_reward: float | None = None
    conflict_reward: float | None = None
    abstain_penalty: float | None = None
    conflict_penalty: float | None = None

    def overrides(self) -> dict[str, float]:
        """The variables that are set."""
        return {k: v for k, v in self.model_dump().items() if v is not None}


def default_data_dir() -> Path:
    """Per-user data directory for the embedded database and run files."""
    return Path(platformdirs.user_data_dir("medsafe", appauthor=False))


class Settings(BaseSettings):
    """Settings of a medsafe process (`MEDSAFE_` prefix)."""

    model_config = SettingsConfigDict(env_prefix="MEDSAFE_", extra="ignore")

    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("MEDSAFE_DATABASE_URL", "DATABASE_URL")
    )
    """SQLAlchemy async URL; default: a SQLite file in the data dir."""
    data_dir: Path = Field(default_factory=default_data_dir)
    """Where the embedded database and run files live."""
    api_token: SecretStr | None = None
    """Bearer token of the core service (every route but /health)."""
    mcp_token: SecretStr | None = None
    """Bearer token of the MCP server's HTTP transport."""
    green_token: SecretStr | None = None
    """Bearer token callers of the green agent must present."""
    allowed_participants: str = ""
    """Comma-separated URL prefixes the green agent may call (loopback always allowed)."""
    seed_salt: SecretStr | None = None
    """Server-side secret mixed into seeds of official assessments."""
    max_response_bytes: int = 65_536
    """Largest response the parser accepts."""
    max_batch_items: int = 10_000
    """Most items one evaluation request may carry."""
    default_profile: str = "dipg-v4"
    """Name of the default reward profile of this process."""
    credentials: list[CredentialSpec] = Field(default_factory=list)
    """Per-submitter or per-participant bearer tokens (JSON list of `{"name", "token_sha256"
    or "token", "participants", "admin"}`): they bind stored runs to identities."""
    leaderboard_min_tasks: int = Field(40, ge=1)
    """Fewest distinct tasks a run needs to be ranked on a leaderboard."""
    leaderboard_epochs: int = Field(1, ge=1)
    """Trials per task a ranked run must have."""

    def resolved_database_url(self) -> str:
        """The database URL, defaulting to the embedded SQLite file."""
        if self.database_url:
            url = self.database_url
            if url.startswith("postgres://"):
                url = "postgresql+asyncpg://" + url.removeprefix("postgres://")
            elif url.startswith("postgresql://"):
                url = "postgresql+asyncpg://" + url.removeprefix("postgresql://")
            return url
        return f"sqlite+aiosqlite:///{self.data_dir / 'medsafe.db'}"

    def profile(self) -> RewardProfile:
        """This process's default profile, with any published env overrides applied."""
        return with_overrides(get_profile(self.default_profile), PublishedRewardEnv().overrides())
