"""The `medsafe-mcp` process tunes Python's garbage collector before it serves: a large
`evaluate_batch` then runs one or two collections instead of about a hundred, and none
of them rescans the objects of start-up. Each check runs in a fresh interpreter, so the
collector settings of the test process are never touched."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from mcp_helpers import QUIET_ENV

from medsafe_mcp.__main__ import GC_THRESHOLDS

TESTS = Path(__file__).resolve().parent


def run_python(code: str, tmp_path: Path) -> dict[str, Any]:
    """The JSON object the last line `code` prints, run in a fresh interpreter."""
    env = {
        **os.environ,
        **QUIET_ENV,
        "MEDSAFE_DATA_DIR": str(tmp_path),
        "MEDSAFE_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'medsafe.db'}",
        "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]),
    }
    env.pop("MEDSAFE_MCP_TOKEN", None)
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def test_the_command_tunes_the_collector_before_it_serves(tmp_path: Path) -> None:
    # FastMCP.run (the transport, not our code) is where serving would start: report the
    # collector's state there instead of serving.
    code = """
import gc, json
from fastmcp import FastMCP
default = gc.get_threshold()
def report(self, *args, **kwargs):
    print(json.dumps({"default": default, "threshold": gc.get_threshold(),
                      "frozen": gc.get_freeze_count()}))
FastMCP.run = report
from medsafe_mcp.__main__ import main
main(["--transport", "http", "--port", "0"])
"""
    for transport in ("http", "stdio"):
        state = run_python(code.replace('"http"', f'"{transport}"'), tmp_path)
        assert tuple(state["default"]) != GC_THRESHOLDS
        assert tuple(state["threshold"]) == GC_THRESHOLDS
        # the modules and the server made at start-up are out of the collector's sight
        assert state["frozen"] > 50_000, state


def test_a_large_batch_runs_few_collections_and_garbage_is_still_collected(
    tmp_path: Path,
) -> None:
    # The same 500-item call in two fresh interpreters, with Python's default collector
    # settings and with the server's.
    code = """
import asyncio, gc, json, sys
from fastmcp import Client
from mcp_helpers import dipg_tasks, ideal_response, plain_text_response
from medsafe_mcp import create_server
from medsafe_mcp.__main__ import tune_gc

items = [
    {"task_id": t.id, "response": (plain_text_response if i % 3 else ideal_response)(t)}
    for i, t in enumerate(dipg_tasks(4, 500))
]
server = create_server()
if sys.argv[-1] == "tuned":
    tune_gc()

class Cycle:
    def __init__(self):
        self.me = self

async def call():
    async with Client(server) as client:
        await client.call_tool("evaluate_batch", {"responses": items[:5]})  # warm-up
        before = [s["collections"] for s in gc.get_stats()]
        result = await client.call_tool("evaluate_batch", {"responses": items})
        after = [s["collections"] for s in gc.get_stats()]
    assert len(result.structured_content["results"]) == len(items)
    return [b - a for a, b in zip(before, after)]

runs = asyncio.run(call())
import weakref
cycle = Cycle()
alive = weakref.ref(cycle)
del cycle
gc.collect()
print(json.dumps({"collections": runs, "cycle_collected": alive() is None}))
"""
    default = run_python(code, tmp_path)
    tuned = run_python(code.replace("sys.argv[-1]", '"tuned"'), tmp_path)
    # about 80 young, 8 middle and 1 full collection at Python's defaults; 1, 0 and 0 tuned
    assert sum(default["collections"]) > 40, default
    assert sum(tuned["collections"]) * 10 < sum(default["collections"]), (default, tuned)
    assert tuned["collections"][2] == 0, tuned
    # frozen start-up objects aside, cyclic garbage made while serving is still collected
    assert tuned["cycle_collected"] and default["cycle_collected"]
