"""The adaptive curriculum: move up a tier when the participant's recent scores pass a
threshold, and rotate error types from one episode to the next."""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import fmean

from medsafe_core.suites.audit.generator import DIFFICULTIES
from medsafe_core.suites.audit.world import Difficulty


@dataclass
class Curriculum:
    """Chooses the task index of each next episode of a seed.

    Task `index` has tier `DIFFICULTIES[index % 3]` and error rotation `(index // 3) % 4`,
    so stepping `index` by 3 keeps the tier and rotates the error types.
    """

    threshold: float = 0.7
    """Escalate when the mean score of the last `window` episodes exceeds this."""
    window: int = 1
    """Episodes the mean is over (1: the last score alone, as published)."""
    level: Difficulty = Difficulty.EASY
    """Current tier."""
    episodes: int = 0
    """Episodes played so far."""
    recent: list[float] = field(default_factory=list)
    """Scores at the current tier, newest last."""

    def next_index(self) -> int:
        """The task index of the next episode (tier = level, rotation advances)."""
        return 3 * self.episodes + DIFFICULTIES.index(self.level)

    def record(self, score: float) -> Difficulty:
        """Record an episode's score; the tier of the next episode."""
        if not 0.0 <= score <= 1.0:
            raise ValueError(f"episode scores lie in [0, 1]; got {score}")
        self.episodes += 1
        self.recent = [*self.recent, score][-self.window :]
        at = DIFFICULTIES.index(self.level)
        full = len(self.recent) >= self.window
        if full and fmean(self.recent) > self.threshold and at + 1 < len(DIFFICULTIES):
            self.level = DIFFICULTIES[at + 1]
            self.recent = []
        return self.level
