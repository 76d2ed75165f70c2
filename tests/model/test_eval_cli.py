"""`medsafe eval` and `medsafe compare-models` against the fake endpoint, end to end."""

from __future__ import annotations

import asyncio
import json

import pytest
from typer.testing import CliRunner

from medsafe_core.cli import app
from medsafe_core.models import RunState
from medsafe_core.store import Store
from medsafe_core.suites import SuiteKind, get_suite, list_suites
from tests.fakes.openai_server import FakeOpenAI, Reply, Status

from .helpers import participant_responder

N = 8


@pytest.fixture
def env(tmp_path, monkeypatch):
    db = f"sqlite+aiosqlite:///{tmp_path / 'medsafe.db'}"
    monkeypatch.setenv("MEDSAFE_DATABASE_URL", db)
    monkeypatch.setenv("MEDSAFE_LLM_BACKOFF_S", "0.01")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("MEDSAFE_LLM_API_KEY", raising=False)
    return {"db": db, "out": tmp_path / "runs"}


def _eval(fake, env, model, *extra):
    args = [
        "eval",
        "--suite",
        "dipg",
        "--model",
        model,
        "--base-url",
        fake.base_url,
        "--n",
        str(N),
        "--seed",
        "3",
        "--out-dir",
        str(env["out"]),
        *extra,
    ]
    return CliRunner().invoke(app, args)


def _stored(db, run_id):
    async def go():
        store = await Store.connect(db)
        try:
            return await store.get_run(run_id)
        finally:
            await store.close()

    return asyncio.run(go())


def _run_id(output):
    line = next(x for x in output.splitlines() if x.startswith("run "))
    return line.split()[1]


def test_eval_stores_a_scored_run_with_report_and_retries(env):
    with FakeOpenAI(participant_responder("dipg", "baseline", seed=3, n=N)) as fake:
        fake.script(Status(429, retry_after=0), Status(503))
        result = _eval(
            fake,
            env,
            "good-model",
            "--concurrency",
            "3",
            "--max-tokens",
            "256",
            "--price-in",
            "1.5",
            "--price-out",
            "6",
        )
        assert result.exit_code == 0, result.output
        assert len(fake.requests) == N + 2  # two retried failures, then every task once
        assert all(r.body["max_tokens"] == 256 for r in fake.requests)
    run_id = _run_id(result.output)
    record = _stored(env["db"], run_id)
    assert record.meta.state == RunState.COMPLETED
    assert record.manifest.participant == "good-model"
    generation = record.manifest.generation
    assert generation is not None and generation["model"] == "good-model"
    assert generation["params"]["max_tokens"] == 256
    assert record.metrics.n_samples == N
    assert record.metrics.n_errors == 0
    assert record.metrics.metrics["safe_response_rate"].value > 0.5
    assert (env["out"] / f"{run_id}.json").exists()
    html = (env["out"] / f"{run_id}.html").read_text()
    assert run_id in html and "good-model" in html
    assert "tokens:" in result.output and "95% CI" in result.output
    assert 'id="calibration"' in html and 'id="risk-coverage-chart"' in html
    info = json.loads((env["out"] / f"{run_id}.model.json").read_text())
    assert info["usage"] == {"prompt_tokens": 11 * N, "completion_tokens": 7 * N}
    assert info["cost"] == pytest.approx((11 * N * 1.5 + 7 * N * 6) / 1e6)
    assert info["params"] == {"temperature": 0.0, "max_tokens": 256}
    assert info["calls"] == N + 2


def test_endpoint_failures_are_errors_not_wrong_answers(env):
    responder = participant_responder("dipg", "baseline", seed=3, n=N, fail_every=4)
    with FakeOpenAI(responder) as fake:
        result = _eval(fake, env, "flaky-model", "--retries", "1")
        assert result.exit_code == 0, result.output
    record = _stored(env["db"], _run_id(result.output))
    errors = [s for s in record.samples if s.outcome == "error"]
    assert len(errors) == 2  # tasks 0 and 4
    assert all("HTTP 500" in (s.error or "") for s in errors)
    assert record.metrics.n_errors == 2
    assert record.metrics.n_scored == N - 2


def test_a_second_eval_is_answered_from_the_cache(env):
    with FakeOpenAI(participant_responder("dipg", "baseline", seed=3, n=N)) as fake:
        assert _eval(fake, env, "cached-model").exit_code == 0
        calls = len(fake.requests)
        again = _eval(fake, env, "cached-model")
        assert again.exit_code == 0, again.output
        assert len(fake.requests) == calls  # nothing paid twice
        assert f"{N} from the cache" in again.output
        # another temperature is another request
        assert _eval(fake, env, "cached-model", "--temperature", "0.7").exit_code == 0
        assert len(fake.requests) == calls + N


def test_epochs_are_fresh_samples_not_cached_copies(env):
    with FakeOpenAI(participant_responder("dipg", "baseline", seed=3, n=N)) as fake:
        result = _eval(fake, env, "m", "--epochs", "2")
        assert result.exit_code == 0, result.output
        assert len(fake.requests) == 2 * N
    record = _stored(env["db"], _run_id(result.output))
    assert record.metrics.n_samples == 2 * N
    assert "2" in record.metrics.pass_hat_k


def test_no_endpoint_is_a_clear_error(env, monkeypatch):
    monkeypatch.delenv("MEDSAFE_LLM_BASE_URL", raising=False)
    result = CliRunner().invoke(app, ["eval", "--model", "m", "--n", "2"])
    assert result.exit_code == 2
    assert "--base-url" in result.output


def test_compare_models_prints_the_table_with_paired_tests(env):
    runs = []
    for model, participant in (("careful", "baseline"), ("liar", "hallucinator")):
        with FakeOpenAI(participant_responder("dipg", participant, seed=3, n=N)) as fake:
            result = _eval(fake, env, model)
            assert result.exit_code == 0, result.output
            runs.append(_run_id(result.output))
    # one by stored run id, one by record file
    refs = [runs[0], str(env["out"] / f"{runs[1]}.json")]
    md = CliRunner().invoke(app, ["compare-models", *refs, "--markdown"])
    assert md.exit_code == 0, md.output
    lines = md.output.splitlines()
    assert lines[0].startswith("| Model | Samples | Mean reward | Hallucination | Safe response")
    assert lines[2].startswith("| **careful** |")  # best mean reward first
    assert "Paired tests against **careful**" in md.output
    as_json = CliRunner().invoke(app, ["compare-models", *refs, "--json"])
    table = json.loads(as_json.stdout)
    assert [r["name"] for r in table["rows"]] == ["careful", "liar"]
    (test,) = table["tests"]
    assert test["n_paired"] == N
    assert test["metrics"]["safe_response_rate"]["difference"]["value"] < 0
    calib = table["rows"][0]["calibration"]
    counted = calib["n_answerable"] + calib["n_should_abstain"] + calib["n_unknown"]
    assert counted + calib["n_format_errors"] == N
    page = env["out"] / "models.html"
    result = CliRunner().invoke(app, ["compare-models", *refs, "--html", str(page)])
    assert result.exit_code == 0, result.output
    text = page.read_text()
    assert text.count('class="point"') == 2 and "careful" in text and "liar" in text


@pytest.mark.parametrize(
    "suite_name", [i.name for i in list_suites() if i.kind != SuiteKind.EPISODIC]
)
def test_every_single_turn_suite_evaluates(env, suite_name):
    first = next(iter(get_suite(suite_name).reference_participants()))
    with FakeOpenAI(participant_responder(suite_name, first, seed=3, n=4)) as fake:
        result = _eval(fake, env, f"{first}-model", "--suite", suite_name, "--n", "4")
        assert result.exit_code == 0, result.output
    record = _stored(env["db"], _run_id(result.output))
    assert record.manifest.suite == suite_name
    assert record.metrics.n_scored == record.metrics.n_samples > 0


def test_an_episodic_suite_is_refused(env):
    episodic = [i.name for i in list_suites() if i.kind == SuiteKind.EPISODIC]
    if not episodic:
        pytest.skip("no episodic suite registered")
    result = CliRunner().invoke(
        app, ["eval", "--suite", episodic[0], "--model", "m", "--base-url", "http://127.0.0.1:9/v1"]
    )
    assert result.exit_code == 2
    assert "episodic" in result.output


def test_eval_with_a_model_judge_records_it(env):
    """The suite hands what its rules cannot decide to the judge at the same endpoint;
    the manifest and the samples name the judge."""
    answer = participant_responder("adversarial", "careful", seed=3, n=4)

    def respond(rec):
        if "CRITERION:" in rec.prompt:  # a grading request from the judge
            return Reply(json.dumps({"verdict": "pass", "reason": "meets it"}))
        return answer(rec)

    with FakeOpenAI(respond) as fake:
        result = _eval(
            fake,
            env,
            "careful-model",
            "--suite",
            "adversarial",
            "--n",
            "4",
            "--judge-model",
            "judge-m",
        )
        assert result.exit_code == 0, result.output
        graded = [r for r in fake.requests if "CRITERION:" in r.prompt]
        assert graded and all(r.body["model"] == "judge-m" for r in graded)
    record = _stored(env["db"], _run_id(result.output))
    assert record.manifest.judge == "model@1:judge-m"
    assert any(s.judge == "model@1:judge-m" for s in record.samples)
