"""`medsafe`: generate tasks, score responses, compare and re-score runs, assess the
built-in reference participants, and (with the service) serve and migrate."""

from __future__ import annotations

import functools
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from typer.core import TyperGroup

# Each command imports what it needs when it runs: `medsafe score --help` or
# `medsafe tasks` load neither the models of every command, the evaluation engine, the
# judge, the service nor the store (tests/core/test_cli_imports.py). The annotations of
# the commands' parameters are read when the app is built, so their types stay here and
# light.
if TYPE_CHECKING:
    from rich.console import Console
    from typer import _click
    from typer.core import TyperOption

    from medsafe_core.datasets import LoadedDataset
    from medsafe_core.judging import Judge
    from medsafe_core.models import ResponseRecord, RewardProfile, RunRecord, SuiteMetrics, Task
    from medsafe_core.parsing import ResponseFormat
    from medsafe_core.participants.base import Participant
    from medsafe_core.suites import Suite


class Format(StrEnum):
    """The choices of `--format`: the values of `medsafe_core.parsing.ResponseFormat`,
    without importing the parsers (a test keeps the two equal)."""

    AUTO = "auto"
    JSON = "json"
    XML = "xml"
    YAML = "yaml"
    CUSTOM_TAGS = "custom_tags"

    def parsing(self) -> ResponseFormat:
        from medsafe_core.parsing import ResponseFormat

        return ResponseFormat(self.value)


@functools.cache
def _service_commands() -> dict[str, _click.Command]:
    """`serve` and `db` (the service's commands, absent without its dependencies)."""
    try:
        from medsafe_core.service.commands import service_app
    except ImportError:
        return {}
    return dict(typer.main.get_group(service_app).commands)


class _Commands(TyperGroup):
    """The `medsafe` commands, the service's loaded only when one of them is run or the
    command list is shown (their module reads the service's settings)."""

    def list_commands(self, ctx: _click.Context) -> list[str]:
        names = super().list_commands(ctx)
        return names + [n for n in _service_commands() if n not in names]

    def get_command(self, ctx: _click.Context, cmd_name: str) -> _click.Command | None:
        return super().get_command(ctx, cmd_name) or _service_commands().get(cmd_name)

    def get_help_option(self, ctx: _click.Context) -> TyperOption | None:
        # typer coerces an option's value with a pydantic TypeAdapter unless it is
        # already a bool; the group's `--help`, absent from `medsafe score --help`, has
        # the value None (its default), and building that adapter imported pydantic
        option = super().get_help_option(ctx)
        if option is not None and option.default is None:
            option.default = False
        return option


app = typer.Typer(
    cls=_Commands,
    help="medsafe: evaluate the safety of medical AI. For evaluating AI systems, not for "
    "clinical use.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@functools.cache
def stdout_console() -> Console:
    """The console of the commands' output; piped output (CI logs, files) gets a width
    that fits the tables."""
    from rich.console import Console

    return Console(width=None if sys.stdout.isatty() else 132)


@functools.cache
def stderr_console() -> Console:
    """The console of errors, warnings and progress."""
    from rich.console import Console

    return Console(stderr=True)


def _respond(
    suite: Suite, task: Task, agent: Participant, profile: RewardProfile, fmt: ResponseFormat
) -> str:
    """One task's response: a single answer, or an episodic suite's whole transcript (the
    episode played to its end with the participant)."""
    from medsafe_core.suites import SuiteKind

    if suite.info.kind is SuiteKind.EPISODIC:
        from medsafe_core.suites.play import play_episode

        transcript, _ = play_episode(suite, task, agent, profile, fmt)
        return transcript
    return agent.answer(task.view(), fmt)


def _print_metrics(runs: dict[str, SuiteMetrics]) -> None:
    from medsafe_core.cli.render import extra_metrics_table, metrics_table

    stdout_console().print(metrics_table(runs))
    extra = extra_metrics_table(runs)
    if extra is not None:
        stdout_console().print(extra)


def _line_error(exc: Exception) -> str:
    """Batch errors name the response line (1-based), as the file does."""
    from medsafe_core.evaluation import BatchError

    if isinstance(exc, BatchError) and exc.index is not None:
        return f"response {exc.index + 1}: {exc.message}"
    return str(exc)


def _fail(message: str) -> typer.Exit:
    stderr_console().print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code=2)


@app.command("suites")
def suites_cmd() -> None:
    """List the suites, their versions and categories."""
    from rich.table import Table

    from medsafe_core.suites import list_suites

    table = Table(title="suites")
    for col in ("name", "version", "kind", "categories"):
        table.add_column(col)
    for info in list_suites():
        table.add_row(info.name, str(info.version), info.kind.value, ", ".join(info.categories))
    stdout_console().print(table)


def _default_suite() -> str:
    from medsafe_core.settings import Settings

    return Settings().default_suite


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
    from medsafe_core.cli.io import write_atomic
    from medsafe_core.datasets import task_line
    from medsafe_core.suites import UnknownSuiteError, get_suite

    try:
        tasks = get_suite(suite or _default_suite()).tasks(seed, n, category or None)
    except (UnknownSuiteError, ValueError) as exc:
        raise _fail(str(exc)) from None
    write_atomic(out, "".join(task_line(t) + "\n" for t in tasks))
    stdout_console().print(f"wrote {len(tasks)} tasks to {out}")


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
    import os

    from medsafe_core.evaluation import BatchItem, build_batch, evaluate, resolve_profile
    from medsafe_core.settings import Settings

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
    response_format: Annotated[Format, typer.Option("--format", help="Required format.")] = (
        Format.AUTO
    ),
    judge_model: JudgeModel = None,
    judge_base_url: JudgeBaseUrl = None,
) -> None:
    """Score raw responses against tasks and write a run record."""
    from medsafe_core.cli.io import InputError, read_responses, write_atomic
    from medsafe_core.evaluation import BatchError
    from medsafe_core.runs import canonical_json
    from medsafe_core.suites import UnknownSuiteError

    try:
        records = read_responses(responses)
        with _judge(judge_model, judge_base_url) as judge:
            run = _score(
                tasks,
                records,
                suite or _default_suite(),
                profile,
                participant,
                response_format.parsing(),
                judge,
            )
    except (InputError, BatchError, UnknownSuiteError, ValueError) as exc:
        raise _fail(_line_error(exc)) from None
    write_atomic(out, canonical_json(run))
    _print_metrics({run.manifest.participant or out.stem: run.metrics})
    stdout_console().print(f"wrote {len(run.samples)} samples to {out}")


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
    from medsafe_core.cli.io import InputError, read_run, write_atomic
    from medsafe_core.evaluation import rescore
    from medsafe_core.ids import TaskIdError
    from medsafe_core.runs import canonical_json
    from medsafe_core.scoring.profiles import UnknownProfileError, get_profile
    from medsafe_core.suites import UnknownSuiteError

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
        stderr_console().print(f"wrote {out}")


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
    import json

    from rich.table import Table

    from medsafe_core.cli.io import InputError, read_run
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
    stdout_console().print(table)
    for w in cmp.warnings:
        stderr_console().print(f"[yellow]warning:[/yellow] {w}")


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
    response_format: Annotated[Format, typer.Option("--format")] = Format.JSON,
    out_dir: Annotated[Path, typer.Option(help="Directory for run records.")] = Path("runs"),
) -> None:
    """Assess a suite's built-in reference participants on generated tasks (no LLM)."""
    from rich.progress import track

    from medsafe_core.cli.io import write_atomic
    from medsafe_core.cli.render import category_table
    from medsafe_core.evaluation import BatchItem, build_batch, evaluate
    from medsafe_core.runs import canonical_json
    from medsafe_core.settings import Settings
    from medsafe_core.suites import UnknownSuiteError, get_suite

    try:
        the_suite = get_suite(suite or _default_suite())
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
    fmt = response_format.parsing()
    results: dict[str, RunRecord] = {}
    for name in names:
        agent = known[name]()
        items = [
            BatchItem(task_id=t.id, response=_respond(the_suite, t, agent, profile, fmt))
            for t in track(tasks, description=f"{name}: answering", console=stderr_console())
        ]
        batch = build_batch(
            items, max_items=len(items), max_response_bytes=settings.max_response_bytes
        )
        run = evaluate(batch, profile, participant=name).record
        write_atomic(out_dir / f"{name}.json", canonical_json(run))
        results[name] = run
    _print_metrics({k: v.metrics for k, v in results.items()})
    first = next(iter(results.values()))
    stdout_console().print(category_table(first.metrics))
    stdout_console().print(f"run records in {out_dir}/")


import medsafe_core.cli.eval_cmd  # noqa: E402, F401  (registers eval, compare-models)


def main() -> None:
    """Entry point of the `medsafe` script."""
    app()
