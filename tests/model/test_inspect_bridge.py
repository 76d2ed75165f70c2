"""The Inspect AI task of every single-turn suite, run offline with `mockllm/model`, and
the import of its log into the store."""

from __future__ import annotations

import asyncio
import math

import pytest
from typer.testing import CliRunner

inspect_ai = pytest.importorskip("inspect_ai")

from inspect_ai import eval as inspect_eval  # noqa: E402
from inspect_ai._util.registry import registry_info  # noqa: E402
from inspect_ai.model import ModelOutput, ModelUsage, get_model  # noqa: E402

from medsafe_core.cli import app  # noqa: E402
from medsafe_core.inspect_ai_bridge import inspect_suites, medsafe_task  # noqa: E402
from medsafe_core.parsing import ResponseFormat  # noqa: E402
from medsafe_core.store import Store  # noqa: E402
from medsafe_core.suites import get_suite  # noqa: E402

N = 6


def mock_model(suite_name: str, participant: str, seed: int, n: int):
    """`mockllm/model` answering each prompt as a reference participant (usage given, so
    nothing is tokenized or downloaded)."""
    suite = get_suite(suite_name)
    agent = suite.reference_participants()[participant]()
    answers = {
        suite.prompt(t.view(), ResponseFormat.JSON): agent.answer(t.view(), ResponseFormat.JSON)
        for t in suite.tasks(seed, n)
    }

    def respond(messages, tools, tool_choice, config):
        prompt = messages[-1].text
        out = ModelOutput.from_content(model="mockllm/model", content=answers.get(prompt, "?"))
        out.usage = ModelUsage(input_tokens=100, output_tokens=20, total_tokens=120)
        return out

    return get_model("mockllm/model", custom_outputs=respond)


def run(task, model, tmp_path):
    (log,) = inspect_eval(
        task, model=model, log_dir=str(tmp_path / "logs"), display="none", log_format="eval"
    )
    assert log.status == "success", log.error
    return log


def test_every_single_turn_suite_is_a_registered_inspect_task():
    from medsafe_core.inspect_ai_bridge import _registry

    assert set(_registry.TASKS) == set(inspect_suites())
    assert "dipg" in _registry.TASKS
    for name, factory in _registry.TASKS.items():
        assert registry_info(factory).name == f"medsafe_core/{name}"


def test_dipg_runs_offline_with_our_scorer_and_metrics(tmp_path):
    log = run(medsafe_task("dipg", n=N, seed=4), mock_model("dipg", "baseline", 4, N), tmp_path)
    assert len(log.samples) == N
    sample = log.samples[0]
    score = next(iter(sample.scores.values()))
    assert score.metadata["task_id"] == sample.id
    assert score.metadata["outcome"]
    assert "exact_format_reward" in score.explanation  # our reasons in the explanation
    assert score.metadata["medsafe_sample"]["penalties"]  # evidence spans travel along
    assert "expected_answer" not in str(sample.input)
    metrics = {m.name: m.value for s in log.results.scores for m in s.metrics.values()}
    assert 0.5 < metrics["safe_response_rate"] <= 1.0
    assert metrics["safe_response_rate_ci_low"] <= metrics["safe_response_rate"]
    assert "mean_reward" in metrics and "over_abstention_rate" in metrics
    assert metrics["n_scored"] == N


def test_a_bad_model_scores_worse_than_a_careful_one(tmp_path):
    good = run(medsafe_task("dipg", n=N, seed=4), mock_model("dipg", "baseline", 4, N), tmp_path)
    bad = run(medsafe_task("dipg", n=N, seed=4), mock_model("dipg", "hallucinator", 4, N), tmp_path)

    def value(log, name):
        return next(
            m.value for s in log.results.scores for m in s.metrics.values() if m.name == name
        )

    assert value(bad, "hallucination_rate") > value(good, "hallucination_rate")
    assert value(bad, "mean_reward") < value(good, "mean_reward")


def test_plain_mockllm_output_is_scored_as_a_format_failure(tmp_path):
    def respond(messages, tools, tool_choice, config):
        out = ModelOutput.from_content(model="mockllm/model", content="Default output")
        out.usage = ModelUsage(input_tokens=1, output_tokens=1, total_tokens=2)
        return out

    task = medsafe_task("dipg", n=2, seed=1)
    log = run(task, get_model("mockllm/model", custom_outputs=respond), tmp_path)
    for s in log.samples:
        (score,) = s.scores.values()
        assert not math.isnan(score.value["reward"])
        assert score.value["format_error"] == 1.0


def test_import_inspect_stores_the_run(tmp_path, monkeypatch):
    db = f"sqlite+aiosqlite:///{tmp_path / 'medsafe.db'}"
    monkeypatch.setenv("MEDSAFE_DATABASE_URL", db)
    log = run(
        medsafe_task("dipg", n=N, seed=4, epochs=2),
        mock_model("dipg", "baseline", 4, N),
        tmp_path,
    )
    result = CliRunner().invoke(app, ["import-inspect", log.location, "--participant", "mock"])
    assert result.exit_code == 0, result.output
    run_id = next(x.split()[1] for x in result.output.splitlines() if x.startswith("run "))

    async def fetch():
        store = await Store.connect(db)
        try:
            return await store.get_run(run_id)
        finally:
            await store.close()

    record = asyncio.run(fetch())
    assert record.manifest.participant == "mock"
    assert record.manifest.epochs == 2
    assert record.metrics.n_samples == 2 * N
    # the same safe rate Inspect reported, from the same scorer
    inspect_safe = next(
        m.value
        for s in log.results.scores
        for m in s.metrics.values()
        if m.name == "safe_response_rate"
    )
    assert record.metrics.metrics["safe_response_rate"].value == pytest.approx(inspect_safe)


def test_import_of_something_else_is_a_clear_error(tmp_path):
    bogus = tmp_path / "x.eval"
    bogus.write_text("not a log")
    result = CliRunner().invoke(app, ["import-inspect", str(bogus)])
    assert result.exit_code == 2
    assert "not a readable Inspect log" in result.output


def test_the_inspect_cli_discovers_and_runs_the_suite_against_an_endpoint(tmp_path):
    """`inspect eval medsafe_core/dipg` finds our task through the entry point and runs it
    against an OpenAI-compatible endpoint (the fake server)."""
    import os
    import shutil
    import subprocess
    import sys

    from inspect_ai.log import read_eval_log

    from tests.fakes.openai_server import FakeOpenAI

    from .helpers import participant_responder

    exe = shutil.which("inspect", path=os.path.dirname(sys.executable))
    assert exe, "the inspect command is installed with inspect-ai"
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI")}
    env["OPENAI_API_KEY"] = "sk-test"
    with FakeOpenAI(participant_responder("dipg", "baseline", seed=0, n=3)) as fake:
        done = subprocess.run(
            [
                exe,
                "eval",
                "medsafe_core/dipg",
                "--model",
                "openai/fake-model",
                "--model-base-url",
                fake.base_url,
                "-M",
                "responses_api=false",
                "-T",
                "n=3",
                "--log-dir",
                str(tmp_path),
                "--display",
                "none",
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=240,
            check=False,
        )
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        assert len(fake.requests) == 3
    (log_file,) = tmp_path.glob("*.eval")
    log = read_eval_log(str(log_file))
    assert log.eval.task == "dipg"
    assert log.eval.task_args["n"] == 3
    metrics = {m.name: m.value for s in log.results.scores for m in s.metrics.values()}
    assert metrics["safe_response_rate"] == 1.0


@pytest.mark.parametrize("suite_name", inspect_suites())
def test_every_single_turn_suite_runs_in_inspect(tmp_path, suite_name):
    first = next(iter(get_suite(suite_name).reference_participants()))
    log = run(medsafe_task(suite_name, n=2, seed=1), mock_model(suite_name, first, 1, 2), tmp_path)
    assert len(log.samples) == 2
    metrics = {m.name: m.value for s in log.results.scores for m in s.metrics.values()}
    assert metrics["n_scored"] == 2
