"""Shared by the tests that ask a server for its model-graded judge."""

from __future__ import annotations

import json
from pathlib import Path

from medsafe_core.settings import Settings
from medsafe_core.suites import get_suite


def server_settings(tmp_path: Path, **extra: object) -> Settings:
    """Settings of a server on a temp SQLite file, without tokens or salt."""
    return Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'medsafe.db'}",
        data_dir=tmp_path,
        api_token=None,
        mcp_token=None,
        seed_salt=None,
        **extra,
    )


def reference_answers(id_key: str, n: int = 3) -> list[dict[str, object]]:
    """The reference answers of `n` answerable dipg tasks, as request items."""
    out: list[dict[str, object]] = []
    for t in get_suite("dipg").tasks(21, 40):
        e = t.expected()
        if t.category not in ("conflict", "insufficient"):
            response = json.dumps({"analysis": "", "proof": e.proof, "final": e.final})
            out.append({id_key: t.id, "response": response})
    return out[:n]
