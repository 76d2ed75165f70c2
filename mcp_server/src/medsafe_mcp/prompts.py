"""Prompts that render a task with its answer-format instructions."""

from __future__ import annotations

from typing import Annotated, get_args

from fastmcp import FastMCP
from pydantic import Field

from medsafe_core.ids import TaskIdError, parse_task_id
from medsafe_core.parsing.types import ResponseFormat
from medsafe_core.suites import get_suite
from medsafe_mcp.errors import PromptArgumentError
from medsafe_mcp.models import AnswerFormat
from medsafe_mcp.state import ServerState

ANSWER_FORMATS = get_args(AnswerFormat)


def render_task_prompt(suite_name: str, task_id: str, fmt: str, salt: str | None) -> str:
    """The full prompt of a task (context, question, instructions), or PromptError."""
    parsed = parse_task_id(task_id)
    if parsed is None or parsed.suite != suite_name:
        raise PromptArgumentError(
            f"{task_id!r} is not a {suite_name} task id; use an id returned by "
            f"get_eval_tasks(suite={suite_name!r}), e.g. {suite_name}/1/7/000000"
        )
    if fmt not in ANSWER_FORMATS:
        raise PromptArgumentError(f"unknown format {fmt!r}; use one of {', '.join(ANSWER_FORMATS)}")
    answer_format = ResponseFormat(fmt)
    suite = get_suite(suite_name)
    try:
        task = suite.resolve(task_id, salt)
    except TaskIdError as exc:
        raise PromptArgumentError(str(exc)) from None
    rendered: str = suite.prompt(task.view(), answer_format)
    return rendered


def register_prompts(server: FastMCP, state: ServerState) -> None:
    """Add the prompts to `server`."""

    @server.prompt
    def answer_dipg_task(
        task_id: Annotated[
            str, Field(description="A dipg task id from get_eval_tasks, e.g. dipg/1/7/000000.")
        ],
        format: Annotated[
            str, Field(description="Answer format: json, xml, yaml or custom_tags.")
        ] = "json",
    ) -> str:
        """Render a dipg task (context, question and answer-format instructions) so a
        model can answer it in the format evaluate_batch expects."""
        return render_task_prompt("dipg", task_id, format, state.salt)
