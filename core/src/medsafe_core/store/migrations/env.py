"""Alembic environment: runs on the connection that `medsafe_core.store.migrate` hands in.

There is no alembic.ini: the store builds the configuration in code and passes an
open connection (already holding the migration lock) as `config.attributes["connection"]`.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from medsafe_core.store.tables import VERSION_TABLE, metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table=VERSION_TABLE,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reachable by running alembic by hand
    raise RuntimeError("run migrations with `medsafe db upgrade`, not the alembic command")
_run(connection)
