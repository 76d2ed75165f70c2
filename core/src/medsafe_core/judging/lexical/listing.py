"""Lists in a final answer: an item the evidence does not state is a claim of its own.

A final that lists what the evidence lists and then one more item ("4 units of red cells,
4 units of plasma, one platelet pool and two pools of cryoprecipitate") adds a fact. The
share of its words the proof leaves out can still be small, so each item is judged on its
own: in a list of at least three items, two or more of them stated, an item most of whose
words the evidence does not use is unsupported."""

from __future__ import annotations

import re
from collections.abc import Callable

from medsafe_core.judging.lexical.enumeration import ITEM_SPLIT as _ITEM_SPLIT
from medsafe_core.judging.lexical.text import content_words
from medsafe_core.judging.lexical.verdicts import is_number_word

_BETWEEN = re.compile(r"\b(between\s+\S+)\s+and\s+", re.IGNORECASE)
_MIN_ITEMS = 3
_MAX_ITEM_WORDS = 6
"""An item of a list is a short phrase; a longer piece is a clause of a sentence."""
# a piece that opens like this is a clause ("even though ...", "so a call was due")
_CLAUSE = re.compile(
    r"^(?:even|though|although|because|since|so|which|who|that|if|when|whereas|while|but"
    r"|as|based|according|then|yes|no|not|only|under|per|given|with|without)\b",
    re.IGNORECASE,
)


def _runs(pieces: list[str]) -> list[list[str]]:
    """Maximal runs of consecutive short phrases (a list's items)."""
    runs: list[list[str]] = [[]]
    for piece in pieces:
        if len(piece.split()) <= _MAX_ITEM_WORDS and not _CLAUSE.match(piece):
            runs[-1].append(piece)
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if len(run) >= _MIN_ITEMS]


def unlisted_item(final: str, known: Callable[[str], bool]) -> str | None:
    """The first item of a list in the final whose words are mostly unknown (`known` says
    whether the evidence uses a word), in a list with at least two known items; or None."""
    body = re.sub(r"\([^)]*\)|\*\*|__", " ", final)
    body = _BETWEEN.sub(r"\1 to ", body)  # "between 5 and 10 days" is one range
    for sentence in re.split(r"(?<=[.!?:])\s+", body):
        pieces = [p.strip(" .:-*") for p in _ITEM_SPLIT.split(sentence)]
        for run in _runs([p for p in pieces if p]):
            judged = []
            for item in run:
                words = [w for w in content_words(item) if w.isalpha() and not is_number_word(w)]
                if words:
                    judged.append((item, 2 * sum(not known(w) for w in words) >= len(words)))
            if sum(not bad for _, bad in judged) >= 2:
                extra = next((item for item, bad in judged if bad), None)
                if extra is not None:
                    return extra
    return None
