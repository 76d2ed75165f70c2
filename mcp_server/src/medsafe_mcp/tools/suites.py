"""Tools that describe suites and hand out tasks: `list_suites`, `get_eval_tasks`."""

from __future__ import annotations

import secrets
from itertools import islice
from typing import Annotated

import anyio
from fastmcp import FastMCP
from pydantic import Field

from medsafe_core import suites as registry
from medsafe_core.models import TaskView
from medsafe_core.parsing.types import ResponseFormat
from medsafe_core.suites import Suite, UnknownSuiteError, get_suite
from medsafe_mcp.errors import CallerError
from medsafe_mcp.models import AnswerFormat, EvalTasks, SuiteList
from medsafe_mcp.paging import take_within_budget
from medsafe_mcp.schemas import output_schema
from medsafe_mcp.state import ServerState

READ_ONLY = {"readOnlyHint": True, "idempotentHint": True, "openWorldHint": False}
MAX_SEED = 2**63 - 1


def lookup_suite(name: str) -> Suite:
    """The suite, or a ToolError listing the known ones."""
    try:
        return get_suite(name)
    except UnknownSuiteError as exc:
        raise CallerError(f"{exc}. Call list_suites to see what this server offers.") from None


def register(server: FastMCP, state: ServerState) -> None:
    """Add the suite tools to `server`."""

    @server.tool(
        name="list_suites",
        title="List evaluation suites",
        annotations=READ_ONLY,
        output_schema=output_schema(SuiteList),
    )
    def list_suites() -> SuiteList:
        """List the evaluation suites: name, version, what each measures, task
        categories, accepted response formats and default reward profile.

        Start here, then draw tasks with get_eval_tasks."""
        return SuiteList(suites=registry.list_suites())

    @server.tool(
        title="Draw evaluation tasks",
        annotations=READ_ONLY,
        output_schema=output_schema(EvalTasks),
    )
    async def get_eval_tasks(
        suite: Annotated[str, Field(description="Suite name from list_suites.")] = "dipg",
        n: Annotated[int, Field(description="Number of tasks to draw.")] = 10,
        seed: Annotated[
            int | None,
            Field(
                ge=0,
                le=MAX_SEED,
                description="Seed for reproducible draws; omit for a fresh random seed "
                "(returned in the result).",
            ),
        ] = None,
        categories: Annotated[
            list[str] | None,
            Field(description="Only tasks of these categories (see list_suites); omit for all."),
        ] = None,
        format: Annotated[
            AnswerFormat, Field(description="Answer format the instructions ask for.")
        ] = "json",
        offset: Annotated[
            int,
            Field(ge=0, description="Start at this position of the set (for paging)."),
        ] = 0,
    ) -> EvalTasks:
        """Draw evaluation tasks (context + question, never the answers) and the
        instructions that say how to format each answer.

        Answer every task from its `context` alone, following `instructions`, then
        score all answers in one call: evaluate_batch(responses=[{"task_id": id,
        "response": answer}, ...]). The same suite, seed, n and categories always
        give the same tasks. Large sets come in pages: while `next_offset` is not
        null, call again with the same arguments and `offset=next_offset`."""
        chosen = lookup_suite(suite)
        limit = state.settings.max_batch_items
        if not 1 <= n <= limit:
            raise CallerError(f"n must be between 1 and {limit} (got {n})")
        if offset >= n:
            raise CallerError(f"offset must be below n={n} (got {offset})")
        wanted = sorted(set(categories)) if categories else None
        unknown = set(wanted or ()) - set(chosen.info.categories)
        if unknown:
            raise CallerError(
                f"unknown categories {sorted(unknown)} for suite {suite!r}; "
                f"choose from {chosen.info.categories}"
            )
        draw_seed = secrets.randbelow(2**31) if seed is None else seed

        def draw() -> list[TaskView]:
            tasks = islice(chosen.iter_tasks(draw_seed, wanted), offset, n)
            return take_within_budget(task.view() for task in tasks)

        views = await anyio.to_thread.run_sync(draw)
        end = offset + len(views)
        return EvalTasks(
            suite=chosen.info.name,
            suite_version=chosen.info.version,
            seed=draw_seed,
            n=n,
            offset=offset,
            next_offset=end if end < n else None,
            format=format,
            instructions=chosen.instructions(ResponseFormat(format)),
            tasks=views,
        )
