"""`medsafe assess` plays episodic suites to the end with each reference participant and
stores the transcripts, which re-score to the same record."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from medsafe_core.cli import app
from medsafe_core.evaluation import rescore
from medsafe_core.models import RunRecord
from medsafe_core.runs import result_json


def test_assess_plays_audit_episodes(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["assess", "--suite", "audit", "--n", "3", "--seed", "4", "--out-dir", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    runs = {p.stem: RunRecord.model_validate_json(p.read_text()) for p in tmp_path.glob("*.json")}
    careful = runs["heuristic-auditor"].metrics.metrics
    careless = runs["random-auditor"].metrics.metrics
    assert careful["fbeta"].value is not None and careless["fbeta"].value is not None
    assert careful["fbeta"].value > careless["fbeta"].value
    record = runs["heuristic-auditor"]
    assert result_json(rescore(record)) == result_json(record)
