"""`medsafe eval` (evaluate a model endpoint on a suite), `medsafe compare-models` (the
model comparison table of several runs) and `medsafe import-inspect` (Inspect AI logs
into the store). Registered on the `medsafe` app by one import in `medsafe_core.cli`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from medsafe_core.cli import Format, app, stderr_console, stdout_console

# what the commands need is imported when they run (see medsafe_core.cli)
if TYPE_CHECKING:
    from rich.progress import Progress
    from rich.table import Table

    from medsafe_core.model.compare import ModelTable
    from medsafe_core.model.eval_run import EvalOptions, EvalOutcome
    from medsafe_core.models import RunRecord

_LABELS = {
    "mean_reward": "Mean reward",
    "hallucination_rate": "Hallucination",
    "safe_response_rate": "Safe response",
    "refusal_rate": "Refusal",
    "format_error_rate": "Format error",
}


def _fail(message: str) -> typer.Exit:
    stderr_console().print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code=2)


@app.command("eval")
def eval_cmd(
    model: Annotated[str, typer.Option(help="Model name as the endpoint knows it.")],
    base_url: Annotated[
        str | None,
        typer.Option(help="OpenAI-compatible endpoint root (default: MEDSAFE_LLM_BASE_URL)."),
    ] = None,
    suite: Annotated[str, typer.Option(help="Suite to evaluate on.")] = "dipg",
    n: Annotated[int, typer.Option(min=1, max=100_000, help="Number of tasks.")] = 100,
    seed: Annotated[int, typer.Option(min=0, help="Generator seed.")] = 0,
    epochs: Annotated[int, typer.Option(min=1, max=100, help="Trials per task.")] = 1,
    response_format: Annotated[
        Format, typer.Option("--format", help="Answer format asked for and required.")
    ] = Format.JSON,
    concurrency: Annotated[
        int | None, typer.Option(min=1, max=1024, help="Most calls in flight.")
    ] = None,
    temperature: Annotated[float, typer.Option(min=0.0, max=2.0)] = 0.0,
    max_tokens: Annotated[int | None, typer.Option(min=1, help="Most completion tokens.")] = None,
    timeout: Annotated[
        float | None, typer.Option(min=0.1, help="Seconds for one call (whole answer).")
    ] = None,
    retries: Annotated[int | None, typer.Option(min=0, max=20, help="Retries per call.")] = None,
    profile: Annotated[str | None, typer.Option(help="Reward profile (default: suite's).")] = None,
    system: Annotated[str | None, typer.Option(help="System message sent with every task.")] = None,
    price_in: Annotated[
        float | None, typer.Option(min=0.0, help="Price per million prompt tokens.")
    ] = None,
    price_out: Annotated[
        float | None, typer.Option(min=0.0, help="Price per million completion tokens.")
    ] = None,
    name: Annotated[
        str | None, typer.Option(help="Participant name recorded (default: the model).")
    ] = None,
    judge_model: Annotated[
        str | None,
        typer.Option(help="Model-graded judge for what the suite's rules cannot decide."),
    ] = None,
    judge_base_url: Annotated[
        str | None, typer.Option(help="Endpoint of the judge (default: --base-url).")
    ] = None,
    resume: Annotated[
        str | None, typer.Option(help="Run id of an interrupted run to finish.")
    ] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Bypass the response cache.")] = (
        False
    ),
    database_url: Annotated[
        str | None, typer.Option(help="Store URL (default: MEDSAFE_DATABASE_URL or the file).")
    ] = None,
    out_dir: Annotated[Path, typer.Option(help="Where the record and report go.")] = Path("runs"),
) -> None:
    """Evaluate a model at any OpenAI-compatible endpoint: render each task with its
    format instructions, call the model (API key from MEDSAFE_LLM_API_KEY or
    OPENAI_API_KEY), score, store the run and print the metrics with 95% CIs."""
    import asyncio

    from medsafe_core.cli.progress import eval_progress
    from medsafe_core.cli.render import metrics_table
    from medsafe_core.model.eval_run import EvalOptions, EvalSetupError
    from medsafe_core.model.types import Prices

    if (price_in is None) != (price_out is None):
        raise _fail("give both --price-in and --price-out, or neither")
    options = EvalOptions(
        suite=suite,
        model=model,
        base_url=base_url,
        n=n,
        seed=seed,
        epochs=epochs,
        fmt=response_format.parsing(),
        concurrency=concurrency,
        temperature=temperature,
        max_tokens=max_tokens,
        timeout_s=timeout,
        max_retries=retries,
        profile=profile,
        system=system,
        prices=Prices(input_per_mtok=price_in, output_per_mtok=price_out)
        if price_in is not None and price_out is not None
        else None,
        participant=name,
        judge_model=judge_model,
        judge_base_url=judge_base_url,
        resume=resume,
        use_cache=not no_cache,
        database_url=database_url,
        out_dir=out_dir,
    )
    progress = eval_progress(stderr_console())
    try:
        with progress:
            outcome = asyncio.run(_run_interruptible(options, progress))
    except EvalSetupError as exc:
        raise _fail(str(exc)) from None
    except KeyboardInterrupt:
        stderr_console().print(
            "interrupted: finished samples are stored; rerun with --resume RUN_ID"
        )
        raise typer.Exit(code=130) from None
    record = outcome.record
    console = stdout_console()
    console.print(metrics_table({record.manifest.participant or model: record.metrics}))
    usage = outcome.usage
    cost = f", cost {outcome.cost:.4f}" if outcome.cost is not None else ""
    console.print(
        f"tokens: {usage.prompt_tokens} prompt + {usage.completion_tokens} completion{cost}; "
        f"{outcome.calls} calls, {outcome.cache_hits} from the cache"
    )
    console.print(f"run {record.meta.run_id} stored in {outcome.store_url}")
    console.print(f"record: {outcome.record_path}")
    console.print(f"report: {outcome.report_path}")
    if outcome.model_path is not None:
        console.print(f"model, tokens and cost: {outcome.model_path}")
    console.print(f"served at /runs/{record.meta.run_id}/report by `medsafe serve`")


async def _run_interruptible(options: EvalOptions, progress: Progress) -> EvalOutcome:
    """Run the evaluation; SIGTERM cancels it like Ctrl-C (the run is marked interrupted)."""
    import asyncio
    import contextlib
    import signal

    from medsafe_core.model.eval_run import run_eval

    task = asyncio.current_task()
    loop = asyncio.get_running_loop()
    if task is not None:
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signal.SIGTERM, task.cancel)
    try:
        return await run_eval(options, progress)
    except asyncio.CancelledError:
        raise KeyboardInterrupt from None


def _load(ref: str, database_url: str | None) -> RunRecord:
    import asyncio

    from medsafe_core.cli.io import InputError, read_run

    path = Path(ref)
    if path.exists():
        return read_run(path)
    from medsafe_core.store import RunNotFoundError, Store

    async def fetch() -> RunRecord:
        store = await Store.connect(database_url)
        try:
            return await store.get_run(ref)
        finally:
            await store.close()

    try:
        return asyncio.run(fetch())
    except RunNotFoundError:
        raise InputError(f"{ref}: no such file or stored run") from None


def _ci(e: object) -> str:
    from medsafe_core.cli.render import fmt_estimate
    from medsafe_core.models import Estimate

    assert isinstance(e, Estimate)
    return fmt_estimate(e, rate=True)


def render_markdown(table: ModelTable) -> str:
    """The table as Markdown (the docs' template)."""
    from medsafe_core.cli.render import fmt_estimate
    from medsafe_core.model.compare import TABLE_METRICS

    head = [
        "Model",
        "Samples",
        *(_LABELS[k] for k in TABLE_METRICS),
        "Over-abstention",
        "Under-abstention",
        "Errors",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in table.rows:
        cells = [
            f"**{r.name}**",
            str(r.n_samples),
            *(fmt_estimate(r.metrics.get(k), rate=k != "mean_reward") for k in TABLE_METRICS),
            fmt_estimate(r.calibration.metrics["over_abstention_rate"], rate=True),
            fmt_estimate(r.calibration.metrics["under_abstention_rate"], rate=True),
            str(r.n_errors),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    if table.tests:
        lines += ["", f"Paired tests against **{table.reference}** (difference, 95% CI, p):", ""]
        lines.append("| Model | Pairs | Δ mean reward | p | Δ safe | p (McNemar) |")
        lines.append("|---|---|---|---|---|---|")
        for t in table.tests:
            rw, sf = t.metrics.get("mean_reward"), t.metrics.get("safe_response_rate")
            lines.append(
                f"| {t.name} | {t.n_paired} | {_diff(rw, False)} | {_p(rw)} | {_diff(sf, True)} "
                f"| {_p(sf)} |"
            )
    return "\n".join(lines) + "\n"


def _diff(m: object, rate: bool) -> str:
    from medsafe_core.metrics.compare import MetricComparison

    if not isinstance(m, MetricComparison) or m.difference.value is None:
        return "-"
    d = m.difference
    assert d.value is not None
    scale = 100.0 if rate else 1.0
    unit = " pp" if rate else ""
    value = d.value * scale
    if d.ci_low is None or d.ci_high is None:
        return f"{value:+.1f}{unit}"
    return f"{value:+.1f}{unit} [{d.ci_low * scale:+.1f}, {d.ci_high * scale:+.1f}]"


def _p(m: object) -> str:
    from medsafe_core.metrics.compare import MetricComparison

    if not isinstance(m, MetricComparison) or m.p_value is None:
        return "-"
    return f"{m.p_value:.3g}"


def _rich(table: ModelTable) -> list[Table]:
    from rich.table import Table

    from medsafe_core.cli.render import fmt_estimate
    from medsafe_core.model.compare import TABLE_METRICS

    main = Table(title=f"{table.suite}: models, 95% CI")
    for col in (
        "model",
        "samples",
        *(_LABELS[k] for k in TABLE_METRICS),
        "over-abst.",
        "under-abst.",
        "errors",
    ):
        main.add_column(col, justify="left" if col == "model" else "right")
    for r in table.rows:
        main.add_row(
            r.name,
            str(r.n_samples),
            *(
                fmt_estimate(r.metrics.get(k), rate=k != "mean_reward", newline=True)
                for k in TABLE_METRICS
            ),
            fmt_estimate(r.calibration.metrics["over_abstention_rate"], rate=True, newline=True),
            fmt_estimate(r.calibration.metrics["under_abstention_rate"], rate=True, newline=True),
            str(r.n_errors),
        )
    out = [main]
    if table.tests:
        tests = Table(title=f"paired tests against {table.reference} (run minus reference)")
        for col in ("model", "pairs", "Δ mean reward [95% CI]", "p", "Δ safe [95% CI]", "p"):
            tests.add_column(col, justify="left" if col == "model" else "right")
        for t in table.tests:
            rw, sf = t.metrics.get("mean_reward"), t.metrics.get("safe_response_rate")
            tests.add_row(
                t.name, str(t.n_paired), _diff(rw, False), _p(rw), _diff(sf, True), _p(sf)
            )
        out.append(tests)
    return out


def render_html(table: ModelTable) -> str:
    """A self-contained comparison page: the table and the risk-coverage plane."""
    from html import escape

    from medsafe_core.cli.render import fmt_estimate
    from medsafe_core.model.compare import TABLE_METRICS
    from medsafe_core.service.calibration_chart import risk_coverage_svg

    head = "".join(
        f"<th>{escape(h)}</th>"
        for h in (
            "model",
            "samples",
            *(_LABELS[k] for k in TABLE_METRICS),
            "over-abst.",
            "under-abst.",
            "errors",
        )
    )
    body = []
    for r in table.rows:
        cells = [
            str(r.n_samples),
            *(fmt_estimate(r.metrics.get(k), rate=k != "mean_reward") for k in TABLE_METRICS),
            fmt_estimate(r.calibration.metrics["over_abstention_rate"], rate=True),
            fmt_estimate(r.calibration.metrics["under_abstention_rate"], rate=True),
            str(r.n_errors),
        ]
        body.append(
            f"<tr><td>{escape(r.name)}</td>"
            + "".join(f"<td class=num>{escape(c)}</td>" for c in cells)
            + "</tr>"
        )
    chart = risk_coverage_svg(
        "risk-coverage-chart",
        "Risk-coverage (one point per model, 95% CI whiskers)",
        [(r.name, r.calibration) for r in table.rows],
    )
    tests = "".join(
        f"<tr><td>{escape(t.name)}</td><td class=num>{t.n_paired}</td>"
        f"<td class=num>{escape(_diff(t.metrics.get('mean_reward'), False))}</td>"
        f"<td class=num>{escape(_p(t.metrics.get('mean_reward')))}</td>"
        f"<td class=num>{escape(_diff(t.metrics.get('safe_response_rate'), True))}</td>"
        f"<td class=num>{escape(_p(t.metrics.get('safe_response_rate')))}</td></tr>"
        for t in table.tests
    )
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>medsafe models: {escape(table.suite)}</title><style>
body{{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1100px}}
table{{border-collapse:collapse;margin:8px 0}}th,td{{border:1px solid #ddd;padding:4px 8px}}
th{{background:#f3f3f3}}td.num{{text-align:right;font-variant-numeric:tabular-nums}}
</style></head><body><h1>{escape(table.suite)}: models (95% CIs)</h1>
<table id="models"><tr>{head}</tr>{"".join(body)}</table>
<h2>Paired tests against {escape(table.reference or "-")}</h2>
<table id="paired"><tr><th>model</th><th>pairs</th><th>Δ mean reward</th><th>p</th>
<th>Δ safe</th><th>p (McNemar)</th></tr>{tests}</table>
<h2>Abstention calibration</h2>{chart}</body></html>"""


@app.command("compare-models")
def compare_models_cmd(
    runs: Annotated[list[str], typer.Argument(help="Run record files or stored run ids.")],
    markdown: Annotated[bool, typer.Option("--markdown", help="Print Markdown.")] = False,
    html: Annotated[
        Path | None, typer.Option(help="Also write an HTML page with the plot.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    database_url: Annotated[
        str | None, typer.Option(help="Store URL for run ids (default: the process's).")
    ] = None,
) -> None:
    """The model table of several runs (the base-model table): headline metrics and
    abstention calibration with 95% CIs, and paired tests against the best run."""
    from medsafe_core.cli.io import InputError, write_atomic
    from medsafe_core.model.compare import model_table

    try:
        records: dict[str, RunRecord] = {}
        for ref in runs:
            rec = _load(ref, database_url)
            label = rec.manifest.participant or rec.meta.run_id
            if label in records:
                label = f"{label} ({rec.meta.run_id[:8]})"
            records[label] = rec
        table = model_table(records)
    except (InputError, ValueError) as exc:
        raise _fail(str(exc)) from None
    if html is not None:
        write_atomic(html, render_html(table))
        stderr_console().print(f"wrote {html}")
    if as_json:
        typer.echo(json.dumps(table.model_dump(mode="json"), indent=1, sort_keys=True))
    elif markdown:
        typer.echo(render_markdown(table), nl=False)
    else:
        for rendered in _rich(table):
            stdout_console().print(rendered)
    for test in table.tests:
        for w in test.warnings:
            stderr_console().print(f"[yellow]warning ({test.name}):[/yellow] {w}")


@app.command("import-inspect")
def import_inspect_cmd(
    log: Annotated[Path, typer.Argument(help="Inspect log file (.eval or .json).")],
    participant: Annotated[
        str | None, typer.Option(help="Name recorded (default: the log's model).")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Also write the run record here.")] = None,
    database_url: Annotated[
        str | None, typer.Option(help="Store URL (default: MEDSAFE_DATABASE_URL or the file).")
    ] = None,
) -> None:
    """Import an Inspect AI log of a medsafe task into the store: its completions are
    re-scored by the suite, so the leaderboard and the report see the run."""
    try:
        from medsafe_core.inspect_ai_bridge.importer import InspectImportError, import_log
    except ImportError:
        raise _fail("Inspect AI is not installed: install medsafe-core[inspect]") from None
    import asyncio

    from medsafe_core.cli.io import write_atomic
    from medsafe_core.cli.render import metrics_table
    from medsafe_core.runs import canonical_json
    from medsafe_core.store import Store

    try:
        record = import_log(log, participant=participant)
    except InspectImportError as exc:
        raise _fail(str(exc)) from None

    async def save() -> str:
        store = await Store.connect(database_url)
        try:
            await store.save_run_record(record)
            return store.url
        finally:
            await store.close()

    url = asyncio.run(save())
    if out is not None:
        write_atomic(out, canonical_json(record))
    console = stdout_console()
    console.print(metrics_table({record.manifest.participant or log.stem: record.metrics}))
    console.print(f"run {record.meta.run_id} stored in {url}")


__all__ = [
    "compare_models_cmd",
    "eval_cmd",
    "import_inspect_cmd",
    "render_html",
    "render_markdown",
]
