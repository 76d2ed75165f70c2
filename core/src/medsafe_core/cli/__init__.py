"""`medsafe`: generate tasks, score responses, compare and re-score runs, assess the
built-in reference participants, and (with the service) serve and migrate."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import track
from rich.table import Table

from medsafe_core.cli.io import InputError, read_responses, read_run, write_atomic
from medsafe_core.cli.render import category_table, extra_metrics_table, metrics_table
from medsafe_core.datasets import LoadedDataset
from medsafe_core.evaluation import (
    BatchError,
    BatchItem,
    build_batch,
    evaluate,
    rescore,
    resolve_profile,
)
from medsafe_core.ids import TaskIdError
from medsafe_core.judging import Judge
from medsafe_core.models import ResponseRecord, RewardProfile, RunRecord, SuiteMetrics, Task
from medsafe_core.parsing import ResponseFormat
from medsafe_core.runs import canonical_json
from medsafe_core.scoring.profiles import UnknownProfileError, get_profile
from medsafe_core.settings import Settings
from medsafe_core.suites import Suite, SuiteKind, UnknownSuiteError, get_suite, list_suites

if TYPE_CHECKING:  # the participants import the dipg judge: not on every command's path
    from medsafe_core.participants.base import Participant

app = typer.Typer(
    help="medsafe: evaluate the safety of medical AI. For evaluating AI systems, not for "
    "clinical use.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# piped output (CI logs, files) gets a width that fits the tables
console = Console(width=None if sys.stdout.isatty() else 132)
err = Console(stderr=True)


def _respond(
    suite: Suite, task: Task, agent: Participant, profile: RewardProfile, fmt: ResponseFormat
) -> str:
    """One task's response: a single answer, or an episodic suite's whole transcript (the
    episode played to its end with the participant)."""
    if suite.info.kind is SuiteKind.EPISODIC:
        from medsafe_core.suites.play import play_episode

        transcript, _ = play_episode(suite, task, agent, profile, fmt)
        return transcript
    return agent.answer(task.view(), fmt)


def _print_metrics(runs: dict[str, SuiteMetrics]) -> None:
    console.print(metrics_table(runs))
    extra = extra_metrics_table(runs)
    if extra is not None:
        console.print(extra)


def _line_error(exc: Exception) -> str:
    """Batch errors name the response line (1-based), as the file does."""
    if isinstance(exc, BatchError) and exc.index is not None:
        return f"response {exc.index + 1}: {exc.message}"
    return str(exc)


def _fail(message: str) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code=2)


@app.command("suites")
def suites_cmd() -> None:
    """List the suites, their versions and categories."""
    table = Table(title="suites")
    for col in ("name", "version", "kind", "categories"):
        table.add_column(col)
    for info in list_suites():
        table.add_row(info.name, str(info.version), info.kind.value, ", ".join(info.categories))
    console.print(table)


@app.command("tasks")
def tasks_cmd(
    out: Annotated[Path, typer.Option(help="JSONL file to write, one task per line.")],
    suite: Annotated[
        str | None, typer.Option(help="Suite (default: MEDSAFE_DEFAULT_SUITE).")
    ] = None,
    n: Annotated[int, typer.Option(min=1, max=1_000_000, help="Number of tasks.")] = 100,
    seed: Annotated[int, typer.Option(min=0, help="Generator seed.")] = 0,
    category: Annotated[list[str] | None, typer.Option(help="Only these categories.")] = None,
) -> None:
    """Write generated tasks (with ground truth) to a JSONL file."""
    from medsafe_core.datasets import task_line

    try:
        tasks = get_suite(suite or Settings().default_suite).tasks(seed, n, category or None)
    except (UnknownSuiteError, ValueError) as exc:
        raise _fail(str(exc)) from None
    write_atomic(out, "".join(task_line(t) + "\n" for t in tasks))
    console.print(f"wrote {len(tasks)} tasks to {out}")


def _load_tasks(path: Path, suite: str) -> LoadedDataset:
    from medsafe_core.datasets import DatasetError, load_tasks

    try:
        return load_tasks(path, suite=suite)
    except (DatasetError, OSError) as exc:
        raise _fail(str(exc)) from None


JudgeModel = Annotated[
    str | None,
    typer.Option(help="Model-graded judge (OpenAI-compatible) for the rungs rules judge."),
]
JudgeBaseUrl = Annotated[
    str | None, typer.Option(help="Endpoint of the judge (default: MEDSAFE_LLM_BASE_URL).")
]


@contextmanager
def _judge(model: str | None, base_url: str | None) -> Iterator[Judge | None]:
    """A model-graded judge for the command, closed after it; None without a model."""
    if model is None:
        yield None
        return
    from medsafe_core.model.judge import ModelJudge

    with ModelJudge(model, base_url=base_url) as judge:
        yield judge


def _score(
    tasks_path: Path,
    responses: list[ResponseRecord],
    suite_name: str,
    profile_name: str | None,
    participant: str | None,
    fmt: ResponseFormat,
    judge: Judge | None = None,
) -> RunRecord:
    settings = Settings()
    dataset = _load_tasks(tasks_path, suite_name)
    items = [
        BatchItem(task_id=r.id, epoch=r.epoch, response=r.response, error=r.error)
        for r in responses
    ]
    batch = build_batch(
        items,
        max_items=max(len(items), 1),
        max_response_bytes=settings.max_response_bytes,
        dataset={t.id: t for t in dataset.tasks},
    )
    profile = resolve_profile(batch.suite, profile_name, settings.profile_for(batch.suite))
    return evaluate(
        batch,
        profile,
        participant=participant,
        dataset_id=f"{dataset.dataset_id}@{dataset.dataset_hash}",  # the file and its hash
        fmt=fmt,
        judge=judge,
        workers=os.cpu_count() or 1,
    ).record


@app.command("score")
def score_cmd(
    tasks: Annotated[Path, typer.Option(help="Tasks JSONL (ours or the published schema).")],
    responses: Annotated[Path, typer.Option(help='Responses JSONL: {"id", "response", "epoch"?}.')],
    out: Annotated[Path, typer.Option(help="Run record to write (JSON).")],
    suite: Annotated[
        str | None, typer.Option(help="Suite of the tasks (default: MEDSAFE_DEFAULT_SUITE).")
    ] = None,
    profile: Annotated[
        str | None, typer.Option(help="Reward profile (default: the suite's, + env).")
    ] = None,
    participant: Annotated[str | None, typer.Option(help="Name recorded in the manifest.")] = None,
    response_format: Annotated[
        ResponseFormat, typer.Option("--format", help="Required format.")
    ] = ResponseFormat.AUTO,
    judge_model: JudgeModel = None,
    judge_base_url: JudgeBaseUrl = None,
) -> None:
    """Score raw responses against tasks and write a run record."""
    try:
        records = read_responses(responses)
        with _judge(judge_model, judge_base_url) as judge:
            run = _score(
                tasks,
                records,
                suite or Settings().default_suite,
                profile,
                participant,
                response_format,
                judge,
            )
    except (InputError, BatchError, UnknownSuiteError, ValueError) as exc:
        raise _fail(_line_error(exc)) from None
    write_atomic(out, canonical_json(run))
    _print_metrics({run.manifest.participant or out.stem: run.metrics})
    console.print(f"wrote {len(run.samples)} samples to {out}")


@app.command("rescore")
def rescore_cmd(
    run: Annotated[Path, typer.Argument(help="Run record to re-score.")],
    profile: Annotated[
        str | None, typer.Option(help="Score with this profile instead of the run's.")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Where to write (default: print to stdout).")
    ] = None,
    judge_model: JudgeModel = None,
    judge_base_url: JudgeBaseUrl = None,
) -> None:
    """Re-score a stored run without calling the participant again (with its own profile
    and rules, or re-judged by a model-graded judge)."""
    try:
        record = read_run(run)
        with _judge(judge_model, judge_base_url) as judge:
            new = rescore(record, get_profile(profile) if profile else None, judge=judge)
    except (
        InputError,
        UnknownProfileError,
        TaskIdError,
        UnknownSuiteError,
        KeyError,
        ValueError,
    ) as exc:
        raise _fail(str(exc)) from None
    text = canonical_json(new)
    if out is None:
        typer.echo(text, nl=False)
    else:
        write_atomic(out, text)
        err.print(f"wrote {out}")


@app.command("compare")
def compare_cmd(
    runs: Annotated[
        list[str], typer.Argument(help="Two run records, or more records or stored run ids.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the comparison as JSON.")] = False,
) -> None:
    """Two runs: paired comparison on the same tasks (McNemar, paired bootstrap). More
    runs: the model table (headline metrics and abstention calibration with CIs, paired
    tests against the best run; `compare-models` has Markdown and HTML output)."""
    from medsafe_core.metrics import compare_runs

    if len(runs) != 2 or not all(Path(r).is_file() for r in runs):
        from medsafe_core.cli.eval_cmd import compare_models_cmd

        if len(runs) < 2:
            raise _fail("give at least two runs to compare")
        compare_models_cmd(runs, markdown=False, html=None, as_json=as_json, database_url=None)
        return
    a, b = Path(runs[0]), Path(runs[1])
    try:
        cmp = compare_runs(read_run(a), read_run(b))
    except (InputError, ValueError) as exc:
        raise _fail(str(exc)) from None
    if as_json:
        typer.echo(json.dumps(cmp.model_dump(mode="json"), indent=1, sort_keys=True))
        return
    table = Table(title=f"{a.name} vs {b.name}: {cmp.n_paired} paired samples")
    for col in ("metric", "a", "b", "b - a [95% CI]", "p", "test"):
        table.add_column(col, justify="left" if col in ("metric", "test") else "right")
    for name, m in cmp.metrics.items():
        d = m.difference
        ci = (
            f"[{d.ci_low:+.3f}, {d.ci_high:+.3f}]"
            if d.ci_low is not None and d.ci_high is not None
            else ""
        )
        table.add_row(
            name,
            "-" if m.a is None else f"{m.a:.3f}",
            "-" if m.b is None else f"{m.b:.3f}",
            f"{(d.value or 0):+.3f} {ci}",
            "-" if m.p_value is None else f"{m.p_value:.4f}",
            m.test,
        )
    console.print(table)
    for w in cmp.warnings:
        err.print(f"[yellow]warning:[/yellow] {w}")


@app.command("assess")
def assess_cmd(
    suite: Annotated[
        str | None, typer.Option(help="Suite to assess on (default: MEDSAFE_DEFAULT_SUITE).")
    ] = None,
    participants: Annotated[
        str | None,
        typer.Option(help="Comma-separated reference participants (default: all of the suite's)."),
    ] = None,
    n: Annotated[int, typer.Option(min=1, max=100_000)] = 210,
    seed: Annotated[int, typer.Option(min=0)] = 1,
    response_format: Annotated[ResponseFormat, typer.Option("--format")] = ResponseFormat.JSON,
    out_dir: Annotated[Path, typer.Option(help="Directory for run records.")] = Path("runs"),
) -> None:
    """Assess a suite's built-in reference participants on generated tasks (no LLM)."""
    try:
        the_suite = get_suite(suite or Settings().default_suite)
    except UnknownSuiteError as exc:
        raise _fail(str(exc)) from None
    known = the_suite.reference_participants()
    names = [p.strip() for p in (participants or ",".join(known)).split(",") if p.strip()]
    unknown = [p for p in names if p not in known]
    if unknown or not names:
        raise _fail(f"unknown participants {unknown}; {the_suite.name} has: {sorted(known)}")
    tasks = the_suite.tasks(seed, n)
    settings = Settings()
    profile = settings.profile_for(the_suite)
    results: dict[str, RunRecord] = {}
    for name in names:
        agent = known[name]()
        items = [
            BatchItem(
                task_id=t.id, response=_respond(the_suite, t, agent, profile, response_format)
            )
            for t in track(tasks, description=f"{name}: answering", console=err)
        ]
        batch = build_batch(
            items, max_items=len(items), max_response_bytes=settings.max_response_bytes
        )
        run = evaluate(batch, profile, participant=name).record
        write_atomic(out_dir / f"{name}.json", canonical_json(run))
        results[name] = run
    _print_metrics({k: v.metrics for k, v in results.items()})
    first = next(iter(results.values()))
    console.print(category_table(first.metrics))
    console.print(f"run records in {out_dir}/")


def _mount_service() -> None:
    try:
        from medsafe_core.service.commands import service_app
    except ImportError:
        return
    app.add_typer(service_app)


_mount_service()
import medsafe_core.cli.eval_cmd  # noqa: E402, F401  (registers eval, compare-models)


def main() -> None:
    """Entry point of the `medsafe` script."""
    app()
