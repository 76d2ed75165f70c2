"""Which participant URLs the green agent may call.

The green agent sends requests to whatever URL an EvalRequest names, so without a
check it could be used to reach arbitrary addresses. A participant URL must be an
http(s) URL without credentials that matches an entry of `MEDSAFE_ALLOWED_PARTICIPANTS`
(comma-separated URL prefixes, matched on scheme, host, port and whole path segments;
`*` allows any URL) or, unless disabled, points at a loopback address.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}


class ParticipantNotAllowedError(ValueError):
    """A participant URL that the allowlist does not permit; the message says why."""


def _port(parts: SplitResult) -> int:
    return parts.port or _DEFAULT_PORTS[parts.scheme]


def _split(url: str) -> SplitResult:
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018  (raises ValueError on a malformed port)
    except ValueError as exc:
        raise ParticipantNotAllowedError(f"{url!r} is not a valid URL: {exc}") from None
    if parts.scheme not in _DEFAULT_PORTS:
        raise ParticipantNotAllowedError(f"{url!r}: only http and https URLs are allowed")
    if not parts.hostname:
        raise ParticipantNotAllowedError(f"{url!r}: the URL has no host")
    if parts.username is not None or parts.password is not None:
        raise ParticipantNotAllowedError(f"{url!r}: URLs with credentials are not allowed")
    return parts


def is_loopback(host: str) -> bool:
    """True for `localhost` and loopback IP literals (127.0.0.0/8, ::1)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class _Prefix:
    scheme: str
    host: str
    port: int
    path: str

    def matches(self, parts: SplitResult) -> bool:
        if (parts.scheme, (parts.hostname or "").lower(), _port(parts)) != (
            self.scheme,
            self.host,
            self.port,
        ):
            return False
        path = parts.path.rstrip("/")
        return path == self.path or path.startswith(self.path + "/")


class ParticipantAllowlist:
    """The allowlist of participant URLs."""

    def __init__(self, spec: str = "", *, allow_loopback: bool = True) -> None:
        entries = [e.strip() for e in spec.split(",") if e.strip()]
        self.allow_any = "*" in entries
        self.allow_loopback = allow_loopback
        self._prefixes: list[_Prefix] = []
        for entry in entries:
            if entry == "*":
                continue
            try:
                parts = _split(entry)
            except ParticipantNotAllowedError as exc:
                raise ValueError(f"MEDSAFE_ALLOWED_PARTICIPANTS: {exc}") from None
            self._prefixes.append(
                _Prefix(
                    parts.scheme,
                    (parts.hostname or "").lower(),
                    _port(parts),
                    parts.path.rstrip("/"),
                )
            )

    def check(self, url: str) -> str:
        """Return the URL when allowed; raise ParticipantNotAllowedError otherwise."""
        parts = _split(url)
        if self.allow_any:
            return url
        if self.allow_loopback and is_loopback(parts.hostname or ""):
            return url
        if any(p.matches(parts) for p in self._prefixes):
            return url
        raise ParticipantNotAllowedError(
            f"participant URL {url!r} is not allowed: add its prefix to "
            "MEDSAFE_ALLOWED_PARTICIPANTS on the green agent"
            + ("" if self.allow_loopback else " (loopback participants are disabled)")
        )

    def same_origin(self, base: str, url: str) -> bool:
        """Whether `url` has the scheme, host and port of `base`."""
        a, b = urlsplit(base), urlsplit(url)
        try:
            return (a.scheme, a.hostname, _port(a)) == (b.scheme, b.hostname, _port(b))
        except (KeyError, ValueError):
            return False
