"""Assess a participant through a running green agent over A2A, then show the metrics,
the core service's leaderboard and the report URL. The one command after
`docker compose up --wait`:

    scripts/assess                                  # the compose stack's purple, 42 tasks
    scripts/assess --purple http://127.0.0.1:9011/ --n 100

Addresses default to the stack's ports (MEDSAFE_GREEN_PORT, MEDSAFE_PURPLE_PORT,
MEDSAFE_CORE_PORT from the environment or ./.env); tokens come from MEDSAFE_GREEN_TOKEN
and MEDSAFE_API_TOKEN the same way. Also used by `scripts/demo`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
from a2a.client import A2ACardResolver, ClientConfig, ClientFactory
from a2a.types import Message, Part, Role, SendMessageRequest
from rich.console import Console
from rich.table import Table

from medsafe_agents.a2a_app import parts_data

console = Console(width=None if sys.stdout.isatty() else 132)
ROOT = Path(__file__).resolve().parents[1]


def dotenv(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of a compose .env file (comments and blank lines skipped)."""
    if not path.is_file():
        return {}
    out: dict[str, str] = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        out[key.strip()] = value.strip().strip("'\"")
    return out


def setting(name: str, default: str, env_file: dict[str, str]) -> str:
    """The environment's value, else the .env file's, else the default."""
    return os.environ.get(name) or env_file.get(name) or default


def eval_request(purple: str, n: int, seed: int = 1, concurrency: int = 8) -> dict[str, Any]:
    """The AgentBeats EvalRequest for one participant on the dipg suite."""
    return {
        "participants": {"agent": purple},
        "config": {
            "suite": "dipg",
            "num_tasks": n,
            "seed": seed,
            "format": "json",
            "concurrency": concurrency,
        },
    }


def _result_of(data: dict[str, Any]) -> bool:
    return str(data.get("schema", "")).startswith("medsafe.assessment")


async def assess(http: httpx.AsyncClient, green: str, purple: str, n: int) -> dict[str, Any]:
    """Send the EvalRequest, print progress, return the assessment artifact."""
    card = await A2ACardResolver(http, green).get_agent_card()
    client = ClientFactory(ClientConfig(httpx_client=http, streaming=True)).create(card)
    message = Message(
        role=Role.ROLE_USER,
        message_id=uuid4().hex,
        parts=[Part(text=json.dumps(eval_request(purple, n)))],
    )
    result: dict[str, Any] = {}
    async for event in client.send_message(SendMessageRequest(message=message)):
        kind = event.WhichOneof("payload")
        if kind == "status_update":
            for data in parts_data(event.status_update.status.message.parts):
                if data.get("kind") == "medsafe.progress":
                    console.print(
                        f"  {int(data['done'])}/{int(data['total'])} scored", highlight=False
                    )
        elif kind == "artifact_update":
            for data in parts_data(event.artifact_update.artifact.parts):
                if _result_of(data):
                    result = data
        elif kind == "task":
            for artifact in event.task.artifacts:
                for data in parts_data(artifact.parts):
                    if _result_of(data):
                        result = data
    if not result:
        raise RuntimeError("the green agent finished without a result artifact")
    return result


async def leaderboard(http: httpx.AsyncClient, core: str) -> list[dict[str, Any]] | str:
    """The core service's dipg leaderboard rows, or why they could not be read."""
    try:
        response = await http.get(f"{core}/leaderboard", params={"suite": "dipg"})
    except httpx.HTTPError as exc:
        return f"{core}/leaderboard: {exc}"
    if response.status_code != 200:
        return f"{core}/leaderboard answered HTTP {response.status_code}"
    board = response.json()
    rows = board.get("rows", []) if isinstance(board, dict) else board
    return [r for r in rows if isinstance(r, dict)]


def _cell(metric: dict[str, Any] | None, rate: bool) -> str:
    if not metric or metric.get("value") is None:
        return "-"
    scale = 100 if rate else 1
    unit = "%" if rate else ""
    low, high = metric.get("ci_low"), metric.get("ci_high")
    ci = f" [{low * scale:.0f}, {high * scale:.0f}]" if low is not None and high is not None else ""
    return f"{metric['value'] * scale:.1f}{unit}{ci}"


def show(results: dict[str, dict[str, Any]], board: list[dict[str, Any]] | str, core: str) -> None:
    """Metrics with CIs per participant, the leaderboard, the report URLs."""
    table = Table(title="assessments over A2A (95% CI)")
    for col in ("participant", "safe", "hallucination", "mean reward", "format errors", "errors"):
        table.add_column(col, justify="left" if col == "participant" else "right")
    for name, r in results.items():
        m = r.get("metrics", {})
        table.add_row(
            name,
            _cell(m.get("safe_response_rate"), True),
            _cell(m.get("hallucination_rate"), True),
            _cell(m.get("mean_reward"), False),
            _cell(m.get("format_error_rate"), True),
            str(int(r.get("n_errors", 0))),
        )
    console.print(table)
    if isinstance(board, str):
        console.print(f"[yellow]leaderboard not shown:[/yellow] {board}")
    else:
        title = f"leaderboard ({core}/leaderboard.html?suite=dipg), errors count as failures"
        lb = Table(title=title)
        for col in ("rank", "participant", "score [95% CI]", "error rate", "tasks", "run"):
            lb.add_column(col, justify="left" if col in ("participant", "run") else "right")
        for row in board:
            metric = str(row.get("ranking_metric", ""))
            lb.add_row(
                str(row.get("rank")),
                str(row.get("participant_name") or row.get("participant")),
                f"{metric}: {_cell(row.get('score'), metric.endswith('_rate'))}",
                f"{100 * float(row.get('error_rate', 0.0)):.1f}%",
                str(row.get("n_tasks")),
                str(row.get("run_id"))[:12],
            )
        console.print(lb)
    for name, r in results.items():
        console.print(f"report for {name}: {core}/runs/{r['run_id']}/report")


def _headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    green_headers, core_headers = _headers(args.green_token), _headers(args.api_token)
    async with httpx.AsyncClient(timeout=args.timeout, headers=green_headers) as http:
        console.print(f"assessing {args.purple} on {args.n} dipg tasks through {args.green}")
        result = await assess(http, args.green, args.purple, args.n)
    async with httpx.AsyncClient(timeout=30, headers=core_headers) as http:
        board = await leaderboard(http, args.core)
    show({args.purple: result}, board, args.core)
    return result


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    env = dotenv(Path.cwd() / ".env") or dotenv(ROOT / ".env")
    port = lambda name, default: setting(name, default, env)  # noqa: E731
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--green", default=f"http://127.0.0.1:{port('MEDSAFE_GREEN_PORT', '9009')}")
    ap.add_argument("--purple", default=f"http://127.0.0.1:{port('MEDSAFE_PURPLE_PORT', '9010')}/")
    ap.add_argument("--core", default=f"http://127.0.0.1:{port('MEDSAFE_CORE_PORT', '8000')}")
    ap.add_argument("--n", type=int, default=42, help="tasks")
    ap.add_argument("--timeout", type=float, default=300, help="seconds for the assessment")
    ap.add_argument("--green-token", default=setting("MEDSAFE_GREEN_TOKEN", "", env))
    ap.add_argument("--api-token", default=setting("MEDSAFE_API_TOKEN", "", env))
    ap.add_argument("--json", type=Path, help="also write the assessment artifact here")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    try:
        result = asyncio.run(main_async(args))
    except (httpx.HTTPError, RuntimeError) as exc:
        console.print(f"[red]assessment failed:[/red] {exc}")
        raise SystemExit(1) from exc
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
