"""The application factory of the core service."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from anyio import to_thread
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from medsafe_core.service import routes_env, routes_eval
from medsafe_core.service.access import Access, lookup_credential
from medsafe_core.service.errors import (
    ApiError,
    api_error_handler,
    http_exception_handler,
    unhandled_error_handler,
)
from medsafe_core.service.evaluation import close_scoring_pools
from medsafe_core.service.middleware import BearerAuth, BodyLimit, SecurityHeaders
from medsafe_core.service.openapi import build_openapi
from medsafe_core.service.state import ServiceOptions, ServiceState
from medsafe_core.settings import Settings
from medsafe_core.store import Store
from medsafe_core.suites import prepare_suites

logger = logging.getLogger("medsafe.service")

KEEP_ALIVE_S = 75
"""How long uvicorn keeps an idle connection open. It must outlast the clients' own
idle expiry (httpx: 5 s, uvicorn's default too): when both are equal, the server may
close a connection just as the client reuses it, and the request fails with a reset."""


def create_app(
    settings: Settings | None = None,
    store: Store | None = None,
    *,
    options: ServiceOptions | None = None,
) -> Starlette:
    """The core service. Without `store`, it opens the database of `settings` at startup
    (migrating it under the migration lock) and closes it at shutdown; a store passed in
    stays the caller's to close."""
    settings = settings or Settings()
    options = options or ServiceOptions()
    state = ServiceState(settings=settings, options=options, store=store)
    openapi = build_openapi(auth=settings.api_token is not None)

    access = Access.from_specs(settings.credentials)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        if state.store is None:
            state.store = await Store.connect(settings.resolved_database_url())
            state._owns_store = True
        await access.start(state.store, settings.credentials)
        await to_thread.run_sync(prepare_suites)  # the first request does not load the judge
        logger.info("medsafe core service ready; store %s", state.store.url)
        try:
            yield
        finally:
            await to_thread.run_sync(state.close_judge)
            await to_thread.run_sync(close_scoring_pools)
            if state._owns_store and state.store is not None:
                await state.store.close()
                state.store = None

    async def openapi_json(_request: Request) -> Response:
        return JSONResponse(openapi)

    middleware = [
        Middleware(SecurityHeaders),
        Middleware(
            BearerAuth,
            token=settings.api_token.get_secret_value() if settings.api_token else None,
            credentials=access.credentials,
            lookup=lookup_credential,
        ),
        Middleware(BodyLimit, max_bytes=options.max_body_bytes),
    ]
    if options.cors_origins:
        middleware.insert(
            1,
            Middleware(
                CORSMiddleware,
                allow_origins=options.cors_origins,
                allow_methods=["GET", "POST"],
                allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
            ),
        )
    handlers: dict[Any, Any] = {
        ApiError: api_error_handler,
        HTTPException: http_exception_handler,
        Exception: unhandled_error_handler,
    }
    app = Starlette(
        routes=[
            *routes_env.routes,
            *routes_eval.routes,
            Route("/openapi.json", openapi_json, methods=["GET"]),
        ],
        middleware=middleware,
        exception_handlers=handlers,
        lifespan=lifespan,
    )
    app.state.medsafe = state
    app.state.medsafe_access = access
    return app
