"""The report's step-by-step view of episodes (episodic suites only).

Each shown episode is replayed from its stored transcript (a JSON list of actions)
through the suite's own `reset`/`step` with the run's profile, so the page shows exactly
what the participant did, saw and earned at every turn. Nothing here names a suite.
"""

from __future__ import annotations

import json
from html import escape

from medsafe_core.ids import TaskIdError
from medsafe_core.models import RewardProfile, SampleResult, Task
from medsafe_core.models._base import Contract
from medsafe_core.service.schemas import PublicRunRecord
from medsafe_core.suites import Suite, SuiteKind, UnknownSuiteError, get_suite, resolve_task

SHOWN = 5
"""Episodes shown (lowest reward first)."""
MAX_TURNS = 300
"""Turns shown per episode."""
_CELL = 400


class EpisodeTurn(Contract):
    """One replayed turn."""

    turn: int
    """Step number (1-based)."""
    action: str
    """The participant's action, as sent."""
    reward: float | None
    """Reward of the step."""
    feedback: str
    """What the step returned (tool result or error)."""
    done: bool
    """Whether the episode ended here."""


def replay_turns(
    suite: Suite, task: Task, transcript: str, profile: RewardProfile
) -> list[EpisodeTurn]:
    """The turns of a transcript, replayed (empty when it is not a JSON list)."""
    try:
        actions = json.loads(transcript)
    except ValueError:
        return []
    if not isinstance(actions, list):
        return []
    result = suite.reset(task)
    turns: list[EpisodeTurn] = []
    for item in actions[:MAX_TURNS]:
        if result.done:
            break
        action = item if isinstance(item, str) else json.dumps(item)
        result = suite.step(task, result.state, action, profile)
        turns.append(
            EpisodeTurn(
                turn=len(turns) + 1,
                action=action,
                reward=result.reward,
                feedback=result.observation.feedback,
                done=result.done,
            )
        )
    return turns


def _cut(text: str) -> str:
    return escape(text[:_CELL]) + ("…" if len(text) > _CELL else "")


def _table(turns: list[EpisodeTurn]) -> str:
    rows = "".join(
        f"<tr><td class=num>{t.turn}</td><td><code>{_cut(t.action)}</code></td>"
        f'<td class="num {"pen" if (t.reward or 0) < 0 else "rew"}">'
        f"{'' if t.reward is None else f'{t.reward:+.3f}'}</td>"
        f"<td><code>{_cut(t.feedback)}</code></td><td>{'end' if t.done else ''}</td></tr>"
        for t in turns
    )
    total = sum(t.reward or 0.0 for t in turns)
    return (
        "<table class=episode><tr><th>turn</th><th>action</th><th>reward</th>"
        f"<th>result</th><th></th></tr>{rows}<tr><td></td><td><b>total</b></td>"
        f"<td class=num><b>{total:+.3f}</b></td><td></td><td></td></tr></table>"
    )


def _episode(
    suite: Suite, s: SampleResult, response: str, record: PublicRunRecord, salt: str | None
) -> str:
    try:
        task = resolve_task(s.id, salt)
    except (TaskIdError, KeyError, ValueError):
        return ""
    turns = replay_turns(suite, task, response, record.manifest.profile)
    if not turns:
        return ""
    return (
        f'<details class="episode" data-task="{escape(s.id)}"><summary><b>{escape(s.id)}</b> '
        f"epoch {s.epoch} · {escape(s.category)} · {escape(str(s.outcome))} · score "
        f"{'' if s.reward is None else f'{s.reward:.3f}'} · {len(turns)} turns</summary>"
        f"{_table(turns)}</details>"
    )


def episodes_section(record: PublicRunRecord, salt: str | None = None) -> str:
    """The step-by-step section of a run's report; empty for non-episodic suites."""
    try:
        suite = get_suite(record.manifest.suite)
    except UnknownSuiteError:
        return ""
    if suite.info.kind is not SuiteKind.EPISODIC:
        return ""
    responses = {(r.id, r.epoch): r.response for r in record.responses}
    ranked = sorted(
        (s for s in record.samples if responses.get((s.id, s.epoch))),
        key=lambda s: (s.reward if s.reward is not None else float("-inf"), s.id, s.epoch),
    )
    shown = [
        html
        for s in ranked[:SHOWN]
        if (html := _episode(suite, s, responses[(s.id, s.epoch)] or "", record, salt))
    ]
    if not shown:
        return ""
    return "<h2>Episodes step by step</h2>" + "".join(shown)
