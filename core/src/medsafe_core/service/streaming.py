"""Counting the items of a JSON request body while it streams in.

`/evaluate` refuses batches over the item limit. Counting after parsing builds every
item first (a million tiny items took gigabytes and tens of seconds before the limit
applied); `ItemCounter` counts the elements of the named top-level arrays chunk by
chunk, holding only a few scalars of state, so an over-limit body is refused after
the first `limit` items have arrived, before anything is parsed.
"""

from __future__ import annotations

import json
import re

_STRUCTURE = re.compile(rb'["\[\]{},]')
_IN_STRING = re.compile(rb'["\\]')
_KEY_BYTES = 64  # longest key remembered; longer keys are never counted arrays


def _decode_key(raw: bytes) -> bytes:
    """A key as the parser will see it (escapes such as `\\u0065` resolved), so that
    spelling a key with escapes does not dodge the count."""
    if b"\\" not in raw or len(raw) > _KEY_BYTES:
        return raw
    try:
        return str(json.loads(b'"' + raw + b'"')).encode()
    except ValueError:
        return raw


class TooManyItems(Exception):
    """A counted array has more elements than the limit."""

    def __init__(self, key: str, limit: int) -> None:
        super().__init__(f"more than {limit} items in `{key}`")
        self.key = key
        self.limit = limit


class ItemCounter:
    """Counts the elements of the arrays that are values of `keys` in a JSON object,
    fed one chunk at a time; raises TooManyItems as soon as one passes `limit`.
    It does not validate JSON: the parser that runs afterwards does."""

    def __init__(self, keys: frozenset[str], limit: int) -> None:
        self._keys = frozenset(k.encode() for k in keys)
        self._limit = limit
        self._depth = 0
        self._in_string = False
        self._escape = False
        self._key = bytearray()
        self._last_key = b""
        self._counting: bytes | None = None
        self._commas = 0

    def feed(self, chunk: bytes) -> None:
        """Scan the next chunk of the body."""
        pos, end = 0, len(chunk)
        while pos < end:
            if self._in_string:
                pos = self._string(chunk, pos)
                continue
            match = _STRUCTURE.search(chunk, pos)
            if match is None:
                return
            pos = match.end()
            self._structure(chunk[match.start()])

    def _string(self, chunk: bytes, pos: int) -> int:
        if self._escape:  # the byte after a backslash never ends the string
            self._escape = False
            self._remember(chunk[pos : pos + 1])
            return pos + 1
        match = _IN_STRING.search(chunk, pos)
        stop = match.start() if match else len(chunk)
        self._remember(chunk[pos:stop])
        if match is None:
            return len(chunk)
        if chunk[stop] == ord("\\"):
            self._escape = True
            self._remember(b"\\")
        else:
            self._in_string = False
            if self._depth == 1:
                self._last_key = _decode_key(bytes(self._key))
        return stop + 1

    def _remember(self, part: bytes) -> None:
        if self._depth == 1 and len(self._key) <= _KEY_BYTES:
            self._key += part[: _KEY_BYTES + 1]

    def _structure(self, char: int) -> None:
        if char == ord('"'):
            self._in_string = True
            if self._depth == 1:
                self._key.clear()
        elif char in (ord("["), ord("{")):
            if char == ord("[") and self._depth == 1 and self._last_key in self._keys:
                self._counting, self._commas = self._last_key, 0
            self._depth += 1
        elif char in (ord("]"), ord("}")):
            self._depth -= 1
            if self._depth == 1:
                self._counting = None
        elif char == ord(",") and self._counting is not None and self._depth == 2:
            self._commas += 1
            if self._commas >= self._limit:  # at least commas + 1 elements
                raise TooManyItems(self._counting.decode(), self._limit)
