"""Offsets of a normalized text map back to the same characters of the original, for
short texts (indexed in Python) and long ones (indexed with numpy) alike."""

from __future__ import annotations

import random

import pytest

from medsafe_core.judging.lexical.text import normalize


@pytest.mark.parametrize("length", [0, 1, 40, 300, 3000, 5000, 20_000])
def test_every_character_of_the_normalized_text_maps_back_to_itself(length: int) -> None:
    rng = random.Random(length)
    original = "".join(rng.choice("ab  c.\n\t-\u00e9  xyz19") for _ in range(length))
    norm = normalize(original)
    for pos, char in enumerate(norm.text):
        if char != " ":
            assert norm.mapped[norm.to_original(pos)] == char
    if norm.text:
        start, end = norm.span(0, len(norm.text))
        assert norm.mapped[start:end].split() == norm.text.split()


@pytest.mark.parametrize("seed", range(5))
def test_a_found_quote_has_the_offsets_of_its_first_occurrence(seed: int) -> None:
    rng = random.Random(seed)
    words = ["dose", "was", "5", "mg", "not", "given", "on", "day", "2.5", "-"]
    context = "".join(rng.choice(words) + rng.choice([" ", "  ", "\n", " , "]) for _ in range(400))
    norm = normalize(context)
    tokens = norm.text.split(" ")
    for _ in range(200):
        i = rng.randrange(len(tokens))
        needle = normalize(" ".join(tokens[i : i + rng.randint(1, 4)]))
        found = norm.find(needle)
        first = f" {norm.text} ".index(f" {needle.text} ")  # its first whole-token place
        assert found == norm.span(first, first + len(needle.text))
