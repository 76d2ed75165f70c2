"""A judge consulted only where a suite's own rules are unsure.

`WhenUnsure(judge)` wraps any judge: a suite that honours it (dipg) decides every
sample by its rules and hands the judge only the samples its rules leave UNSCORED, so a
model-graded judge costs calls on the few hard samples, not on all of them. Each score
names what decided it: no judge label for the rules' verdicts, the wrapped judge's label
where it was asked."""

from __future__ import annotations

from collections.abc import Sequence

from medsafe_core.judging.protocol import Grade, Judge, RubricItem


class WhenUnsure:
    """`judge`, asked only where the rules are unsure."""

    only_when_unsure = True

    def __init__(self, judge: Judge) -> None:
        self.judge = judge
        self.info = judge.info

    def grade(self, items: Sequence[RubricItem]) -> list[Grade]:
        return self.judge.grade(items)

    def close(self) -> None:
        """Close the wrapped judge, where it holds resources (a model client's loop)."""
        close = getattr(self.judge, "close", None)
        if close is not None:
            close()


def only_when_unsure(judge: Judge | None) -> bool:
    """Whether `judge` is to be asked only where the rules are unsure."""
    return bool(getattr(judge, "only_when_unsure", False))
