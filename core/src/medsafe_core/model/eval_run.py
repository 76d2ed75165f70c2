"""One model evaluation, end to end: tasks, model calls, scoring, the stored run, the
record file and the HTML report. `medsafe eval` is a thin shell around `run_eval`.

Samples are appended to the store as they are scored; an interrupted run keeps them
and is marked `interrupted` (finish it with `resume`). Completions are cached in the
store by (model, parameters, prompt), so a rerun pays only for what was never answered.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from pydantic import BaseModel

from medsafe_core.evaluation import BatchError, inline_tasks, lookup_suite, resolve_profile
from medsafe_core.model.cache import StoreCache
from medsafe_core.model.client import ModelClient
from medsafe_core.model.judge import ModelJudge
from medsafe_core.model.runner import evaluate_items, plan
from medsafe_core.model.settings import ModelSettings
from medsafe_core.model.types import ChatParams, Prices, Usage
from medsafe_core.models import ResponseRecord, RunRecord, RunState, SampleResult
from medsafe_core.parsing.types import ResponseFormat
from medsafe_core.runs import build_manifest, canonical_json, new_run_meta
from medsafe_core.settings import Settings
from medsafe_core.store import Store, StoreError
from medsafe_core.suites import SuiteKind

if TYPE_CHECKING:
    from rich.progress import Progress

FLUSH_EVERY = 16
"""Samples buffered before they are appended to the store."""


class EvalSetupError(ValueError):
    """Options that cannot start an evaluation (unknown suite, no endpoint, ...)."""


@dataclass
class EvalOptions:
    """What to evaluate and how (the CLI's options)."""

    suite: str
    model: str
    base_url: str | None = None
    n: int = 100
    seed: int = 0
    epochs: int = 1
    fmt: ResponseFormat = ResponseFormat.JSON
    concurrency: int | None = None
    temperature: float | None = 0.0
    max_tokens: int | None = None
    timeout_s: float | None = None
    max_retries: int | None = None
    profile: str | None = None
    system: str | None = None
    prices: Prices | None = None
    participant: str | None = None
    resume: str | None = None
    use_cache: bool = True
    database_url: str | None = None
    out_dir: Path = Path("runs")
    backoff_s: float | None = None
    judge_model: str | None = None
    judge_base_url: str | None = None


@dataclass
class EvalOutcome:
    """The finished run and what it cost."""

    record: RunRecord
    usage: Usage
    cost: float | None
    calls: int
    cache_hits: int
    store_url: str
    record_path: Path
    report_path: Path
    model_path: Path | None = None


class ModelRunInfo(BaseModel):
    """How the model was called and what it cost (`runs/<run_id>.model.json`, beside
    the record: the run manifest has no place for it)."""

    run_id: str
    """The run."""
    model: str
    """Model name at the endpoint."""
    base_url: str
    """Endpoint root, without credentials or query."""
    params: dict[str, Any]
    """Generation parameters sent (temperature, max tokens, ...)."""
    system: str | None
    """System message sent with every task, if any."""
    usage: Usage
    """Tokens fetched in this invocation (cache hits cost none)."""
    prices: Prices | None
    """Prices given, per million tokens."""
    cost: float | None
    """Cost of `usage` under `prices`."""
    calls: int
    """HTTP calls made, retries included."""
    cache_hits: int
    """Completions served from the response cache."""


def public_url(url: str) -> str:
    """A URL without user info, query or fragment (safe to write down)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


async def run_eval(options: EvalOptions, progress: Progress | None = None) -> EvalOutcome:
    """Evaluate, store and write the record and report. Raises EvalSetupError."""
    settings = Settings()
    try:
        suite = lookup_suite(options.suite).with_limits(settings.max_response_bytes)
    except BatchError as exc:
        raise EvalSetupError(str(exc)) from None
    if suite.info.kind == SuiteKind.EPISODIC:
        raise EvalSetupError(
            f"suite {suite.name!r} is episodic (many steps with tools); `medsafe eval` "
            "asks for one answer per task"
        )
    model_settings = ModelSettings()
    if not (options.base_url or model_settings.base_url):
        raise EvalSetupError("no endpoint: pass --base-url or set MEDSAFE_LLM_BASE_URL")
    store = await Store.connect(options.database_url or settings.resolved_database_url())
    try:
        return await _run(options, settings, model_settings, suite, store, progress)
    finally:
        await store.close()


async def _run(
    options: EvalOptions,
    settings: Settings,
    model_settings: ModelSettings,
    suite: object,
    store: Store,
    progress: Progress | None,
) -> EvalOutcome:
    from medsafe_core.suites import Suite

    assert isinstance(suite, Suite)
    done: set[tuple[str, int]] = set()
    if options.resume:
        try:
            stored = await store.get_run(options.resume)
        except StoreError as exc:
            raise EvalSetupError(str(exc)) from None
        if stored.meta.state not in (RunState.INTERRUPTED, RunState.RUNNING):
            raise EvalSetupError(f"run {options.resume} is {stored.meta.state}; nothing to resume")
        manifest = stored.manifest
        if manifest.suite != suite.name or manifest.seed is None:
            raise EvalSetupError(f"run {options.resume} is not a generated {suite.name} run")
        tasks = suite.tasks(manifest.seed, manifest.n)
        epochs = manifest.epochs
        meta = stored.meta
        done = await store.completed_keys(meta.run_id)
        if stored.meta.state == RunState.INTERRUPTED:
            await store.set_state(meta.run_id, RunState.RUNNING)
    else:
        try:
            profile = resolve_profile(suite, options.profile, settings.profile_for(suite))
        except BatchError as exc:
            raise EvalSetupError(str(exc)) from None
        tasks = suite.tasks(options.seed, options.n)
        epochs = options.epochs
        manifest = build_manifest(
            suite,
            tasks,
            profile,
            epochs=epochs,
            seed=options.seed,
            participant=options.participant or options.model,
        )
        meta = new_run_meta()

    judge = await asyncio.to_thread(_judge, options, model_settings, store)
    label = judge.info.label if judge is not None else None
    if options.resume and manifest.judge != label:
        if judge is not None:
            await asyncio.to_thread(judge.close)
        raise EvalSetupError(
            f"run {options.resume} was judged by {manifest.judge or 'the suite rules alone'}; "
            f"resume it with the same judge (this one: {label or 'none'})"
        )
    if judge is not None and not options.resume:
        manifest = manifest.model_copy(update={"judge": judge.info.label})
    params = ChatParams(
        model=options.model, temperature=options.temperature, max_tokens=options.max_tokens
    )
    if not options.resume:
        generation = {
            "model": options.model,
            "base_url": public_url(options.base_url or model_settings.base_url or ""),
            "params": {k: v for k, v in params.body().items() if k != "model"},
            "system": options.system,
            "prices": options.prices.model_dump(mode="json") if options.prices else None,
        }
        manifest = manifest.model_copy(update={"generation": generation})
        await store.create_run(meta, manifest, inline_tasks(tasks))
    client = ModelClient.from_settings(
        model_settings,
        base_url=options.base_url,
        concurrency=options.concurrency,
        timeout_s=options.timeout_s,
        max_retries=options.max_retries,
        backoff_s=options.backoff_s,
        cache=StoreCache(store) if options.use_cache else None,
        prices=options.prices,
    )
    items = plan(tasks, epochs, done)
    bar = (
        progress.add_task(f"{options.model} on {suite.name}", total=len(items), errors=0)
        if progress is not None
        else None
    )
    pending: list[tuple[ResponseRecord, SampleResult]] = []
    errors = 0
    lock = asyncio.Lock()

    async def flush() -> None:
        async with lock:
            batch, pending[:] = list(pending), []
            if batch:
                await store.append_samples(meta.run_id, batch)

    async def on_sample(record: ResponseRecord, sample: SampleResult) -> None:
        nonlocal errors
        errors += record.response is None
        pending.append((record, sample))
        if progress is not None and bar is not None:
            progress.update(bar, advance=1, errors=errors)
        if len(pending) >= FLUSH_EVERY:
            await flush()

    try:
        async with client:
            await evaluate_items(
                suite,
                items,
                client=client,
                params=params,
                profile=manifest.profile,
                fmt=options.fmt,
                system=options.system,
                judge=judge,
                on_sample=on_sample,
            )
        await flush()
    except BaseException:
        await asyncio.shield(_interrupt(store, meta.run_id, flush))
        raise
    finally:
        if judge is not None:
            await asyncio.to_thread(judge.close)
    record = await store.get_run(meta.run_id)
    metrics = suite.summarize(record.samples, seed=manifest.seed or 0, profile=manifest.profile)
    await store.finish_run(meta.run_id, RunState.COMPLETED, metrics)
    record = record.model_copy(
        update={
            "meta": record.meta.model_copy(update={"state": RunState.COMPLETED}),
            "metrics": metrics,
        }
    )
    record_path, report_path = write_outputs(record, options.out_dir)
    info = ModelRunInfo(
        run_id=record.meta.run_id,
        model=options.model,
        base_url=public_url(client.base_url),
        params={k: v for k, v in params.body().items() if k != "model"},
        system=options.system,
        usage=client.usage,
        prices=options.prices,
        cost=client.cost,
        calls=client.calls,
        cache_hits=client.cache_hits,
    )
    model_path = options.out_dir / f"{record.meta.run_id}.model.json"
    model_path.write_text(info.model_dump_json(indent=1) + "\n", encoding="utf-8")
    return EvalOutcome(
        record=record,
        usage=client.usage,
        cost=client.cost,
        calls=client.calls,
        cache_hits=client.cache_hits,
        store_url=store.url,
        record_path=record_path,
        report_path=report_path,
        model_path=model_path,
    )


def _judge(options: EvalOptions, settings: ModelSettings, store: Store) -> ModelJudge | None:
    """The model-graded judge of the run, if one is asked for (its grades are cached
    in the same store)."""
    if not options.judge_model:
        return None
    return ModelJudge(
        options.judge_model,
        base_url=options.judge_base_url or options.base_url or settings.base_url,
        api_key=settings.key(),
        database_url=store.engine.url.render_as_string(hide_password=False),
        backoff_s=options.backoff_s if options.backoff_s is not None else settings.backoff_s,
    )


async def _interrupt(store: Store, run_id: str, flush: object) -> None:
    try:
        assert callable(flush)
        await flush()
    finally:
        await store.set_state(run_id, RunState.INTERRUPTED)


def write_outputs(record: RunRecord, out_dir: Path) -> tuple[Path, Path]:
    """The canonical record (JSON) and the HTML report, named by run id."""
    from medsafe_core.service.report import render_report
    from medsafe_core.service.schemas import PublicRunRecord

    out_dir.mkdir(parents=True, exist_ok=True)
    record_path = out_dir / f"{record.meta.run_id}.json"
    report_path = out_dir / f"{record.meta.run_id}.html"
    record_path.write_text(canonical_json(record), encoding="utf-8")
    public = PublicRunRecord(
        meta=record.meta,
        manifest=record.manifest,
        responses=record.responses,
        samples=record.samples,
        metrics=record.metrics,
        tasks=[t.view() for t in record.tasks],
    )
    report_path.write_text(render_report(public), encoding="utf-8")
    return record_path, report_path
