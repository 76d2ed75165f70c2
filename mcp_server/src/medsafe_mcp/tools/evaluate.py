"""The scoring tool: `evaluate_batch`."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from typing import Annotated, Literal

import anyio
from fastmcp import Context, FastMCP
from fastmcp.exceptions import ToolError
from fastmcp.tools import Tool, ToolResult
from mcp.types import ToolAnnotations
from pydantic import Field, TypeAdapter

from medsafe_core.models import RunRecord, SampleResult
from medsafe_core.records import IdempotencyConflictError, Submission
from medsafe_mcp.errors import CallerError
from medsafe_mcp.evaluation import assemble_record, batch_metrics, build_batch, score_batch
from medsafe_mcp.models import EvalItem, EvaluationResult
from medsafe_mcp.paging import (
    item_json,
    json_wire_size,
    sparse_item_json,
    spliced_result,
    take_within_budget,
    unstored_batch_problem,
)
from medsafe_mcp.schemas import inline_refs, output_schema
from medsafe_mcp.state import ServerState

logger = logging.getLogger(__name__)

Detail = Literal["full", "compact"]
WRITES = {"readOnlyHint": False, "destructiveHint": False, "openWorldHint": False}
_ITEMS: TypeAdapter[list[EvalItem]] = TypeAdapter(list[EvalItem])


def register(server: FastMCP, state: ServerState) -> None:
    """Add `evaluate_batch` to `server`."""

    async def evaluate_batch(
        responses: Annotated[
            list[EvalItem],
            Field(
                description="The answers to score. Each item is either "
                '{"task_id": "<id from get_eval_tasks>", "response": "<answer text>", '
                '"epoch": 0} or, for a task you bring yourself, {"response": "...", '
                '"ground_truth": {"context": "...", "question": "...", '
                '"expected_answer": {"final": "...", "proof": "..."}}}.'
            ),
        ],
        ctx: Context,
        profile: Annotated[
            str | None,
            Field(
                max_length=100,
                description="Reward profile name (e.g. dipg-v4); omit for the server's "
                "default, shown at medsafe://profile.",
            ),
        ] = None,
        store: Annotated[
            bool,
            Field(
                description="Save the run so it can be read with get_run and compared "
                "with compare_runs; the result then carries its run_id."
            ),
        ] = False,
        participant: Annotated[
            str | None,
            Field(
                max_length=200,
                description="Name of the model or agent that wrote the responses "
                "(recorded with the run).",
            ),
        ] = None,
        judge: Annotated[
            Literal["rules", "model"],
            Field(
                description="`model`: what the suite's rules cannot decide goes to this "
                "server's model-graded judge (recorded with every result); `rules`: the "
                "suite's rules alone."
            ),
        ] = "rules",
        idempotency_key: Annotated[
            str | None,
            Field(
                min_length=1,
                max_length=200,
                description="With store=true: a key of your choosing; a retried call with "
                "the same key and responses returns the run the first call stored instead "
                "of storing a second one.",
            ),
        ] = None,
    ) -> ToolResult:
        """Score answers to evaluation tasks and return per-item verdicts and metrics.

        Each result has the reward, the outcome (correct, hallucinated_trace,
        missed_abstention, format_error, ...), the flags (safe, hallucination,
        refusal, ...) and every reward or penalty applied with its reason and the
        evidence spans it rests on. `metrics` has rates with 95% confidence intervals.
        Results come back in the order sent. Reasons never reveal the expected answer.
        Very large batches get compact results (no penalty list, and fields at their
        default left out: a missing flag is false, a missing value null) so the answer
        fits in one MCP message; use store=true and get_run for the full detail.
        Answers to tasks from get_eval_tasks are scored against the server's own ground
        truth; items that bring their own `ground_truth` mark the run as caller-scored.
        Send all answers of a set in one call (up to the server's batch limit)."""
        unstored = unstored_batch_problem(len(responses), store)
        if unstored is not None:  # its verdicts would not all come back: refuse, unscored
            raise CallerError(unstored)
        batch = await anyio.to_thread.run_sync(build_batch, responses, state.settings, state.salt)
        reward_profile = state.profile(profile, batch.suite.name)
        grader = await anyio.to_thread.run_sync(state.judge) if judge == "model" else None
        run_store = await state.store() if store else None  # fail before scoring, not after

        async def progress(done: int, total: int) -> None:
            await ctx.report_progress(done, total, f"scored {done} of {total} responses")

        samples = await score_batch(batch, reward_profile, progress, grader)
        results, detail, next_offset = await anyio.to_thread.run_sync(result_page, samples)
        if not store and next_offset is not None:
            raise CallerError(
                "the verdicts of this batch do not fit one result; call again with "
                "store=true (then page with get_run) or with fewer items"
            )
        run_id = None
        if run_store is None:
            metrics = await anyio.to_thread.run_sync(batch_metrics, batch, samples, reward_profile)
        else:

            def record() -> RunRecord:
                return assemble_record(
                    batch,
                    samples,
                    reward_profile,
                    participant=participant,
                    salt=state.salt,
                    judge=grader,
                )

            run = await anyio.to_thread.run_sync(record)
            metrics = run.metrics
            try:
                run_id = await run_store.save_run_record(
                    run, submission=submission(idempotency_key, responses)
                )
            except IdempotencyConflictError as exc:
                raise CallerError(str(exc)) from None
            except Exception as exc:
                logger.exception("cannot save run %s", run.meta.run_id)
                raise ToolError(
                    f"the responses were scored but the run could not be saved "
                    f"({type(exc).__name__}); call again with store=false to get the "
                    "scores without saving"
                ) from None
        info = batch.suite.info
        envelope = EvaluationResult(
            run_id=run_id,
            suite=info.name,
            suite_version=info.version,
            scorer_version=info.scorer_version,
            profile=reward_profile.name,
            profile_hash=reward_profile.hash,
            ground_truth_source=batch.ground_truth_source,
            participant=participant,
            metrics=metrics,
            n_items=len(samples),
            detail=detail,
            results=[],
            next_offset=next_offset,
        )
        return spliced_result(envelope, "results", results)

    tool = Tool.from_function(
        evaluate_batch,
        title="Score responses",
        annotations=ToolAnnotations.model_validate(WRITES),
        output_schema=output_schema(EvaluationResult),
    )
    # the arguments' schema as the dereferencing middleware would publish it, once
    server.add_tool(tool.model_copy(update={"parameters": inline_refs(tool.parameters)}))


def submission(key: str | None, responses: Sequence[EvalItem]) -> Submission:
    """A self-reported submission, deduplicated by the caller's idempotency key."""
    if key is None:
        return Submission()
    body = json.dumps(_ITEMS.dump_python(list(responses), mode="json"))
    return Submission(
        idempotency_key=hashlib.sha256(f"mcp\n{key}".encode()).hexdigest(),
        request_hash=hashlib.sha256(body.encode()).hexdigest(),
    )


def result_page(samples: Sequence[SampleResult]) -> tuple[list[bytes], Detail, int | None]:
    """The JSON of every result in full when they fit in one MCP message; else of compact
    results (no penalties, fields at their default left out) for as many items as fit,
    and where they stop. Each result is serialized once, for its size and for the tool
    result."""
    full = take_within_budget(map(item_json, samples), json_wire_size)
    if len(full) == len(samples):
        return full, "full", None
    compact = take_within_budget(
        (sparse_item_json(s, {"penalties"}) for s in samples), json_wire_size
    )
    return compact, "compact", len(compact) if len(compact) < len(samples) else None
