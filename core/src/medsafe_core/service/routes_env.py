"""OpenEnv-compatible routes: /health, /metadata, /schema, /reset, /step, /state, /ws."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from medsafe_core.service.env import Episode, parse_model, stateless_step
from medsafe_core.service.env_schemas import (
    EnvAction,
    EnvMetadata,
    EnvObservation,
    EnvState,
    ResetRequest,
    SchemaResponse,
    StepRequest,
    WSMessage,
)
from medsafe_core.service.errors import ApiError, FieldError, validation_problem
from medsafe_core.service.http import json_response, read_body
from medsafe_core.service.schemas import HealthResponse
from medsafe_core.service.state import ServiceState, service_state, version
from medsafe_core.suites import list_suites

logger = logging.getLogger("medsafe.service")
BINARY_FRAME = "binary frames are not supported: send each message as JSON in a text frame"


async def health(request: Request) -> Response:
    """Liveness and database reachability (open without a token)."""
    state = service_state(request)
    ok = True
    if state.store is not None:
        try:
            await asyncio.wait_for(state.store.ping(), timeout=5)
        except Exception:  # any database failure is "unhealthy", not a 500
            logger.warning("health check: database unreachable")
            ok = False
    body = HealthResponse(status="healthy" if ok else "unhealthy", version=version())
    return json_response(body, 200 if ok else 503)


async def env_metadata(_request: Request) -> Response:
    """OpenEnv metadata."""
    return json_response(
        EnvMetadata(
            name="medsafe",
            description="Safety of medical AI agents: grounded clinical QA with abstention "
            "and conflict handling; the step scores `llm_response` against the task.",
            version=version(),
            suites=[s.name for s in list_suites()],
        )
    )


async def env_schema(_request: Request) -> Response:
    """JSON schemas of action, observation and state."""
    return json_response(
        SchemaResponse(
            action=EnvAction.model_json_schema(),
            observation=EnvObservation.model_json_schema(),
            state=EnvState.model_json_schema(),
        )
    )


async def env_reset(request: Request) -> Response:
    """Start an episode and return its first observation (self-contained)."""
    empty = not (await request.body()).strip()
    req = ResetRequest() if empty else await read_body(request, ResetRequest)
    episode, _ = Episode.start(service_state(request), req)
    return json_response(episode.reset_response())


async def env_step(request: Request) -> Response:
    """Score one action against the task it names (self-contained)."""
    req = await read_body(request, StepRequest)
    state = service_state(request)
    return json_response(stateless_step(state, req.action, req.request_id))


async def env_state(_request: Request) -> Response:
    """HTTP has no session, so this is the empty state; sessions live on /ws."""
    return json_response(EnvState())


def _ws_error(message: str, code: str, errors: list[FieldError] | None = None) -> str:
    data: dict[str, object] = {"message": message, "code": code}
    if errors:
        data["errors"] = [e.model_dump() for e in errors]
    return json.dumps({"type": "error", "data": data})


class Session:
    """One `/ws` connection: one environment, one episode at a time."""

    def __init__(self, state: ServiceState) -> None:
        self.state = state
        self.episode: Episode | None = None
        self.seed: int | None = None
        self.next_index = 0

    def handle(self, message: WSMessage) -> str:
        if message.type == "reset":
            req = parse_model(ResetRequest, message.data, "data")
            if req.task_id is None:
                if req.seed is None:
                    seed = self.seed if self.seed is not None else secrets.randbelow(2**31)
                    req = req.model_copy(update={"seed": seed})
                if req.seed != self.seed:
                    self.seed, self.next_index = req.seed, 0
            episode, index = Episode.start(self.state, req, default_index=self.next_index)
            if req.task_id is None:
                self.next_index = index + 1
            self.episode = episode
            data = episode.reset_response().model_dump(mode="json")
            return json.dumps({"type": "observation", "data": data})
        if message.type == "step":
            if self.episode is None:
                raise ApiError.invalid("type", "reset before the first step")
            action = parse_model(EnvAction, message.data, "data")
            data = self.episode.step(self.state, action).model_dump(mode="json")
            return json.dumps({"type": "observation", "data": data})
        state = self.episode.env_state() if self.episode else EnvState(seed=self.seed)
        return json.dumps({"type": "state", "data": state.model_dump(mode="json")})


async def env_ws(websocket: WebSocket) -> None:
    """Persistent environment sessions (OpenEnv's /ws protocol)."""
    state = service_state(websocket)
    await websocket.accept()
    if state.active_sessions >= state.options.max_sessions:
        limit = state.options.max_sessions
        await websocket.send_text(_ws_error(f"at most {limit} sessions", "CAPACITY_REACHED"))
        await websocket.close(code=1013)
        return
    state.active_sessions += 1
    session = Session(state)
    try:
        while True:
            frame = await asyncio.wait_for(
                websocket.receive(), timeout=state.options.session_idle_timeout_s
            )
            if frame["type"] == "websocket.disconnect":
                break
            raw = frame.get("text")
            if raw is None:  # a binary frame: say so instead of closing silently
                await websocket.send_text(_ws_error(BINARY_FRAME, "INVALID_JSON"))
                continue
            if len(raw) > state.options.max_body_bytes:
                await websocket.send_text(_ws_error("message too large", "VALIDATION_ERROR"))
                continue
            try:
                message = WSMessage.model_validate_json(raw)
            except ValidationError as exc:
                problem = validation_problem(exc)
                code = "INVALID_JSON" if "json_invalid" in str(exc) else "VALIDATION_ERROR"
                await websocket.send_text(_ws_error(problem.detail, code, problem.errors))
                continue
            if message.type == "close":
                break
            try:
                reply = session.handle(message)
            except ApiError as err:
                reply = _ws_error(err.detail, "VALIDATION_ERROR", err.errors)
            await websocket.send_text(reply)
    except (WebSocketDisconnect, TimeoutError):
        pass
    finally:
        state.active_sessions -= 1
        with contextlib.suppress(RuntimeError, WebSocketDisconnect):  # the peer left first
            await websocket.close()


routes = [
    Route("/health", health, methods=["GET"]),
    Route("/metadata", env_metadata, methods=["GET"]),
    Route("/schema", env_schema, methods=["GET"]),
    Route("/reset", env_reset, methods=["POST"]),
    Route("/step", env_step, methods=["POST"]),
    Route("/state", env_state, methods=["GET"]),
    WebSocketRoute("/ws", env_ws),
]
