"""What the handlers share: settings, service options, the store, profiles, salt."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import metadata

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import HTTPConnection

from medsafe_core.evaluation import BatchError, resolve_profile
from medsafe_core.judging import Judge
from medsafe_core.models import RewardProfile
from medsafe_core.service.errors import ApiError
from medsafe_core.settings import Settings
from medsafe_core.store import Store
from medsafe_core.suites import Suite, UnknownSuiteError, get_suite, list_suites


class ServiceOptions(BaseModel):
    """Knobs of the HTTP service that are not process settings (CLI flags of `serve`)."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    max_body_bytes: int = Field(32 * 1024 * 1024, ge=1024)
    """Largest request body (HTTP 413 above) and largest `/ws` message."""
    max_sessions: int = Field(256, ge=1)
    """Most concurrent `/ws` environment sessions (one environment per connection)."""
    session_idle_timeout_s: float = Field(900.0, gt=0)
    """A `/ws` session that sends nothing for this long is closed."""
    cors_origins: list[str] = Field(default_factory=list)
    """Origins allowed by CORS; empty (the default) means CORS is off."""


def version() -> str:
    """medsafe-core's installed version."""
    try:
        return metadata.version("medsafe-core")
    except metadata.PackageNotFoundError:  # pragma: no cover - source checkout without install
        return "unknown"


@dataclass
class ServiceState:
    """Shared by every request of one app."""

    settings: Settings
    options: ServiceOptions
    store: Store | None = None
    active_sessions: int = 0
    _owns_store: bool = field(default=False, repr=False)
    _judge: Judge | None = field(default=None, repr=False)

    def judge(self) -> Judge:
        """The process's model-graded judge (made on first use), or 422 when this server
        has none configured."""
        if self._judge is None:
            from medsafe_core.model.judge import configured_judge

            self._judge = configured_judge(self.settings)
            if self._judge is None:
                raise ApiError.invalid(
                    "judge", "this server has no model-graded judge (set MEDSAFE_JUDGE_MODEL)"
                )
        return self._judge

    def close_judge(self) -> None:
        """Stop the judge's worker loop, if one was made."""
        if self._judge is not None:
            close = getattr(self._judge, "close", None)
            if close is not None:
                close()
            self._judge = None

    @property
    def salt(self) -> str | None:
        """The server-side seed salt (never logged, never returned)."""
        return self.settings.seed_salt.get_secret_value() if self.settings.seed_salt else None

    def require_store(self) -> Store:
        """The store, or 503 while it is not open."""
        if self.store is None:
            raise ApiError(503, "the store is not available")
        return self.store

    def suite(self, name: str, field_name: str = "suite") -> Suite:
        """A registered suite, or 422 naming the field."""
        try:
            return get_suite(name)
        except UnknownSuiteError:
            known = [s.name for s in list_suites()]
            raise ApiError.invalid(field_name, f"unknown suite {name!r}; known: {known}") from None

    def profile(self, suite: Suite, name: str | None = None) -> RewardProfile:
        """The run's profile (`medsafe_core.evaluation.resolve_profile`), or 422."""
        try:
            return resolve_profile(suite, name, self.settings.profile_for(suite))
        except BatchError as exc:
            raise ApiError.invalid("profile", exc.message) from None


def service_state(conn: HTTPConnection) -> ServiceState:
    """The app's shared state from a request or WebSocket."""
    state: ServiceState = conn.app.state.medsafe
    return state
