"""Reward profiles: named, versioned sets of reward constants."""

from __future__ import annotations

import hashlib
import json

from pydantic import ConfigDict, Field

from medsafe_core.models._base import Contract


class RewardProfile(Contract):
    """Named reward constants. A run records its full profile and hash and is always
    re-scored with it, whatever the environment of the process that re-scores."""

    model_config = ConfigDict(frozen=True, use_attribute_docstrings=True)

    name: str
    """Profile name, e.g. `dipg-v4`; `<base>+env` when environment overrides applied."""
    suite: str
    """Suite the profile belongs to."""
    values: dict[str, float] = Field(default_factory=dict)
    """Constant name to value (e.g. `exact_format_reward: 10`)."""

    def __getitem__(self, key: str) -> float:
        return self.values[key]

    @property
    def hash(self) -> str:
        """Short content hash over name, suite and values."""
        blob = json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode()).hexdigest()[:16]
