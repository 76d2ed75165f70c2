"""Process settings: the one place that reads the environment."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import platformdirs
from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from medsafe_core.identity import CredentialSpec
from medsafe_core.models import RewardProfile
from medsafe_core.parsing import DEFAULT_MAX_BYTES as DEFAULT_MAX_RESPONSE_BYTES
from medsafe_core.scoring.profiles import get_profile, with_env_overrides

if TYPE_CHECKING:
    from medsafe_core.suites import Suite

DEFAULT_MAX_BATCH_ITEMS = 10_000
"""Most items one evaluation request may carry unless `MEDSAFE_MAX_BATCH_ITEMS` says so."""


def reward_env() -> dict[str, float]:
    """Upper-case environment variables that name a reward constant
    (`EXACT_FORMAT_REWARD=12`, as the published implementation reads them). They only
    change a process's default profile; runs always record and use their own."""
    out: dict[str, float] = {}
    for key, value in os.environ.items():
        if key.isupper() and key.endswith(("_REWARD", "_PENALTY")):
            try:
                out[key.lower()] = float(value)
            except ValueError:
                continue
    return out


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
    max_response_bytes: int = Field(default=DEFAULT_MAX_RESPONSE_BYTES, ge=1024)
    """Largest response the parsers accept (larger ones fail the format gate as
    `too_large`)."""
    max_batch_items: int = Field(default=DEFAULT_MAX_BATCH_ITEMS, ge=1)
    """Most items one evaluation request may carry."""
    default_suite: str = "dipg"
    """Suite of caller-supplied tasks that do not name one."""
    default_profile: str | None = None
    """A profile to use by default for its suite (other suites keep their own default)."""
    judge_model: str | None = None
    """Model-graded judge that evaluation requests may ask for (`judge: "model"`); its
    endpoint and key come from `MEDSAFE_JUDGE_BASE_URL` and the `MEDSAFE_LLM_` settings."""
    judge_base_url: str | None = None
    """OpenAI-compatible endpoint of `judge_model` (default: `MEDSAFE_LLM_BASE_URL`)."""
    judge_scope: Literal["all", "unsure"] = "all"
    """What `judge_model` grades: every answer ("all"), or only the answers the suite's
    rules leave unscored ("unsure": one model call per hard sample, not per sample)."""
    score_workers: int = Field(default_factory=lambda: min(2, os.cpu_count() or 1), ge=1)
    """Processes that score one large evaluation batch (2,000 items or more) in the core
    service; 1 scores every batch in the request's thread. Default: 2, or 1 on one CPU."""

    @field_validator("api_token", "mcp_token", "green_token", "seed_salt", mode="before")
    @classmethod
    def _empty_secret_is_unset(cls, value: object) -> object:
        """`MEDSAFE_API_TOKEN=` (as compose writes an unset variable) means no token, not
        an empty one that every caller would match."""
        if isinstance(value, str) and not value.strip():
            return None
        return value

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

    def profile_for(self, suite: Suite) -> RewardProfile:
        """This process's default profile for `suite`: `default_profile` when it is one
        of the suite's, else the suite's default, with reward variables of the
        environment applied."""
        base = suite.default_profile()
        if self.default_profile:
            chosen = get_profile(self.default_profile)
            if chosen.suite == suite.name:
                base = chosen
        return with_env_overrides(base, reward_env())
