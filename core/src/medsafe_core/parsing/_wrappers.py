"""What surrounds a payload: reasoning blocks, channel tags and fenced code blocks."""

from __future__ import annotations

import re
from dataclasses import dataclass

from medsafe_core.parsing._common import ParseFailure
from medsafe_core.parsing.types import ParseErrorKind

_REASONING_OPEN = re.compile(r"<(think|thinking|reasoning)>", re.IGNORECASE)
_REASONING_CLOSE = {
    name: re.compile(rf"</{name}\s*>", re.IGNORECASE) for name in ("think", "thinking", "reasoning")
}
_GPT_OSS_TOKEN = re.compile(r"<\|([a-z_]+)\|>")
_PLAIN_TOKEN = re.compile(r"<(channel|message|end)>", re.IGNORECASE)
_PLAIN_CHANNEL = re.compile(r"<channel>", re.IGNORECASE)
_PLAIN_START = re.compile(r"<(?:channel|start)>", re.IGNORECASE)
_PLAIN_MESSAGE = re.compile(r"<message>", re.IGNORECASE)
# Tokens that end a channel message (besides the end of the text).
_MESSAGE_ENDS = frozenset({"end", "return", "call", "start", "channel"})
_FENCE_INFO = re.compile(r"[\w.+-]*[ \t]*")
_MAX_REASONING_BLOCKS = 8


def strip_reasoning(text: str, reasoning: list[str]) -> str:
    """The text after leading reasoning blocks; their contents are appended to `reasoning`.

    A block counts only at the very start (`<think>...</think>`), or as a closing tag
    with no opening one (chat templates that put `<think>` in the prompt). Raises
    ParseFailure(EMPTY) when a block is never closed: then there is no answer after it.
    """
    for _ in range(_MAX_REASONING_BLOCKS):
        opening = _REASONING_OPEN.match(text)
        if opening is None:
            return _strip_headless(text, reasoning)
        name = opening.group(1).lower()
        closing = _REASONING_CLOSE[name].search(text, opening.end())
        if closing is None:
            raise ParseFailure(
                ParseErrorKind.EMPTY,
                f"<{name}> is never closed, so there is no answer after the reasoning",
            )
        reasoning.append(text[opening.end() : closing.start()].strip())
        text = text[closing.end() :].strip()
    return text


def _strip_headless(text: str, reasoning: list[str]) -> str:
    # Reasoning is prose: a text that opens like a payload is the answer, and a
    # "</think>" inside it is content.
    if "</" not in text or text.startswith(("{", "[", "<", "```")):
        return text
    for name, pattern in _REASONING_CLOSE.items():
        closing = pattern.search(text)
        if closing is None:
            continue
        if re.search(rf"<{name}\s*>", text[: closing.start()], re.IGNORECASE):
            # Opened inside the text, so this block is part of the content, not a
            # reasoning prefix whose opening tag was in the prompt.
            return text
        reasoning.append(text[: closing.start()].strip())
        return text[closing.end() :].strip()
    return text


@dataclass(frozen=True, slots=True)
class Channels:
    """Messages of a channel-tagged response, in order, and which tag style it used."""

    gpt_oss: bool
    messages: tuple[tuple[str, str], ...]


def find_channels(text: str) -> Channels | None:
    """Channel messages (`<|channel|>NAME<|message|>...` or `<channel>NAME<message>...`).

    A text that opens like another payload (JSON, XML, a fence) is that payload even
    if it mentions channel tokens inside, unless it opens with a channel token.
    """
    if text.startswith(("{", "[", "```")) or (
        text.startswith("<") and not text.startswith("<|") and not _PLAIN_START.match(text)
    ):
        return None
    if "<|channel|>" in text or "<|message|>" in text:
        tokens = [(m.group(1), m.start(), m.end()) for m in _GPT_OSS_TOKEN.finditer(text)]
        gpt_oss = True
    elif (channel := _PLAIN_CHANNEL.search(text)) and _PLAIN_MESSAGE.search(text, channel.end()):
        tokens = [(m.group(1).lower(), m.start(), m.end()) for m in _PLAIN_TOKEN.finditer(text)]
        gpt_oss = False
    else:
        return None
    # Where each message stops: the next ending token, found in one backward pass so
    # that many unterminated messages still cost linear time.
    stops = [len(text)] * len(tokens)
    stop = len(text)
    for i in range(len(tokens) - 1, -1, -1):
        stops[i] = stop
        if tokens[i][0] in _MESSAGE_ENDS:
            stop = tokens[i][1]
    messages: list[tuple[str, str]] = []
    name = ""
    for i, (kind, _, end) in enumerate(tokens):
        if kind == "channel":
            following = tokens[i + 1][1] if i + 1 < len(tokens) else len(text)
            # The header may go on with a recipient or `<|constrain|>json`: the first
            # word is the channel.
            header = text[end:following].split()
            name = header[0].lower() if header else ""
        elif kind == "message":
            if name:
                messages.append((name, text[end : stops[i]]))
            name = ""
        elif kind in ("start", "end", "return", "call"):
            name = ""
    if not messages:
        return None
    return Channels(gpt_oss, tuple(messages))


@dataclass(frozen=True, slots=True)
class Fences:
    """Contents of fenced code blocks and the text outside them."""

    blocks: tuple[str, ...]
    outside: str


def split_fences(text: str) -> Fences | None:
    """Fenced code blocks (```lang ... ```); an unclosed fence runs to the end of the text."""
    pos = text.find("```")
    if pos < 0:
        return None
    pos = _next_fence(text, pos)
    if pos < 0:
        return None
    blocks: list[str] = []
    outside: list[str] = []
    cursor = 0
    while pos >= 0:
        outside.append(text[cursor:pos])
        start = pos + 3
        newline = text.find("\n", start)
        line_end = len(text) if newline < 0 else newline
        # A language tag alone on the fence line is dropped; anything else there is
        # already content (a one-line fence such as ```{"final": "x"}```).
        if _FENCE_INFO.fullmatch(text, start, line_end):
            start = line_end
        close = text.find("```", start)
        end = len(text) if close < 0 else close
        blocks.append(text[start:end])
        cursor = len(text) if close < 0 else close + 3
        pos = _next_fence(text, text.find("```", cursor))
    outside.append(text[cursor:])
    return Fences(tuple(blocks), "\n".join(outside))


def _next_fence(text: str, pos: int) -> int:
    """The next opening fence from `pos`: backticks that start a line.

    JSON strings cannot hold a raw newline, so backticks quoted inside a JSON value
    (or inline code in prose) never open a block.
    """
    while pos >= 0:
        line_start = text.rfind("\n", 0, pos) + 1
        if not text[line_start:pos].strip():
            return pos
        pos = text.find("```", pos + 3)
    return pos
