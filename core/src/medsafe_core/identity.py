"""Identities bound to credentials: who stores a run, under which participant names,
and which stored runs they may read. Pure (no store, no network).

A credential is a bearer token known to the server only by its SHA-256, with a name
(the submitter) and the participant names it may store runs under (by default its own
name: a per-participant token). Admin credentials sign runs off and read every run.
The shared `MEDSAFE_API_TOKEN` and anonymous callers carry no identity: they cannot
store runs under a participant name that a credential is bound to.
"""

from __future__ import annotations

import hashlib
import re

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def hash_token(token: str) -> str:
    """The SHA-256 (hex) a credential's token is stored and compared as."""
    return hashlib.sha256(token.encode()).hexdigest()


def bearer_token(value: bytes) -> bytes | None:
    """The token of an `Authorization: Bearer <token>` header value; the scheme name is
    case-insensitive (RFC 9110, section 11.1). None for another scheme or no token."""
    scheme, _, token = value.strip().partition(b" ")
    token = token.strip()
    if scheme.lower() != b"bearer" or not token:
        return None
    return token


class CredentialSpec(BaseModel):
    """One credential as configured (`MEDSAFE_CREDENTIALS`, a JSON list of these):
    a name, the token or its SHA-256, the participants it may store runs under."""

    model_config = ConfigDict(use_attribute_docstrings=True, extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    """The submitter this credential identifies."""
    token: SecretStr | None = None
    """The bearer token itself (hashed at once; prefer `token_sha256`)."""
    token_sha256: str | None = None
    """SHA-256 (hex) of the bearer token, so the token never sits in the environment."""
    participants: list[str] = Field(default_factory=list, max_length=1000)
    """Participant names it may store runs under; empty means its own `name`."""
    admin: bool = False
    """May sign runs off as official and read every run."""

    @model_validator(mode="after")
    def _one_token(self) -> CredentialSpec:
        if (self.token is None) == (self.token_sha256 is None):
            raise ValueError("give exactly one of `token` and `token_sha256`")
        if self.token_sha256 is not None and not _HEX64.match(self.token_sha256):
            raise ValueError("`token_sha256` must be 64 lower-case hex digits")
        if self.token is not None and len(self.token.get_secret_value()) < 16:
            raise ValueError("a credential token needs at least 16 characters")
        return self

    def hashed(self) -> str:
        """The token's SHA-256."""
        if self.token_sha256 is not None:
            return self.token_sha256
        assert self.token is not None
        return hash_token(self.token.get_secret_value())

    def identity(self) -> Identity:
        """The identity this credential grants."""
        return Identity(
            name=self.name,
            participants=frozenset(self.participants or [self.name]),
            admin=self.admin,
        )


class Identity(BaseModel):
    """Who is calling. `name` None: anonymous or the shared token (no identity)."""

    model_config = ConfigDict(use_attribute_docstrings=True, frozen=True)

    name: str | None = None
    """The credential's name (the submitter)."""
    participants: frozenset[str] = frozenset()
    """Participant names this identity may store runs under (and read runs of)."""
    admin: bool = False
    """Signs runs off and reads every run."""


ANONYMOUS = Identity()
"""A caller without a credential (no token, or the shared service token)."""


class SubmissionRefused(ValueError):
    """The caller may not store a run under that participant name."""


def check_participant(identity: Identity, participant: str | None, bound: set[str]) -> bool:
    """Whether `identity` may store a run under `participant`, given the names `bound`
    to some credential; returns whether the run is verified (stored by a credential bound
    to its participant). Raises SubmissionRefused otherwise."""
    if participant is None:
        return False
    if participant in identity.participants:
        return True
    if identity.name is not None:
        allowed = ", ".join(sorted(identity.participants)) or "none"
        raise SubmissionRefused(f"credential {identity.name!r} may store runs only as: {allowed}")
    if participant in bound:
        raise SubmissionRefused(
            f"participant {participant!r} is bound to a credential: send that credential's token"
        )
    return False


def may_read(
    identity: Identity | None, *, submitter: str | None, participant: str | None, published: bool
) -> bool:
    """Whether `identity` may read a stored run (None: an unscoped, trusted reader)."""
    if identity is None or identity.admin or published:
        return True
    if participant is not None and participant in identity.participants:
        return True
    return submitter == identity.name
