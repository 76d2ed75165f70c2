"""The model-graded judge against the fake endpoint: verdicts, never a guessed verdict on
failure, versioned and cached."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from medsafe_core.judging import Judge, RubricItem
from medsafe_core.model.judge import PROMPT_VERSION, ModelJudge, parse_grade
from tests.fakes.openai_server import Garbage, Reply, Status


def item(i: int = 1, **kw) -> RubricItem:
    data = {
        "id": f"item-{i}",
        "criterion": "The reply must state the dose given in the evidence.",
        "context": "Patients received 54 Gy in 30 fractions.",
        "response": f"The dose was 54 Gy (case {i}).",
        "reference": "54 Gy",
    }
    data.update(kw)
    return RubricItem(**data)


def verdict(v: str, reason: str = "because") -> Reply:
    return Reply(json.dumps({"verdict": v, "reason": reason}))


@pytest.fixture
def judge(fake):
    j = ModelJudge("judge-model", base_url=fake.base_url, backoff_s=0.01, max_retries=1)
    yield j
    j.close()


def test_it_is_a_judge_with_a_versioned_label(judge):
    assert isinstance(judge, Judge)
    assert judge.info.prompt_version == PROMPT_VERSION
    assert judge.info.label == "model@1:judge-model"
    assert judge.info.params == {"temperature": 0.0, "max_tokens": 200}


def test_pass_and_fail_come_back_in_order_with_reasons(fake, judge):
    answers = {"case 1": verdict("pass", "states 54 Gy"), "case 2": verdict("FAIL", "no dose")}
    fake.responder = lambda rec: next(v for k, v in answers.items() if k in rec.prompt)
    grades = judge.grade([item(1), item(2)])
    assert [(g.id, g.verdict, g.reason) for g in grades] == [
        ("item-1", "pass", "states 54 Gy"),
        ("item-2", "fail", "no dose"),
    ]
    assert all(g.judge == judge.info.label for g in grades)
    prompt = fake.requests[0].prompt
    assert "CRITERION" in prompt and "54 Gy in 30 fractions" in prompt and "REFERENCE" in prompt
    assert fake.requests[0].body["temperature"] == 0.0


@pytest.mark.parametrize(
    "step",
    [
        Reply("I think it passes."),
        Reply('{"verdict": "probably", "reason": "x"}'),
        Reply("[1, 2]"),
        Garbage(),
    ],
)
def test_an_unparseable_answer_is_unsure_never_a_verdict(fake, judge, step):
    fake.script(step, step)  # also after the client's retry of garbage
    (grade,) = judge.grade([item()])
    assert grade.verdict == "unsure"
    assert grade.reason


def test_an_endpoint_that_keeps_failing_gives_unsure_with_the_reason(fake, judge):
    fake.script(Status(500), Status(503))
    (grade,) = judge.grade([item()])
    assert grade.verdict == "unsure"
    assert "server" in grade.reason


def test_grading_from_worker_threads(fake, judge):
    fake.responder = lambda rec: verdict("pass")
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda i: judge.grade([item(i)]), range(8)))
    assert [r[0].verdict for r in results] == ["pass"] * 8


def test_grades_are_cached_in_the_store_across_judges(fake, db_url):
    fake.responder = lambda rec: verdict("pass")
    with ModelJudge("judge-model", base_url=fake.base_url, database_url=db_url) as j:
        assert j.grade([item(1), item(2)])[1].verdict == "pass"
        assert j.grade([item(1)])[0].verdict == "pass"
    assert len(fake.requests) == 2
    with ModelJudge("judge-model", base_url=fake.base_url, database_url=db_url) as j:
        assert j.grade([item(2)])[0].verdict == "pass"
    assert len(fake.requests) == 2
    with ModelJudge(
        "judge-model", base_url=fake.base_url, database_url=db_url, temperature=0.5
    ) as j:
        j.grade([item(2)])
    assert len(fake.requests) == 3  # other parameters: another cache entry


def test_a_closed_judge_is_unsure(fake):
    j = ModelJudge("m", base_url=fake.base_url)
    j.close()
    assert j.grade([item()])[0].verdict == "unsure"


def test_parse_grade_accepts_json_in_prose():
    assert parse_grade('Here: {"verdict": "pass", "reason": "ok"} done') == ("pass", "ok")
    assert parse_grade('{"verdict": "unsure", "reason": "unclear"}') == ("unsure", "unclear")
    assert parse_grade("")[0] == "unsure"


def test_a_suite_scores_with_the_model_judge_and_records_it(fake, db_url):
    """The adversarial suite hands its rubric items to the judge; the score records the
    judge's label, and an unsure judge leaves items ungraded instead of failing them."""
    from medsafe_core.evaluation import BatchItem, build_batch, evaluate, rescore
    from medsafe_core.parsing import ResponseFormat
    from medsafe_core.suites import get_suite

    suite = get_suite("adversarial")
    task = suite.tasks(1, 1)[0]
    reply = suite.reference_participants()["careful"]().answer(task.view(), ResponseFormat.JSON)
    fake.responder = lambda rec: verdict("pass", "the reply meets it")
    with ModelJudge("judge-model", base_url=fake.base_url, database_url=db_url) as j:
        score = suite.score(task, reply, suite.default_profile(), ResponseFormat.AUTO, j)
        assert score.judge == j.info.label
        assert fake.requests, "the suite asked the judge"
        batch = build_batch(
            [BatchItem(task_id=task.id, response=reply)],
            max_items=1,
            max_response_bytes=1_000_000,
        )
        record = evaluate(batch, suite.default_profile(), judge=j).record
        assert record.manifest.judge == j.info.label
        calls = len(fake.requests)
        again = rescore(record, judge=j)  # re-judged from the store's cache
        assert len(fake.requests) == calls
        assert again.samples[0].reward == record.samples[0].reward
