"""Tools that describe suites and hand out tasks: `list_suites`, `get_eval_tasks`."""

from __future__ import annotations

import secrets
from typing import Annotated

import anyio
from fastmcp import FastMCP
from pydantic import Field

from medsafe_core import suites as registry
from medsafe_core.models import TaskView
from medsafe_core.parsing.types import ResponseFormat
from medsafe_core.suites import Suite, UnknownSuiteError, get_suite
from medsafe_mcp.errors import CallerError, clip
from medsafe_mcp.models import AnswerFormat, EvalTasks, SuiteList
from medsafe_mcp.paging import budget_beside, take_within_budget
from medsafe_mcp.schemas import output_schema
from medsafe_mcp.state import ServerState
from medsafe_mcp.task_pages import TaskPages

READ_ONLY = {"readOnlyHint": True, "idempotentHint": True, "openWorldHint": False}
MAX_SEED = 2**63 - 1
MAX_NAME = 64
"""Longest suite or category name accepted."""
MAX_CATEGORIES = 64
TASK_PAGES = TaskPages()


def lookup_suite(name: str) -> Suite:
    """The suite, or a ToolError listing the known ones (a long name is not echoed)."""
    if len(name) > MAX_NAME:
        raise CallerError(
            f"suite names are at most {MAX_NAME} characters (got {len(name)}); "
            "call list_suites to see what this server offers"
        )
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
        suite: Annotated[
            str, Field(max_length=MAX_NAME, description="Suite name from list_suites.")
        ] = "dipg",
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
            list[Annotated[str, Field(max_length=MAX_NAME)]] | None,
            Field(
                max_length=MAX_CATEGORIES,
                description="Only tasks of these categories (see list_suites); omit for all.",
            ),
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
                f"unknown categories {clip(sorted(unknown))} for suite {chosen.info.name!r}; "
                f"choose from {chosen.info.categories}"
            )
        draw_seed = secrets.randbelow(2**31) if seed is None else seed

        page = EvalTasks(
            suite=chosen.info.name,
            suite_version=chosen.info.version,
            seed=draw_seed,
            n=n,
            offset=offset,
            next_offset=n,
            format=format,
            instructions=chosen.instructions(ResponseFormat(format)),
            tasks=[],
        )
        budget = budget_beside(page)

        def draw() -> list[TaskView]:
            # O(page): tasks are generated from `offset` on, not from index 0.
            tasks = TASK_PAGES.iter_from(chosen, draw_seed, wanted, None, offset, n)
            return take_within_budget((task.view() for task in tasks), budget=budget)

        views = await anyio.to_thread.run_sync(draw)
        end = offset + len(views)
        page.tasks = views
        page.next_offset = end if end < n else None
        return page
