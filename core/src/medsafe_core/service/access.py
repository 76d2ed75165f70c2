"""Who the caller is and what they may do: identities from credentials, which runs
they read, under which participant names they store runs, signing off and publishing."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.requests import HTTPConnection
from starlette.types import Scope

from medsafe_core.identity import (
    ANONYMOUS,
    CredentialSpec,
    Identity,
    SubmissionRefused,
    check_participant,
)
from medsafe_core.service.errors import ApiError
from medsafe_core.service.middleware import IDENTITY_KEY
from medsafe_core.store import Store, Submission


@dataclass
class Access:
    """The configured credentials (token hash -> identity) and whether reads are scoped:
    they are as soon as any credential exists (in settings or in the store); without
    credentials the service has one class of caller and every run is theirs."""

    credentials: dict[str, Identity] = field(default_factory=dict)
    scoped: bool = False

    @classmethod
    def from_specs(cls, specs: list[CredentialSpec]) -> Access:
        """From the settings' credentials."""
        return cls({spec.hashed(): spec.identity() for spec in specs}, scoped=bool(specs))

    async def start(self, store: Store, specs: list[CredentialSpec]) -> None:
        """At service start: store the configured credentials (hashed) so that other
        processes on the database know them; scope reads if any credential exists."""
        await store.put_credentials(specs)
        self.scoped = self.scoped or await store.has_credentials()


def access_of(conn: HTTPConnection) -> Access:
    """The app's access state."""
    found: Access = conn.app.state.medsafe_access
    return found


async def lookup_credential(scope: Scope, digest: str) -> Identity | None:
    """A credential not configured in this process, from the store (other processes may
    have written it)."""
    store: Store | None = scope["app"].state.medsafe.store
    if store is None:
        return None
    return await store.identity_of(digest)


def caller(conn: HTTPConnection) -> Identity:
    """The caller's identity (anonymous for the shared token or no token)."""
    found: Identity = conn.scope.get("state", {}).get(IDENTITY_KEY, ANONYMOUS)
    return found


def viewer(conn: HTTPConnection) -> Identity | None:
    """Whose reads to scope: the caller once credentials exist, else None (unscoped)."""
    return caller(conn) if access_of(conn).scoped else None


async def submission_for(
    conn: HTTPConnection,
    store: Store,
    participant: str | None,
    *,
    idempotency_key: str | None = None,
    request_hash: str | None = None,
) -> Submission:
    """How a REST run is stored: self-reported, by the caller, its participant verified
    when the caller's credential is bound to it. 403 when the caller may not use that
    participant name (another credential's, or not one of the caller's)."""
    identity = caller(conn)
    try:
        verified = check_participant(identity, participant, await store.bound_participants())
    except SubmissionRefused as exc:
        raise ApiError(403, f"participant: {exc}") from None
    return Submission(
        submitter=identity.name,
        participant_verified=verified,
        idempotency_key=idempotency_key,
        request_hash=request_hash,
    )
