"""The core service: OpenEnv-compatible environment, stateless evaluation, runs,
reports and leaderboards over HTTP (Starlette + uvicorn). See docs/service.md.

`create_app` and `ServiceOptions` load on first use, so importing a light submodule
(the CLI's commands, the wire schemas) does not start the web stack."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from medsafe_core.service.app import create_app
    from medsafe_core.service.state import ServiceOptions

__all__ = ["ServiceOptions", "create_app"]
_WHERE = {"create_app": "medsafe_core.service.app", "ServiceOptions": "medsafe_core.service.state"}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'medsafe_core.service' has no attribute {name!r}")
    return getattr(import_module(_WHERE[name]), name)
