"""Reading a response's action list: the time of each item and the action it names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from medsafe_core.suites.guidelines.data import guideline_book

_LEADING_TIME = re.compile(
    r"^\s*(?:[-*•]\s*)?(?:t\s*[+=]?\s*)?(\d{1,6}(?:\.\d+)?)\s*"
    r"(?:(?:min(?:ute)?s?|m)\b)?\s*[:\-–|,)]\s*(?P<text>.+?)\s*$",
    re.IGNORECASE,
)
_TRAILING_TIME = re.compile(
    r"^\s*(?P<text>.+?)\s*(?:@|\bat\b|\()\s*(?:t\s*\+?\s*)?(\d{1,6}(?:\.\d+)?)\s*"
    r"(?:min(?:ute)?s?|m)\)?\s*$",
    re.IGNORECASE,
)
_MAX_ITEMS = 200


@dataclass(frozen=True, slots=True)
class OrderedAction:
    """One item of the response: its position, time (None if not given), text and the
    catalogue action it names (None if none)."""

    position: int
    time: float | None
    text: str
    action: str | None


def _norm(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9/+%.-]+", text.lower().replace("_", " ")))


@cache
def _names() -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Exact names (id, label) and synonyms, longest first."""
    exact: dict[str, str] = {}
    synonyms: list[tuple[str, str]] = []
    for aid, a in guideline_book().actions.items():
        exact[_norm(aid)] = aid
        exact[_norm(a.label)] = aid
        synonyms += [(_norm(s), aid) for s in a.synonyms]
    synonyms.sort(key=lambda p: len(p[0]), reverse=True)
    return exact, synonyms


def name_action(text: str) -> str | None:
    """The catalogue action a text names: an id or label exactly, else the longest synonym."""
    said = _norm(text)
    exact, synonyms = _names()
    if said in exact:
        return exact[said]
    for phrase, aid in synonyms:
        if re.search(rf"(?<![a-z0-9]){re.escape(phrase)}", said):
            return aid
    return None


def read_actions(items: list[str]) -> list[OrderedAction]:
    """The items in order (multi-line items split into lines; at most 200)."""
    lines = [line for item in items for line in item.splitlines() if line.strip()]
    out: list[OrderedAction] = []
    for pos, line in enumerate(lines[:_MAX_ITEMS]):
        time: float | None = None
        text = line.strip()
        lead = _LEADING_TIME.match(line)
        trail = None if lead else _TRAILING_TIME.match(line)
        if lead:
            time, text = float(lead.group(1)), lead.group("text")
        elif trail:
            time, text = float(trail.group(2)), trail.group("text")
        out.append(OrderedAction(pos, time, text, name_action(text)))
    return out
