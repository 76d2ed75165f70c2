"""Episode tools of every episodic suite: `<suite>_start`, one `<suite>_<tool>` per tool
of the suite, and `<suite>_result`.

Nothing here names a suite: the suites, their tools and each tool's argument schema come
from the registry (`SuiteInfo.tools`, `Suite.tool_arguments()`). An episode's state lives
in the store (the suite's own state plus this layer's transcript and last-use time), so
any replica serves any step; concurrent steps of one episode are serialised by the
store's turn check; episodes idle longer than the time to live expire.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from fastmcp import FastMCP
from fastmcp.tools.base import Tool, ToolResult
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

from medsafe_core import suites as registry
from medsafe_core.models import Score
from medsafe_core.suites import EpisodeState, Suite, SuiteKind
from medsafe_mcp.errors import CallerError
from medsafe_mcp.schemas import output_schema
from medsafe_mcp.state import ServerState

EPISODE_TTL_S = 3600.0
"""Seconds an episode may sit idle before it expires."""
_META = "_mcp"
MAX_SEED = 2**63 - 1


class _Model(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True)


class EpisodeStarted(_Model):
    """A new episode."""

    episode_id: str
    """Pass this to every tool of the episode."""
    task_id: str
    """The task (world) being played."""
    observation: str
    """What the participant sees: the task, the tools and how to call them."""
    tools: list[str]
    """The MCP tools of this episode."""


class EpisodeStep(_Model):
    """The outcome of one tool call."""

    episode_id: str
    """Episode."""
    turn: int
    """Steps taken so far."""
    done: bool
    """Whether the episode has ended (call the result tool)."""
    result: Any = None
    """The tool's structured result (None when the call was rejected)."""
    error: str | None = None
    """Why the call was rejected (it still cost a step)."""
    observation: str = ""
    """The whole observation after this step (status of the task, last result)."""


class EpisodeOutcome(_Model):
    """An episode's score (once ended) or its progress."""

    episode_id: str
    """Episode."""
    task_id: str
    """Task played."""
    turn: int
    """Steps taken."""
    done: bool
    """Whether the episode has ended."""
    score: Score | None = None
    """The episode score with every reward event and its reason (None while running)."""


class _Meta(_Model):
    suite: str
    profile: str
    touched: float
    transcript: list[str] = Field(default_factory=list)


class EpisodeTool(Tool):
    """An MCP tool whose parameters come from a suite's argument model."""

    _handler: Callable[[dict[str, Any]], Awaitable[BaseModel]] = PrivateAttr()

    async def run(self, arguments: dict[str, Any]) -> ToolResult:
        out = await self._handler(arguments)
        return ToolResult(structured_content=out.model_dump(mode="json"))


def _argument_models(suite: Suite) -> dict[str, type[BaseModel] | None]:
    models = suite.tool_arguments()
    return {tool: models.get(tool) for tool in suite.info.tools}


def _parameters(model: type[BaseModel] | None) -> dict[str, Any]:
    episode = {"type": "string", "description": "The episode_id from the start tool."}
    if model is None:
        return {
            "type": "object",
            "properties": {"episode_id": episode, "arguments": {"type": "object"}},
            "required": ["episode_id"],
        }
    schema = model.model_json_schema()
    schema["properties"] = {"episode_id": episode, **schema.get("properties", {})}
    schema["required"] = ["episode_id", *schema.get("required", [])]
    schema.pop("title", None)
    return schema


def _problems(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'arguments'}: {e['msg']}" for e in exc.errors()
    )


class EpisodeTools:
    """The handlers behind one episodic suite's tools."""

    def __init__(self, state: ServerState, suite: Suite, ttl_s: float) -> None:
        self.state, self.suite, self.ttl_s = state, suite, ttl_s
        self.names = [f"{suite.name}_{t}" for t in suite.info.tools]

    async def _load(self, episode_id: str) -> tuple[EpisodeState, _Meta]:
        from medsafe_core.store import EpisodeNotFoundError

        store = await self.state.store()
        start = f"{self.suite.name}_start"
        try:
            stored = await store.load_episode(episode_id)
        except EpisodeNotFoundError:
            raise CallerError(f"unknown episode_id {episode_id!r}; call {start}") from None
        meta = _Meta.model_validate(stored.data.get(_META, {}))
        if meta.suite != self.suite.name:
            raise CallerError(f"episode {episode_id!r} is a {meta.suite} episode")
        if time.time() - meta.touched > self.ttl_s:
            await store.delete_episode(episode_id)
            raise CallerError(
                f"episode {episode_id!r} expired after {self.ttl_s:g}s idle; call {start}"
            )
        return stored, meta

    async def _save(
        self, episode_id: str, state: EpisodeState, meta: _Meta, expected: int | None
    ) -> None:
        from medsafe_core.store import EpisodeConflictError

        meta.touched = time.time()
        data = {**state.data, _META: meta.model_dump()}
        store = await self.state.store()
        try:
            await store.save_episode(
                episode_id, state.model_copy(update={"data": data}), expected_turn=expected
            )
        except EpisodeConflictError as exc:
            raise CallerError(f"{exc}; retry the call") from None

    async def start(self, args: dict[str, Any]) -> EpisodeStarted:
        seed = args.get("seed")
        if seed is None:
            seed = uuid.uuid4().int % MAX_SEED
        difficulty, profile_name = args.get("difficulty"), args.get("profile")
        if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed <= MAX_SEED:
            raise CallerError(f"seed: an integer from 0 to {MAX_SEED}")
        categories = self.suite.info.categories
        if difficulty is not None and difficulty not in categories:
            raise CallerError(f"difficulty: one of {categories}; got {difficulty!r}")
        profile = self.state.profile(profile_name, self.suite.name)
        salt = self.state.salt
        if difficulty is None:
            task = self.suite.task(seed, 0, salt)
        else:
            task = self.suite.tasks(seed, 1, [difficulty], salt)[0]
        first = self.suite.reset(task)
        episode_id = uuid.uuid4().hex
        meta = _Meta(suite=self.suite.name, profile=profile.name, touched=time.time())
        await self._save(episode_id, first.state, meta, None)
        return EpisodeStarted(
            episode_id=episode_id,
            task_id=task.id,
            observation=first.observation.prompt,
            tools=[*self.names, f"{self.suite.name}_result"],
        )

    async def step(
        self, tool: str, model: type[BaseModel] | None, args: dict[str, Any]
    ) -> EpisodeStep:
        args = dict(args)
        episode_id = args.pop("episode_id", None)
        if not isinstance(episode_id, str):
            raise CallerError("episode_id: required (from the start tool)")
        if model is None:
            arguments = args.get("arguments", {})
        else:
            try:
                arguments = model.model_validate(args).model_dump(mode="json", exclude_none=True)
            except ValidationError as exc:
                raise CallerError(f"{self.suite.name}_{tool}: {_problems(exc)}") from None
        stored, meta = await self._load(episode_id)
        if stored.done:
            raise CallerError(f"episode {episode_id!r} has ended; call {self.suite.name}_result")
        task = self.suite.resolve(stored.task_id, self.state.salt)
        profile = self.state.profile(meta.profile, self.suite.name)
        action = json.dumps({"tool": tool, "arguments": arguments})
        own = {k: v for k, v in stored.data.items() if k != _META}
        result = self.suite.step(task, stored.model_copy(update={"data": own}), action, profile)
        meta.transcript.append(action)
        await self._save(episode_id, result.state, meta, stored.turn)
        feedback = result.observation.feedback
        error = feedback.removeprefix("error: ") if feedback.startswith("error: ") else None
        try:
            parsed = json.loads(feedback) if feedback and error is None else None
        except ValueError:
            parsed = feedback
        return EpisodeStep(
            episode_id=episode_id,
            turn=result.state.turn,
            done=result.done,
            result=parsed,
            error=error,
            observation=result.observation.prompt,
        )

    def stepper(
        self, tool: str, model: type[BaseModel] | None
    ) -> Callable[[dict[str, Any]], Awaitable[BaseModel]]:
        """The handler of one tool."""

        async def handle(args: dict[str, Any]) -> BaseModel:
            return await self.step(tool, model, args)

        return handle

    async def result(self, args: dict[str, Any]) -> EpisodeOutcome:
        episode_id = args.get("episode_id")
        if not isinstance(episode_id, str):
            raise CallerError("episode_id: required (from the start tool)")
        stored, meta = await self._load(episode_id)
        score = None
        if stored.done:  # re-scored from the transcript, as a stored run would be
            task = self.suite.resolve(stored.task_id, self.state.salt)
            profile = self.state.profile(meta.profile, self.suite.name)
            score = self.suite.score(task, json.dumps(meta.transcript), profile)
        return EpisodeOutcome(
            episode_id=episode_id,
            task_id=stored.task_id,
            turn=stored.turn,
            done=stored.done,
            score=score,
        )


def _start_parameters(suite: Suite) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "seed": {
                "type": ["integer", "null"],
                "minimum": 0,
                "maximum": MAX_SEED,
                "description": "Seed of the generated world; omit for a fresh one.",
            },
            "difficulty": {
                "type": ["string", "null"],
                "enum": [*suite.info.categories, None],
                "description": "Task category (difficulty tier) to play.",
            },
            "profile": {
                "type": ["string", "null"],
                "description": f"Reward profile; default {suite.info.default_profile}.",
            },
        },
    }


def _tool(
    name: str,
    description: str,
    params: dict[str, Any],
    out: type[BaseModel],
    handler: Callable[[dict[str, Any]], Awaitable[BaseModel]],
) -> EpisodeTool:
    tool = EpisodeTool(
        name=name, description=description, parameters=params, output_schema=output_schema(out)
    )
    tool._handler = handler
    return tool


def register(server: FastMCP, state: ServerState, ttl_s: float = EPISODE_TTL_S) -> None:
    """Add the episode tools of every registered episodic suite to `server`."""
    for info in registry.list_suites():
        if info.kind is not SuiteKind.EPISODIC:
            continue
        suite = registry.get_suite(info.name)
        tools = EpisodeTools(state, suite, ttl_s)
        server.add_tool(
            _tool(
                f"{suite.name}_start",
                f"Start a {suite.name} episode: {info.description}",
                _start_parameters(suite),
                EpisodeStarted,
                tools.start,
            )
        )
        for tool, model in _argument_models(suite).items():
            doc = (model.__doc__ or "").strip() if model else ""
            server.add_tool(
                _tool(
                    f"{suite.name}_{tool}",
                    f"{suite.name} episode tool `{tool}`. {doc}",
                    _parameters(model),
                    EpisodeStep,
                    tools.stepper(tool, model),
                )
            )
        server.add_tool(
            _tool(
                f"{suite.name}_result",
                f"The score of a {suite.name} episode once it has ended.",
                {
                    "type": "object",
                    "properties": {"episode_id": {"type": "string"}},
                    "required": ["episode_id"],
                },
                EpisodeOutcome,
                tools.result,
            )
        )
