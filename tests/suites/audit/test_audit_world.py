"""The generated world: seeded, realistic, its injected errors real and hidden."""

from __future__ import annotations

import json
from datetime import date

import pytest
from audit_helpers import audit

from medsafe_core.suites.audit.generator import TIERS, generate_world, world_seed
from medsafe_core.suites.audit.world import Difficulty, ErrorType, Patient, Protocol, World

SEEDS = range(6)


def world_of(seed: int, difficulty: str) -> World:
    return audit().world(audit().task_for(seed, difficulty))


def broken_rules(protocol: Protocol, patient: Patient) -> set[ErrorType]:
    """Every rule the patient's record breaks, checked from raw fields."""
    out: set[ErrorType] = set()
    if not protocol.age_min <= patient.age <= protocol.age_max:
        out.add(ErrorType.AGE_BOUNDARY)
    if patient.treatment_start < patient.enrollment_date or (
        patient.death_date is not None and patient.death_date < patient.treatment_start
    ):
        out.add(ErrorType.TEMPORAL)
    delay = (patient.treatment_start - patient.enrollment_date).days
    if delay > protocol.treatment_window_days and patient.stage != "IV":
        out.add(ErrorType.WINDOW)
    extended = protocol.treatment_window_days + protocol.stage_iv_extension_days
    if patient.stage == "IV" and delay > protocol.treatment_window_days:
        if patient.comorbidity_index > protocol.comorbidity_threshold and delay <= extended:
            out.add(ErrorType.COMORBIDITY)
        elif delay > extended:
            out.add(ErrorType.WINDOW)
    return out


def test_same_id_same_world_and_seeds_differ() -> None:
    suite = audit()
    a, b = suite.task_for(3, "hard"), suite.resolve(suite.task_for(3, "hard").id)
    assert a == b
    assert suite.world(a).model_dump() == suite.world(b).model_dump()
    assert world_of(3, "hard").model_dump() != world_of(4, "hard").model_dump()


def test_salt_changes_the_world_and_is_not_kept() -> None:
    suite = audit()
    plain, salted = suite.task(5, 2), suite.task(5, 2, salt="s3cret-salt")
    assert suite.world(plain).model_dump() != suite.world(salted).model_dump()
    assert "s3cret-salt" not in json.dumps(salted.model_dump(mode="json"))


@pytest.mark.parametrize("difficulty", [d.value for d in Difficulty])
def test_tiers_sizes_and_error_types(difficulty: str) -> None:
    lo, hi, allowed = TIERS[Difficulty(difficulty)]
    seen: set[ErrorType] = set()
    for seed in SEEDS:
        world = world_of(seed, difficulty)
        assert world.difficulty == difficulty
        assert 40 <= len(world.patients) <= 80
        assert lo <= len(world.proposals) <= hi
        errors = [t.error_type for t in world.truth.values() if t.error_type is not None]
        assert errors, "every episode carries at least one error"
        assert set(errors) <= set(allowed)
        seen |= set(errors)
    assert seen == set(allowed)


@pytest.mark.parametrize("seed", SEEDS)
def test_injected_errors_are_real_and_sound_proposals_are_sound(seed: int) -> None:
    for difficulty in ("easy", "medium", "hard"):
        world = world_of(seed, difficulty)
        for pid, proposal in world.proposals.items():
            patient = world.patients[proposal.patient_id]
            broken = broken_rules(world.protocol, patient)
            error = world.truth[pid].error_type
            clears = proposal.decision in ("eligible", "within window", "consistent")
            if error is not None:
                assert clears and broken == {error}, (pid, broken, error)
            elif clears:
                assert not broken, (pid, broken)
            else:
                assert broken, f"{pid} rejects a patient who meets every rule"


def test_patients_are_plausible_records() -> None:
    world = world_of(1, "hard")
    for patient in world.patients.values():
        assert 16 <= patient.age <= 95
        assert patient.stage in {"I", "II", "III", "IV"}
        assert 0.0 <= patient.comorbidity_index <= 10.0
        assert 0 <= patient.ecog <= 4
        assert date(2021, 1, 1) < patient.enrollment_date < date(2025, 1, 1)
        assert patient.sex in {"F", "M"}


def test_world_seed_regenerates_without_the_key() -> None:
    key = "audit/1/9"
    assert generate_world(world_seed(key, 4), 4) == generate_world(world_seed(key, 4), 4)


def test_ground_truth_never_reaches_the_view_or_observation() -> None:
    suite = audit()
    for seed in SEEDS:
        task = suite.task_for(seed, "hard")
        view = json.dumps(task.view().model_dump(mode="json"))
        first = suite.reset(task).observation.model_dump_json()
        for text in (view, first):
            assert "world_seed" not in text and "key_feature" not in text
            assert 'error_type": "' not in text
        assert "category" not in json.loads(view)
        assert task.id not in suite.reset(task).observation.prompt  # the id regenerates truth
