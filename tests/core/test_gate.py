"""A gated cue pattern finds exactly what the whole pattern finds (same start and end),
on the labelled responses and on random and non-ASCII texts."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from medsafe_core.judging.lexical._lexicon import LEXICON
from medsafe_core.judging.lexical.gate import GatedPattern

KEYS = (
    "cues.abstain",
    "cues.conflict",
    "cues.refusal",
    "cues.abstain_unless_polar",
    "cues.disclaimer",
)
DATA = Path(__file__).parent / "data"


def _texts() -> list[str]:
    texts: list[str] = []
    for path in sorted(DATA.rglob("*.jsonl"))[::3]:
        for line in path.read_text().splitlines()[::2]:
            case = json.loads(line)
            texts += [case["response"], *case["response"].split("\n"), case["task"]["question"]]
    rng = random.Random(7)
    words = "the context does not mention sources disagree cannot determine N/A unknown".split()
    texts += [" ".join(rng.choice(words) for _ in range(rng.randint(1, 12))) for _ in range(400)]
    texts += ["Not ſtated in the context.", "The KONTEXT does not mention it", "Unknown", "n/a"]
    return texts


@pytest.mark.parametrize("key", KEYS)
def test_a_gated_pattern_matches_as_the_whole_pattern(key: str) -> None:
    whole = LEXICON.pattern(key)
    gated = GatedPattern(whole)
    found = 0
    for text in _texts():
        a, b = whole.search(text), gated.search(text)
        assert (a and a.span()) == (b and b.span()), text
        found += a is not None
    assert found > 0  # the corpus exercises the pattern


def test_the_leftmost_match_wins_and_at_one_start_the_first_branch() -> None:
    gated = GatedPattern(re.compile(r"\bdoes not\b|\bnot mention\w*|\bdoes not mention", re.I))
    m = gated.search("It does not mention the dose; it is not mentioned anywhere.")
    assert m is not None and m.group() == "does not"
    assert gated.search("nothing here") is None
