"""`scripts/demo`: SIGTERM and SIGHUP stop the whole stack as Ctrl-C does (also with
--keep), and a taken port is named with the process that holds it."""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import demo
from ports import holders, is_free, taken_message

ROOT = Path(__file__).resolve().parents[2]


def _listener() -> socket.socket:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen()
    return s


def test_a_taken_port_is_named_with_its_process() -> None:
    with _listener() as s:
        port = s.getsockname()[1]
        assert not is_free(port)
        assert [pid for pid, _cmd in holders(port)] == [os.getpid()]
        message = taken_message(port, "core")
        assert message.startswith(
            f"port {port} on 127.0.0.1 (for core) is taken by pid {os.getpid()}: "
        )
        assert "python" in message or "pytest" in message
    assert is_free(port)
    assert holders(port) == []


def test_the_demo_says_who_holds_a_preferred_port(monkeypatch, capsys) -> None:
    with _listener() as s:
        port = s.getsockname()[1]
        monkeypatch.setattr(demo, "PREFERRED", {"core": port})
        chosen = demo.pick_ports()
    assert chosen["core"] != port
    out = " ".join(capsys.readouterr().out.split())  # the console wraps long lines
    assert f"port {port} on 127.0.0.1 (for core) is taken by pid {os.getpid()}" in out
    assert f"using {chosen['core']}" in out


def _read_until(proc: subprocess.Popen[str], marker: str, timeout: float) -> list[str]:
    """Lines of the process's output up to the one holding `marker`. A reader thread
    takes the lines (select() on the pipe misses lines already in Python's read buffer)."""
    assert proc.stdout is not None
    stdout = proc.stdout
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        for line in stdout:
            lines.put(line)
            if marker in line:
                return
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        try:
            line = lines.get(timeout=left)
        except queue.Empty:
            break
        if line is None:
            break
        seen.append(line)
        if marker in line:
            return seen
    raise AssertionError(f"no {marker!r} within {timeout} s:\n{''.join(seen)}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is gone for our purposes (its parent has not reaped it yet)
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(")")[-1].split()[0] == "Z")


@pytest.mark.slow
@pytest.mark.timeout(300)
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=lambda s: s.name)
def test_a_stop_signal_takes_the_kept_stack_down(sig: signal.Signals) -> None:
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "demo.py"), "--keep", "--n", "2"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    try:
        lines = _read_until(proc, "the stack keeps running", timeout=240)
        pids = [int(p) for p in next(x for x in lines if x.startswith("pids: ")).split()[1:]]
        assert len(pids) == 5 and all(_alive(p) for p in pids)
        proc.send_signal(sig)
        assert proc.wait(60) == 128 + sig
    finally:
        if proc.poll() is None:  # a failed check: still stop the stack the demo started
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    rest = proc.stdout.read() if proc.stdout else ""
    assert f"stopped ({sig.name}); the stack is down" in rest
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [p for p in pids if _alive(p)]
