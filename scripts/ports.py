"""Which process holds a TCP port: for a clear message when a port the stack needs is taken
(`port 8000 on 127.0.0.1 is taken by pid 4242: medsafe serve --port 8000`)."""

from __future__ import annotations

import os
import socket
from pathlib import Path

_LISTEN = "0A"


def is_free(port: int, host: str = "127.0.0.1") -> bool:
    """Whether a server could listen on `port` now. SO_REUSEADDR as servers (uvicorn,
    PostgreSQL) set it: connections closing in TIME_WAIT do not hold a port."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def _listening_inodes(port: int) -> set[str]:
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if (
                len(fields) > 9
                and fields[3] == _LISTEN
                and int(fields[1].split(":")[1], 16) == port
            ):
                inodes.add(fields[9])
    return inodes


def holders(port: int) -> list[tuple[int, str]]:
    """(pid, command line) of every process this user can see listening on `port`."""
    inodes = _listening_inodes(port)
    if not inodes:
        return []
    wanted = {f"socket:[{inode}]" for inode in inodes}
    found: list[tuple[int, str]] = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            fds = list((proc / "fd").iterdir())
            if not any(os.readlink(fd) in wanted for fd in fds):
                continue
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
        except OSError:
            continue
        found.append((int(proc.name), cmdline or f"[{(proc / 'comm').read_text().strip()}]"))
    return sorted(found)


def taken_message(port: int, role: str = "", host: str = "127.0.0.1") -> str:
    """A one-line explanation of who holds `port` (or that it is unknown)."""
    what = f" (for {role})" if role else ""
    who = holders(port)
    if not who:
        return f"port {port} on {host}{what} is taken by a process this user cannot see"
    listed = "; ".join(f"pid {pid}: {cmd[:120]}" for pid, cmd in who)
    return f"port {port} on {host}{what} is taken by {listed}"
