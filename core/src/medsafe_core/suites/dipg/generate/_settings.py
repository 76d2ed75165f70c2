"""The clinical settings a scenario is drawn from, with their weights."""

from __future__ import annotations

from medsafe_core.suites.dipg.generate._clinical import ANTICOAGULATION, DIABETES, SEPSIS
from medsafe_core.suites.dipg.generate._onco import (
    DIPG,
    GLIOBLASTOMA,
    MEDULLOBLASTOMA,
    NEUROBLASTOMA,
)
from medsafe_core.suites.dipg.generate._vocab import Setting

SETTINGS: tuple[tuple[Setting, int], ...] = (
    (DIPG, 6),  # the suite's namesake gets a third of the scenarios
    (MEDULLOBLASTOMA, 2),
    (NEUROBLASTOMA, 2),
    (GLIOBLASTOMA, 2),
    (SEPSIS, 2),
    (ANTICOAGULATION, 2),
    (DIABETES, 2),
)
