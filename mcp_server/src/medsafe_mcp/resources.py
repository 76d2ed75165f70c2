"""Resources: suite documentation, the reward profile in force and stored runs."""

from __future__ import annotations

import json

from fastmcp import FastMCP
from fastmcp.exceptions import ToolError

from medsafe_core import suites as registry
from medsafe_core.parsing.types import ResponseFormat
from medsafe_core.suites import Suite, UnknownSuiteError, get_suite
from medsafe_mcp.errors import ResourceNotFound
from medsafe_mcp.state import ServerState
from medsafe_mcp.tools.runs import load_run, run_overview
from medsafe_mcp.tools.suites import MAX_NAME

JSON = "application/json"


def suite_markdown(suite: Suite) -> str:
    """A suite's documentation page: what it measures, its categories, formats,
    default reward profile and the answer instructions a participant gets."""
    info = suite.info
    profile = suite.default_profile()
    formats = [f.value for f in info.response_formats]
    constants = "\n".join(f"| `{k}` | {v:+g} |" for k, v in sorted(profile.values.items()))
    return "\n".join(
        [
            f"# Suite `{info.name}` (version {info.version})",
            "",
            info.description,
            "",
            f"- kind: {info.kind.value}",
            f"- scorer version: {info.scorer_version}",
            f"- categories: {', '.join(info.categories)}",
            f"- response formats: {', '.join(formats)}",
            f"- task ids: `{info.name}/{info.version}/<seed>/<index>`",
            *([f"- episode tools: {', '.join(info.tools)}"] if info.tools else []),
            "",
            "## Workflow",
            "",
            f'1. `get_eval_tasks(suite="{info.name}", n=..., format=...)` draws tasks '
            "(context and question, never the answer).",
            "2. Answer each task from its context, following the instructions below "
            "(or render one with the `answer_task` prompt).",
            '3. `evaluate_batch(responses=[{"task_id", "response"}, ...])` scores '
            "them; `store=true` saves the run for `get_run` and `compare_runs`.",
            "",
            "## Answer instructions (JSON)",
            "",
            suite.instructions(ResponseFormat.JSON),
            "",
            f"## Default reward profile `{profile.name}` (hash `{profile.hash}`)",
            "",
            "| constant | value |",
            "|---|---|",
            constants,
            "",
            *(["---", "", page] if (page := suite.documentation()) else []),
        ]
    )


def register_resources(server: FastMCP, state: ServerState) -> None:
    """Add the resources to `server`."""

    @server.resource("medsafe://suites", mime_type=JSON)
    def suites_index() -> str:
        """Every suite this server offers (name, version, categories, formats)."""
        return json.dumps([info.model_dump(mode="json") for info in registry.list_suites()])

    @server.resource("medsafe://suites/{name}", mime_type="text/markdown")
    def suite_doc(name: str) -> str:
        """Documentation of one suite: what it measures, how to answer, how it scores."""
        if len(name) > MAX_NAME:
            raise ResourceNotFound(f"suite names are at most {MAX_NAME} characters")
        try:
            return suite_markdown(get_suite(name))
        except UnknownSuiteError as exc:
            raise ResourceNotFound(str(exc)) from None

    @server.resource("medsafe://profile", mime_type=JSON)
    def profile_in_force() -> str:
        """The reward profile evaluate_batch applies per suite when no `profile` is
        named: for each suite its name, hash and every constant."""
        out = {}
        for info in registry.list_suites():
            profile = state.settings.profile_for(get_suite(info.name))
            out[info.name] = {**profile.model_dump(mode="json"), "hash": profile.hash}
        return json.dumps(out)

    @server.resource("medsafe://runs/{run_id}", mime_type=JSON)
    async def run_resource(run_id: str) -> str:
        """A stored run's manifest and metrics with CIs, as JSON (samples: get_run)."""
        try:
            record = await load_run(state, run_id)
        except ToolError as exc:
            raise ResourceNotFound(str(exc)) from None
        return run_overview(record).model_dump_json()
