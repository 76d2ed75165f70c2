"""Leaderboard integrity on the REST side: the suite's official configuration under
this server's settings, and idempotency keys for stored runs."""

from __future__ import annotations

import hashlib
import re

from starlette.requests import Request

from medsafe_core.identity import Identity
from medsafe_core.ids import salt_hash
from medsafe_core.leaderboard import OfficialConfig
from medsafe_core.service.errors import ApiError
from medsafe_core.service.schemas import EvaluateRequest
from medsafe_core.settings import Settings
from medsafe_core.suites import Suite

BATCH_KEYS = frozenset({"evaluations", "responses"})
"""Arrays of `/evaluate` whose items count toward the batch limit."""
IDEMPOTENCY_HEADER = "idempotency-key"
_KEY = re.compile(r"^[\x21-\x7e]{1,200}$")


def official_config(suite: Suite, settings: Settings, salt: str | None) -> OfficialConfig:
    """What a run of `suite` must meet to be ranked on this server: the suite and scorer
    versions in force, the suite's own default profile, the size rules of the settings,
    and this server's salt when it has one."""
    return OfficialConfig(
        suite=suite.info.name,
        suite_version=suite.info.version,
        scorer_version=suite.info.scorer_version,
        profile_hash=suite.default_profile().hash,
        min_tasks=settings.leaderboard_min_tasks,
        epochs=settings.leaderboard_epochs,
        salt_required=salt is not None,
        salt_hash=salt_hash(salt) if salt else None,
    )


def idempotency_key(request: Request) -> str | None:
    """The `Idempotency-Key` header (1 to 200 visible ASCII characters), or None."""
    value = request.headers.get(IDEMPOTENCY_HEADER)
    if value is None:
        return None
    if not _KEY.match(value):
        raise ApiError.invalid(
            "headers.idempotency-key", "1 to 200 visible ASCII characters (e.g. a UUID)"
        )
    return value


def scoped_key(identity: Identity, key: str) -> str:
    """The stored form of a key: hashed with the caller's identity, so two callers'
    keys never collide and a key reveals nothing."""
    return hashlib.sha256(f"{identity.name or ''}\n{key}".encode()).hexdigest()


def request_digest(req: EvaluateRequest) -> str:
    """Hash of a request, to tell a retry from another request under the same key."""
    return hashlib.sha256(req.model_dump_json().encode()).hexdigest()
