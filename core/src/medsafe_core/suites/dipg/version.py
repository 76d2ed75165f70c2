"""The dipg scorer's version, importable without loading the scorer (task generation and
suite listings name it; only scoring needs the judge)."""

from __future__ import annotations

from medsafe_core.judging.lexical._lexicon import LEXICON

SCORER_VERSION = f"dipg-scorer-1.9+{LEXICON.hash}"
"""Rules version plus the hash of the lexicon the lexical judge reads."""
