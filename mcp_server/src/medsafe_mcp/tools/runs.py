"""Tools over stored runs: `get_run`, `compare_runs`."""

from __future__ import annotations

from typing import Annotated

import anyio
from fastmcp import FastMCP
from pydantic import Field

from medsafe_core import metrics
from medsafe_core.models import ResponseRecord, RunRecord, SampleResult
from medsafe_mcp.errors import CallerError, clip
from medsafe_mcp.models import RunOverview, RunPage
from medsafe_mcp.paging import budget_beside, take_within_budget, wire_size
from medsafe_mcp.schemas import output_schema
from medsafe_mcp.state import ServerState
from medsafe_mcp.tools.suites import READ_ONLY

MAX_RUN_ID = 128
RunId = Annotated[
    str,
    Field(
        min_length=1,
        max_length=MAX_RUN_ID,
        description="A run id, as returned by evaluate_batch(store=true).",
    ),
]


def run_overview(record: RunRecord) -> RunOverview:
    """What was run and its metrics; never the inline ground truth (`record.tasks`)."""
    return RunOverview(
        meta=record.meta,
        manifest=record.manifest,
        metrics=record.metrics,
        n_samples=len(record.samples),
    )


def run_page(record: RunRecord, offset: int, limit: int, include_responses: bool) -> RunPage:
    """One page of a run's samples (and responses), within the message budget."""
    responses = {(r.id, r.epoch): r for r in record.responses}
    window = record.samples[offset : offset + limit]
    pairs = [(s, responses.get((s.id, s.epoch))) for s in window]

    def size(pair: tuple[SampleResult, ResponseRecord | None]) -> int:
        sample, response = pair
        extra = wire_size(response) + 2 if include_responses and response is not None else 0
        return wire_size(sample) + extra

    result = RunPage(
        **run_overview(record).model_dump(),
        offset=offset,
        samples=[],
        responses=[] if include_responses else None,
        next_offset=len(record.samples),
    )
    page = take_within_budget(pairs, size, budget_beside(result)) if pairs else []
    end = offset + len(page)
    result.samples = [sample for sample, _ in page]
    if include_responses:
        result.responses = [r for _, r in page if r is not None]
    result.next_offset = end if end < len(record.samples) else None
    return result


async def load_run(state: ServerState, run_id: str) -> RunRecord:
    """The stored run, or a ToolError saying there is none with that id."""
    from medsafe_core.store import RunNotFoundError

    if not 1 <= len(run_id) <= MAX_RUN_ID:
        raise CallerError(f"run ids are 1 to {MAX_RUN_ID} characters (got {len(run_id)})")
    store = await state.store()
    try:
        return await store.get_run(run_id)
    except RunNotFoundError:
        raise CallerError(
            f"no stored run with id {clip(run_id)}; runs are stored by "
            "evaluate_batch(store=true), which returns the id"
        ) from None


def register(server: FastMCP, state: ServerState) -> None:
    """Add the run tools to `server`."""

    @server.tool(
        title="Read a stored run",
        annotations=READ_ONLY,
        output_schema=output_schema(RunPage),
    )
    async def get_run(
        run_id: RunId,
        offset: Annotated[int, Field(ge=0, description="First sample to return.")] = 0,
        limit: Annotated[int, Field(ge=1, le=1000, description="Most samples to return.")] = 100,
        include_responses: Annotated[
            bool, Field(description="Also return the raw responses of these samples.")
        ] = False,
    ) -> RunPage:
        """Read a stored run: its manifest (suite, dataset, reward profile, scorer and
        library versions), metrics with 95% confidence intervals, and a page of its
        scored samples (in task id, epoch order) with every penalty and its evidence.
        While `next_offset` is not null, call again with `offset=next_offset`."""
        record = await load_run(state, run_id)
        if offset > len(record.samples):
            raise CallerError(f"offset {offset} is past the run's {len(record.samples)} samples")
        return run_page(record, offset, limit, include_responses)

    @server.tool(
        title="Compare two stored runs",
        annotations=READ_ONLY,
        output_schema=output_schema(metrics.RunComparison),
    )
    async def compare_runs(
        a: Annotated[RunId, Field(description="Run id of the baseline.")],
        b: Annotated[RunId, Field(description="Run id compared against the baseline.")],
    ) -> metrics.RunComparison:
        """Compare two stored runs of the same suite on the tasks they share, matched
        by (task id, epoch): for mean reward and each rate, the value in each run, the
        difference b - a with its 95% CI and a p-value (McNemar's exact test for rates,
        paired bootstrap for reward). Read `warnings`: they say when the runs used
        different profiles, datasets or scorer versions."""
        run_a = await load_run(state, a)
        run_b = await load_run(state, b)
        try:
            return await anyio.to_thread.run_sync(metrics.compare_runs, run_a, run_b)
        except ValueError as exc:
            raise CallerError(str(exc)) from None
