"""The core service: OpenEnv-compatible environment, stateless evaluation, runs,
reports and leaderboards over HTTP (Starlette + uvicorn). See docs/service.md."""

from medsafe_core.service.app import create_app
from medsafe_core.service.state import ServiceOptions

__all__ = ["ServiceOptions", "create_app"]
