"""Large alternations of cue patterns, searched only where they can match.

The cue patterns ("the context does not mention", "the sources disagree") are long
alternations of case-insensitive phrasings; Python's engine tries every branch at every
position, which made one search of a 150-character answer cost ~0.14 ms. A branch can only
match a text holding one of its necessary literals (a word every match of it contains),
so each branch is searched only where one occurs. Results are the whole pattern's: the
leftmost match, and at that position the first branch that matches there (the same
leftmost-first rule the engine applies to an alternation). Texts with characters outside
ASCII, where case-insensitive matching goes beyond `str.lower`, are searched whole.
"""

from __future__ import annotations

import re
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

Literals = frozenset[str]


def _necessary(items: Any) -> Literals | None:
    """Literals (lower-case) one of which every match of the parsed sequence contains;
    None when none is known. Of several candidates, the most selective: longest
    shortest literal, then fewest literals."""
    candidates: list[Literals] = []
    run = ""
    for op, arg in [*items, (None, None)]:
        if op is sre.LITERAL:
            run += chr(arg).lower()
            continue
        if run:
            candidates.append(frozenset({run}))
            run = ""
        found: Literals | None = None
        if op is sre.SUBPATTERN:
            found = _necessary(arg[-1])
        elif op is sre.BRANCH:
            branches = [_necessary(b) for b in arg[1]]
            if all(branches):
                found = frozenset().union(*branches)  # type: ignore[arg-type]
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and arg[0] >= 1:
            found = _necessary(arg[2])
        if found:
            candidates.append(found)
    if not candidates:
        return None
    return max(candidates, key=lambda s: (min(map(len, s)), -len(s)))


def _top_level_branches(source: str) -> list[str]:
    """The pattern's source split at its top-level `|` (not in a group or a class)."""
    out, depth, in_class, escaped, start = [], 0, False, False, 0
    for i, ch in enumerate(source):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            out.append(source[start:i])
            start = i + 1
    out.append(source[start:])
    return out


class GatedPattern:
    """`search` of a compiled alternation, each branch tried only where it can match."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self._branches: list[tuple[re.Pattern[str], Literals | None]] = []
        for source in _top_level_branches(pattern.pattern):
            branch = re.compile(source, pattern.flags)
            self._branches.append((branch, _necessary(sre_parse.parse(source, pattern.flags))))
        self._literals = sorted({w for _, needs in self._branches for w in needs or ()})

    def search(self, text: str) -> re.Match[str] | None:
        """The whole pattern's first match in `text`, or None."""
        if not text.isascii():
            return self.pattern.search(text)
        lowered = text.lower()
        present = {word for word in self._literals if word in lowered}
        best: re.Match[str] | None = None
        for branch, needs in self._branches:
            if needs is not None and needs.isdisjoint(present):
                continue
            m = branch.search(text)
            if m is not None and (best is None or m.start() < best.start()):
                best = m
        return best
