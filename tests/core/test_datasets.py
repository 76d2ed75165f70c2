"""Task files: both line schemas, every error names its line, atomic writes, bundled file."""

from __future__ import annotations

import hashlib
import importlib.util
import json
from pathlib import Path

import pytest

from medsafe_core import datasets
from medsafe_core.datasets import (
    DatasetError,
    bundled_dataset,
    bundled_manifest,
    dumps_tasks,
    load_tasks,
    parse_tasks,
    task_line,
    write_tasks,
)
from medsafe_core.models import AnswerKind
from medsafe_core.suites.dipg.generate import generate_task

ROOT = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, lines: list[str | dict], name: str = "tasks.jsonl") -> Path:
    path = tmp_path / name
    text = "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n"
    path.write_text(text, encoding="utf-8")
    return path


def published(i: int = 0, **extra: object) -> dict:
    return {
        "context": f"Drug A improved survival in study {i}. Drug B did not.",
        "question": f"Did drug A improve survival in study {i}?",
        "expected_answer": {"final": "Yes, drug A improved survival.", "proof": "Drug A ..."},
        **extra,
    }


# ---- reading ------------------------------------------------------------------------
def test_our_format_round_trips(tmp_path: Path):
    tasks = [generate_task("dipg/1/3", i, f"dipg/1/3/{i:06d}") for i in range(20)]
    path = tmp_path / "ours.jsonl"
    digest = write_tasks(tasks, path)
    data = path.read_bytes()
    assert digest == hashlib.sha256(data).hexdigest()
    loaded = load_tasks(path)
    assert loaded.dataset_id == "ours.jsonl"
    assert loaded.dataset_hash == hashlib.sha256(data).hexdigest()[:16]
    assert loaded.tasks == tasks
    assert data.decode().splitlines()[0] == task_line(tasks[0])


def test_published_schema_gets_line_number_ids_and_defaults(tmp_path: Path):
    lines: list[str | dict] = [published(1), "", "   ", published(2), published(1, id=77)]
    ds = load_tasks(write(tmp_path, lines))
    assert [t.id for t in ds.tasks] == ["1", "4", "77"]  # blank lines keep their numbers
    first = ds.tasks[0]
    assert first.category == "loaded"
    assert first.suite == "dipg"
    assert first.expected_answer.kind is None  # the scorer infers it from `final`
    assert first.expected_answer.claims == []
    # Tasks that share a context share a scenario (cluster bootstrap), others do not.
    assert ds.tasks[0].scenario == ds.tasks[2].scenario != ds.tasks[1].scenario


def test_optional_fields_of_our_format_are_read(tmp_path: Path):
    line = published(
        id="case-9",
        suite="dipg",
        category="conflict",
        scenario="s1",
        group="g",
        truth={"note": 1},
    )
    line["expected_answer"] |= {"kind": "CONFLICT", "claims": ["11.2 months"]}
    task = load_tasks(write(tmp_path, [line])).tasks[0]
    assert (task.id, task.category, task.scenario, task.group) == ("case-9", "conflict", "s1", "g")
    assert task.expected_answer.kind is AnswerKind.CONFLICT
    assert task.expected_answer.claims == ["11.2 months"]
    assert task.truth == {"note": 1}


def test_byte_order_mark_and_crlf_are_accepted(tmp_path: Path):
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(published()).encode() + b"\r\n")
    assert len(load_tasks(path).tasks) == 1


def test_parse_tasks_reads_bytes_without_a_file():
    ds = parse_tasks(json.dumps(published()).encode(), dataset_id="upload.jsonl")
    assert ds.dataset_id == "upload.jsonl"
    assert ds.tasks[0].id == "1"


# ---- errors -------------------------------------------------------------------------
BAD_LINES: list[tuple[str, str | dict, str]] = [
    ("bad json", '{"context": "x",', "invalid JSON"),
    ("not an object", "[1, 2]", "expected a JSON object, got array"),
    ("missing context", {"question": "q?", "expected_answer": {"final": "f"}}, "'context'"),
    ("missing question", {"context": "c", "expected_answer": {"final": "f"}}, "'question'"),
    ("missing expected_answer", {"context": "c", "question": "q?"}, "'expected_answer'"),
    ("wrong type", published() | {"question": 3}, "'question' must be a string, got number"),
    ("empty context", published() | {"context": "  "}, "'context' is empty"),
    ("answer not object", published() | {"expected_answer": "yes"}, "must be an object"),
    ("missing final", published() | {"expected_answer": {"proof": "p"}}, "'final'"),
    ("empty final", published() | {"expected_answer": {"final": ""}}, "'final' is empty"),
    ("bad kind", published() | {"expected_answer": {"final": "f", "kind": "maybe"}}, "'kind'"),
    ("bad claims", published() | {"expected_answer": {"final": "f", "claims": [1]}}, "'claims'"),
    ("bool id", published() | {"id": True}, "'id' must be a string or an integer"),
    ("empty id", published() | {"id": " "}, "'id' is empty"),
    ("other suite", published() | {"suite": "bias"}, "suite 'bias' does not match"),
    ("bad truth", published() | {"truth": [1]}, "'truth' must be an object"),
]


@pytest.mark.parametrize(("case", "line", "message"), BAD_LINES, ids=[c[0] for c in BAD_LINES])
def test_each_error_names_its_line(tmp_path: Path, case: str, line: str | dict, message: str):
    path = write(tmp_path, [published(1), "", line])
    with pytest.raises(DatasetError) as err:
        load_tasks(path)
    text = str(err.value)
    assert "tasks.jsonl line 3" in text, case
    assert message in text, text
    assert "\n" not in text


def test_duplicate_ids_are_rejected_explicit_and_implicit(tmp_path: Path):
    with pytest.raises(DatasetError, match=r"line 2: duplicate id 'a' \(first on line 1\)"):
        load_tasks(write(tmp_path, [published(1, id="a"), published(2, id="a")]))
    # A line without an id gets its line number, which may collide with an explicit id.
    with pytest.raises(DatasetError, match=r"line 2: duplicate id '1'"):
        load_tasks(write(tmp_path, [published(1), published(2, id=1)]))


def test_size_limits(tmp_path: Path):
    path = write(tmp_path, [published(1), published(2) | {"context": "x" * 5000}])
    with pytest.raises(DatasetError, match=r"line 2: line is \d+ bytes, over the limit of 1000"):
        load_tasks(path, max_line_bytes=1000)
    with pytest.raises(DatasetError, match="over the limit of 100"):
        load_tasks(path, max_bytes=100)


def test_empty_missing_and_directory_files(tmp_path: Path):
    with pytest.raises(DatasetError, match="no tasks"):
        load_tasks(write(tmp_path, ["", "  "]))
    with pytest.raises(DatasetError, match="file not found"):
        load_tasks(tmp_path / "nope.jsonl")
    with pytest.raises(DatasetError, match="directory"):
        load_tasks(tmp_path)


def test_invalid_utf8_names_the_line(tmp_path: Path):
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(json.dumps(published()).encode() + b"\n" + b'{"context": "\xe9"}\n')
    with pytest.raises(DatasetError, match="line 2: not valid UTF-8"):
        load_tasks(path)


def test_deeply_nested_json_is_an_error_not_a_crash(tmp_path: Path):
    path = write(tmp_path, ["[" * 100_000 + "]" * 100_000])
    with pytest.raises(DatasetError, match="line 1"):
        load_tasks(path, max_line_bytes=1_000_000)


# ---- writing ------------------------------------------------------------------------
def test_write_is_atomic_and_replaces(tmp_path: Path):
    path = tmp_path / "out.jsonl"
    path.write_text("old content\n")
    tasks = [generate_task("dipg/1/3", i, str(i)) for i in range(3)]
    write_tasks(tasks, path)
    assert path.read_bytes() == dumps_tasks(tasks)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]  # no temp file left


# ---- bundled file -------------------------------------------------------------------
def _build_script():
    spec = importlib.util.spec_from_file_location(
        "build_bundled_tasks", ROOT / "scripts" / "build_bundled_tasks.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bundled_file_matches_its_manifest():
    manifest = bundled_manifest()
    assert manifest["name"] == datasets.BUNDLED_NAME
    assert (manifest["suite"], manifest["suite_version"]) == ("dipg", 1)
    ds = bundled_dataset()
    assert len(ds.tasks) == manifest["n"] == 300
    assert ds.dataset_hash == manifest["sha256"][:16]
    assert ds.tasks[0].id == f"dipg/1/{manifest['seed']}/000000"
    assert ds.tasks[-1].id == f"dipg/1/{manifest['seed']}/000299"


def test_bundled_file_equals_fresh_generation():
    """If this fails, the generator changed: bump the dipg suite version, then run
    `uv run python scripts/build_bundled_tasks.py`."""
    script = _build_script()
    fresh = dumps_tasks(script.build_tasks())
    data_dir = ROOT / "core" / "src" / "medsafe_core" / "data"
    assert (data_dir / f"{datasets.BUNDLED_NAME}.jsonl").read_bytes() == fresh
    manifest = script.manifest_text(script.manifest_for(fresh))
    assert (data_dir / f"{datasets.BUNDLED_NAME}.json").read_text("utf-8") == manifest
    assert script.main(["--check"]) == 0


def test_bundled_tasks_are_the_suites_tasks():
    from medsafe_core.suites import get_suite

    ds = bundled_dataset()
    suite = get_suite("dipg")
    for index in (0, 7, 299):
        assert suite.resolve(ds.tasks[index].id) == ds.tasks[index]


def test_tampered_bundled_file_is_detected(monkeypatch: pytest.MonkeyPatch):
    manifest = bundled_manifest() | {"sha256": "0" * 64}
    monkeypatch.setattr(datasets, "bundled_manifest", lambda: manifest)
    with pytest.raises(DatasetError, match="does not match the manifest"):
        bundled_dataset()
