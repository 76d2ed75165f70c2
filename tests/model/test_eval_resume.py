"""An interrupted `medsafe eval` keeps its samples and resumes without paying twice."""

from __future__ import annotations

import asyncio
import contextlib
import time

from medsafe_core.model.eval_run import EvalOptions, run_eval
from medsafe_core.models import RunState
from medsafe_core.store import Store
from tests.fakes.openai_server import FakeOpenAI, Recorded

from .helpers import participant_responder

N = 8


async def test_interrupt_then_resume(tmp_path, db_url):
    answer = participant_responder("dipg", "baseline", seed=2, n=N)

    def slow(rec: Recorded):
        time.sleep(0.1)
        return answer(rec)

    with FakeOpenAI(slow) as fake:
        opts = EvalOptions(
            suite="dipg",
            model="m",
            base_url=fake.base_url,
            n=N,
            seed=2,
            concurrency=1,
            database_url=db_url,
            out_dir=tmp_path / "runs",
        )
        task = asyncio.create_task(run_eval(opts))
        for _ in range(200):
            if len(fake.requests) >= 4:
                break
            await asyncio.sleep(0.02)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        store = await Store.connect(db_url)
        try:
            (summary,) = await store.list_runs()
            run = await store.get_run(summary.run_id)
        finally:
            await store.close()
        assert run.meta.state == RunState.INTERRUPTED
        kept = len(run.samples)
        assert 2 <= kept < N
        asked = len(fake.requests)

        opts.resume = run.meta.run_id
        out = await run_eval(opts)
        assert out.record.meta.run_id == run.meta.run_id
        assert out.record.meta.state == RunState.COMPLETED
        assert len(out.record.samples) == N
        # only the samples never stored were asked for; any answered but unsaved came
        # from the cache
        assert out.calls + out.cache_hits == N - kept
        assert len(fake.requests) == asked + out.calls
