"""Credentials, stored as token hashes: who a bearer token identifies."""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import delete, insert, select

from medsafe_core.identity import CredentialSpec, Identity
from medsafe_core.store._base import StoreBase, now_iso
from medsafe_core.store.tables import credentials


class Credentials(StoreBase):
    """Credentials shared by every process on the database (the core service writes the
    configured ones at start; the MCP server and the green agent can look them up)."""

    async def put_credentials(self, specs: Sequence[CredentialSpec]) -> None:
        """Store credentials by the SHA-256 of their tokens (replacing any with the same
        hash); the tokens themselves are never stored."""
        rows = [
            {
                "token_sha256": spec.hashed(),
                "name": spec.name,
                "participants_json": json.dumps(sorted(spec.identity().participants)),
                "admin": spec.admin,
                "created_at": now_iso(),
            }
            for spec in specs
        ]
        if not rows:
            return
        async with self._write() as conn:
            hashes = [r["token_sha256"] for r in rows]
            await conn.execute(delete(credentials).where(credentials.c.token_sha256.in_(hashes)))
            await conn.execute(insert(credentials), rows)

    async def identity_of(self, token_sha256: str) -> Identity | None:
        """The identity of a token hash (None when no credential has it)."""
        async with self._read() as conn:
            row = (
                await conn.execute(
                    select(credentials).where(credentials.c.token_sha256 == token_sha256)
                )
            ).first()
        if row is None:
            return None
        return Identity(
            name=row.name,
            participants=frozenset(json.loads(row.participants_json)),
            admin=bool(row.admin),
        )

    async def bound_participants(self) -> set[str]:
        """Participant names some credential is bound to (only its holders may store
        runs under them)."""
        async with self._read() as conn:
            rows = await conn.execute(select(credentials.c.participants_json))
            return {name for r in rows for name in json.loads(r[0])}

    async def has_credentials(self) -> bool:
        """Whether any credential exists (runs are then read per identity)."""
        async with self._read() as conn:
            row = (await conn.execute(select(credentials.c.token_sha256).limit(1))).first()
        return row is not None
