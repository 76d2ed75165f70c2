"""Servers load each suite's scoring machinery as they start (`prepare_suites`), so that
a first request or assessment does not pay for loading the judge; the suites themselves
load it only to score."""

from __future__ import annotations

import subprocess
import sys

SNIPPET = """
import sys
from medsafe_core.suites import get_suite, prepare_suites
list(get_suite("dipg").tasks(seed=1, n=2))
print("scorer" if "medsafe_core.suites.dipg.scorer" in sys.modules else "no scorer")
prepare_suites()
print("scorer" if "medsafe_core.suites.dipg.scorer" in sys.modules else "no scorer")
from lemminflect.core.Lemmatizer import Lemmatizer
print("lemmas" if getattr(Lemmatizer(), "lemma_dict", None) else "no lemmas")
"""


def test_generating_tasks_leaves_the_scorer_unloaded_and_prepare_loads_it_with_its_tables() -> None:
    out = subprocess.run(
        [sys.executable, "-c", SNIPPET], capture_output=True, text=True, check=True, timeout=60
    ).stdout.split()
    assert out == ["no", "scorer", "scorer", "lemmas"]
