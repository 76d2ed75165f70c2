"""The lexical judge's word lists and patterns, read once from `lexicon.json`.

Every list and pattern the judge rests on lives in that one versioned file; its
content hash (`LEXICON.hash`) is part of the version of every scorer that uses it, so
a changed word list is a changed scorer, recorded in every run."""

from __future__ import annotations

import hashlib
import json
import re
from importlib import resources
from typing import Any

_FLAGS = {"IGNORECASE": re.IGNORECASE, "DOTALL": re.S, "MULTILINE": re.M, "VERBOSE": re.X}


class Lexicon:
    """Typed access to the entries of a lexicon file."""

    def __init__(self, raw: bytes) -> None:
        data = json.loads(raw)
        self.version: str = data["version"]
        """The file's own version label."""
        self.hash: str = hashlib.sha256(raw).hexdigest()[:12]
        """Content hash of the file (part of scorer versions)."""
        self._entries: dict[str, Any] = data["entries"]

    def _get(self, key: str) -> Any:
        try:
            return self._entries[key]
        except KeyError:
            raise KeyError(f"lexicon {self.version} has no entry {key!r}") from None

    def word_set(self, key: str) -> frozenset[str]:
        """A set of words."""
        return frozenset(self._get(key))

    def mapping(self, key: str) -> dict[str, Any]:
        """A word-to-value table."""
        return dict(self._get(key))

    def numbers(self, key: str) -> dict[str, float]:
        """A word-to-number table (integers stay integers)."""
        table: dict[str, float] = dict(self._get(key))
        return table

    def phrases(self, key: str) -> dict[tuple[str, ...], str]:
        """A table keyed by phrases (space-separated in the file, token tuples here)."""
        return {tuple(k.split(" ")): v for k, v in self._get(key).items()}

    def pattern(self, key: str) -> re.Pattern[str]:
        """A compiled regular expression."""
        entry = self._get(key)
        flags = 0
        for name in entry.get("flags", []):
            flags |= _FLAGS[name]
        return re.compile(entry["pattern"], flags)

    def text(self, key: str) -> str:
        """A regular-expression fragment or other text."""
        return str(self._get(key))

    def number(self, key: str) -> float:
        """A numeric constant (thresholds)."""
        return float(self._get(key))


LEXICON = Lexicon(resources.files(__package__).joinpath("lexicon.json").read_bytes())
"""The lexicon of this version of medsafe."""
