"""Task ids, salted official ids, profiles from the environment, and run records."""

from __future__ import annotations

import json

import pytest

from medsafe_core.evaluation import BatchError as RunInputError
from medsafe_core.evaluation import rescore, score_run
from medsafe_core.ids import TaskIdError, make_task_id, parse_task_id
from medsafe_core.models import Outcome, ResponseRecord
from medsafe_core.parsing import ResponseFormat
from medsafe_core.participants import PARTICIPANTS
from medsafe_core.runs import build_manifest, canonical_json, result_json
from medsafe_core.scoring import get_profile, with_overrides
from medsafe_core.scoring.profiles import UnknownProfileError
from medsafe_core.settings import Settings
from medsafe_core.suites import get_suite, list_suites, resolve_task
from medsafe_core.suites.dipg.profiles import DIPG_V4

SUITE = get_suite("dipg")


def test_generated_ids_are_readable_and_reversible() -> None:
    task = SUITE.task(7, 123)
    assert task.id == "dipg/2/7/000123"
    parsed = parse_task_id(task.id)
    assert parsed is not None
    assert (parsed.suite, parsed.version, parsed.seed, parsed.index) == ("dipg", 2, 7, 123)
    again = resolve_task(task.id)
    assert again == task
    assert parse_task_id("my-file-line-3") is None


def test_salted_ids_need_the_servers_salt() -> None:
    official = SUITE.task(7, 5, salt="server-secret")
    assert official.id.startswith("dipg/2/7~")
    assert "server-secret" not in official.model_dump_json()
    assert resolve_task(official.id, salt="server-secret") == official
    public = SUITE.task(7, 5)
    assert public.expected_answer != official.expected_answer or public.context != official.context
    with pytest.raises(TaskIdError):
        resolve_task(official.id)
    with pytest.raises(TaskIdError):
        resolve_task(official.id, salt="guess")


@pytest.mark.parametrize("bad", ["dipg/9/7/000001", "nope/1/7/000001", "dipg/1/x/1", ""])
def test_bad_ids_raise_a_typed_error(bad: str) -> None:
    with pytest.raises(TaskIdError):
        resolve_task(bad)


def test_index_range_is_enforced() -> None:
    with pytest.raises(TaskIdError):
        make_task_id("dipg", 1, 1, 10**10)


def test_suite_listing_describes_dipg() -> None:
    (info,) = [s for s in list_suites() if s.name == "dipg"]
    assert info.kind.value == "single_turn"
    assert "insufficient" in info.categories
    assert info.default_profile == "dipg-v4"


def test_environment_overrides_only_pick_the_default_profile(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert Settings().profile_for(get_suite("dipg")) == DIPG_V4
    monkeypatch.setenv("EXACT_FORMAT_REWARD", "3")
    profile = Settings().profile_for(get_suite("dipg"))
    assert profile.name == "dipg-v4+env"
    assert profile["exact_format_reward"] == 3.0
    assert profile.hash != DIPG_V4.hash
    assert get_profile("dipg-v4") == DIPG_V4  # built-ins never change
    with pytest.raises(ValueError, match="not a constant"):
        with_overrides(DIPG_V4, {"NOT_A_REWARD": 1.0})
    with pytest.raises(UnknownProfileError):
        get_profile("dipg-v9")


def _run(participant: str, n: int = 24, epochs: int = 1):
    tasks = SUITE.tasks(3, n)
    agent = PARTICIPANTS[participant]()
    responses = [
        ResponseRecord(id=t.id, epoch=e, response=agent.answer(t.view(), ResponseFormat.JSON))
        for t in tasks
        for e in range(epochs)
    ]
    return (
        tasks,
        responses,
        score_run(
            SUITE, tasks, responses, build_manifest(SUITE, tasks, DIPG_V4, seed=3, epochs=epochs)
        ),
    )


def test_run_records_are_canonical_and_rescore_byte_identically() -> None:
    _, _, run = _run("baseline", epochs=2)
    assert run.manifest.n == 24
    assert run.manifest.epochs == 2
    assert len(run.samples) == 48
    text = canonical_json(run)
    assert json.loads(text)["manifest"]["profile_hash"] == DIPG_V4.hash
    assert canonical_json(rescore(run)) == text
    assert result_json(rescore(run)) == result_json(run)
    assert run.tasks == []  # generated tasks are regenerated from their ids, not stored


def test_infrastructure_errors_are_kept_apart_from_answers() -> None:
    tasks, responses, _ = _run("baseline", n=12)
    responses[0] = ResponseRecord(id=responses[0].id, response=None, error="timeout after 60 s")
    run = score_run(SUITE, tasks, responses, build_manifest(SUITE, tasks, DIPG_V4, seed=3))
    errored = [s for s in run.samples if s.outcome == Outcome.ERROR]
    assert len(errored) == 1
    assert errored[0].error == "timeout after 60 s"
    assert run.metrics.n_errors == 1
    assert run.metrics.metrics["safe_response_rate"].n == 11
    worst = run.metrics.metrics_errors_as_failures["safe_response_rate"]
    assert worst.value is not None
    assert worst.value < run.metrics.metrics["safe_response_rate"].value  # type: ignore[operator]


def test_duplicate_and_unknown_responses_are_rejected() -> None:
    tasks, responses, _ = _run("baseline", n=4)
    manifest = build_manifest(SUITE, tasks, DIPG_V4)
    with pytest.raises(RunInputError, match="duplicate"):
        score_run(SUITE, tasks, [*responses, responses[0]], manifest)
    with pytest.raises(RunInputError, match="unknown task id"):
        score_run(SUITE, tasks, [ResponseRecord(id="dipg/1/3/999999", response="{}")], manifest)


def test_an_unscorable_task_is_unscored_not_failed() -> None:
    task = SUITE.task(3, 0).model_copy(update={"context": "   "})
    score = SUITE.score(task, '{"proof": "x", "final": "y"}', DIPG_V4)
    assert score.outcome == Outcome.UNSCORED
    assert score.reward is None
    assert score.unscored_reason


def test_empty_secrets_in_the_environment_mean_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEDSAFE_API_TOKEN", "")
    monkeypatch.setenv("MEDSAFE_SEED_SALT", "  ")
    monkeypatch.setenv("MEDSAFE_MCP_TOKEN", "tok")
    settings = Settings()
    assert settings.api_token is None and settings.seed_salt is None
    assert settings.mcp_token is not None and settings.mcp_token.get_secret_value() == "tok"


def test_the_response_limit_of_the_settings_reaches_every_parser() -> None:
    # a raised MEDSAFE_MAX_RESPONSE_BYTES lets a long valid answer through the format gate
    # (the suite used to keep its own 65,536 and score it -50)
    from medsafe_core.evaluation import BatchError, BatchItem, build_batch, evaluate

    suite = get_suite("dipg")
    task = next(t for t in suite.tasks(3, 20) if t.category not in ("conflict", "insufficient"))
    e = task.expected()
    long_answer = json.dumps({"analysis": "x" * 100_000, "proof": e.proof, "final": e.final})
    items = [BatchItem(task_id=task.id, response=long_answer)]
    batch = build_batch(items, max_items=1, max_response_bytes=200_000)
    assert evaluate(batch, DIPG_V4).record.samples[0].outcome == "correct"
    with pytest.raises(BatchError, match="the limit is 65536"):
        build_batch(items, max_items=1, max_response_bytes=65_536)


def test_a_response_with_a_lone_surrogate_is_refused_with_its_location() -> None:
    # JSON can carry "\ud800" alone; it is no character, cannot be stored or parsed, and
    # used to crash the size check with a UnicodeEncodeError
    from medsafe_core.evaluation import BatchError, BatchItem, build_batch

    task = get_suite("dipg").tasks(3, 1)[0]
    good = BatchItem(task_id=task.id, response="fine")
    bad = BatchItem(task_id=task.id, epoch=1, response="half a pair: \ud800")
    with pytest.raises(BatchError) as caught:
        build_batch([good, bad], max_items=2, max_response_bytes=65_536)
    assert (caught.value.index, caught.value.field) == (1, "response")
    assert "lone surrogate at character 13" in str(caught.value)
