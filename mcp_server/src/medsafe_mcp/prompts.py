"""Prompts that render a task with its answer-format instructions."""

from __future__ import annotations

from typing import Annotated, get_args

from fastmcp import FastMCP
from pydantic import Field

from medsafe_core.ids import TaskIdError, parse_task_id
from medsafe_core.parsing.types import ResponseFormat
from medsafe_core.suites import UnknownSuiteError, get_suite
from medsafe_mcp.errors import PromptArgumentError, clip
from medsafe_mcp.models import AnswerFormat
from medsafe_mcp.state import ServerState

ANSWER_FORMATS = get_args(AnswerFormat)
MAX_TASK_ID = 200


def render_task_prompt(task_id: str, fmt: str, salt: str | None) -> str:
    """The full prompt of a task of any suite (context, question, instructions), or
    PromptError."""
    parsed = parse_task_id(task_id) if len(task_id) <= MAX_TASK_ID else None
    if parsed is None:
        raise PromptArgumentError(
            f"{clip(task_id)} is not a generated task id; use an id returned by "
            "get_eval_tasks, e.g. <suite>/1/7/000000"
        )
    suite_name = parsed.suite
    if fmt not in ANSWER_FORMATS:
        raise PromptArgumentError(
            f"unknown format {clip(fmt)}; use one of {', '.join(ANSWER_FORMATS)}"
        )
    answer_format = ResponseFormat(fmt)
    try:
        suite = get_suite(suite_name)
        task = suite.resolve(task_id, salt)
    except UnknownSuiteError as exc:
        raise PromptArgumentError(str(exc)) from None
    except TaskIdError as exc:
        raise PromptArgumentError(str(exc)) from None
    rendered: str = suite.prompt(task.view(), answer_format)
    return rendered


def register_prompts(server: FastMCP, state: ServerState) -> None:
    """Add the prompts to `server`."""

    @server.prompt
    def answer_task(
        task_id: Annotated[
            str, Field(description="A task id from get_eval_tasks, e.g. dipg/1/7/000000.")
        ],
        format: Annotated[
            str, Field(description="Answer format: json, xml, yaml or custom_tags.")
        ] = "json",
    ) -> str:
        """Render a task of any suite (context, question and answer-format
        instructions) so a model can answer it in the format evaluate_batch expects."""
        return render_task_prompt(task_id, format, state.salt)
