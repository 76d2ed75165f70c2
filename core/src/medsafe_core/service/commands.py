"""`medsafe serve` and `medsafe db upgrade` (mounted into the `medsafe` CLI)."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer
from pydantic import SecretStr

from medsafe_core.settings import Settings

service_app = typer.Typer(no_args_is_help=True, help="The core service and its database.")
db_app = typer.Typer(no_args_is_help=True, help="Database schema (alembic migrations).")
service_app.add_typer(db_app, name="db")

_URL_HELP = "SQLAlchemy URL (default: MEDSAFE_DATABASE_URL, DATABASE_URL, else a SQLite file)."


def _settings(database_url: str | None, token: str | None = None) -> Settings:
    settings = Settings()
    update: dict[str, object] = {}
    if database_url:
        update["database_url"] = database_url
    if token:
        update["api_token"] = SecretStr(token)
    return settings.model_copy(update=update) if update else settings


@service_app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind (0.0.0.0 in containers).")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    database_url: Annotated[str | None, typer.Option(help=_URL_HELP)] = None,
    token: Annotated[
        str | None,
        typer.Option(
            help="Bearer token for every route but /health (prefer MEDSAFE_API_TOKEN: "
            "flags show in process listings)."
        ),
    ] = None,
    max_body_mb: Annotated[float, typer.Option(help="Largest request body, MiB.")] = 32.0,
    max_sessions: Annotated[int, typer.Option(help="Most concurrent /ws sessions.")] = 256,
    cors_origin: Annotated[
        list[str] | None,
        typer.Option(help="Allow this origin via CORS (repeatable; off by default)."),
    ] = None,
    log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "info",
) -> None:
    """Run the core service (OpenEnv environment, evaluation API, runs, reports)."""
    import uvicorn

    from medsafe_core.service.app import KEEP_ALIVE_S, create_app
    from medsafe_core.service.state import ServiceOptions

    settings = _settings(database_url, token)
    options = ServiceOptions(
        max_body_bytes=int(max_body_mb * 1024 * 1024),
        max_sessions=max_sessions,
        cors_origins=list(cors_origin or []),
    )
    app = create_app(settings, options=options)
    auth = "on" if settings.api_token else "off"
    typer.echo(f"medsafe core service on http://{host}:{port} (auth {auth})", err=True)
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level=log_level,
        ws_max_size=options.max_body_bytes,
        server_header=False,
        timeout_keep_alive=KEEP_ALIVE_S,
    )


@db_app.command("upgrade")
def db_upgrade(
    database_url: Annotated[str | None, typer.Option(help=_URL_HELP)] = None,
) -> None:
    """Apply pending migrations (under a lock, so concurrent starts migrate once)."""
    from medsafe_core.store import Store

    async def run() -> tuple[str, str | None]:
        store = await Store.connect(_settings(database_url).resolved_database_url())
        try:
            return store.url, await store.revision()
        finally:
            await store.close()

    url, revision = asyncio.run(run())
    typer.echo(f"{url}: at revision {revision}")


@db_app.command("current")
def db_current(
    database_url: Annotated[str | None, typer.Option(help=_URL_HELP)] = None,
) -> None:
    """Show the schema revision of the database (without migrating)."""
    from medsafe_core.store import Store, head_revision

    async def run() -> tuple[str, str | None]:
        store = await Store.connect(_settings(database_url).resolved_database_url(), migrate=False)
        try:
            return store.url, await store.revision()
        finally:
            await store.close()

    url, revision = asyncio.run(run())
    typer.echo(f"{url}: at revision {revision} (head {head_revision()})")
