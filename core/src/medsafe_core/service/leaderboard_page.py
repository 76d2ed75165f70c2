"""The leaderboard as an HTML page: the official board and, apart, the self-reported runs,
each row with the participant's name, its score with the 95% CI, the error rate and the
task count beside the rank (every number counts infrastructure errors as failures)."""

from __future__ import annotations

from html import escape

from medsafe_core.leaderboard import Leaderboard, LeaderboardRow
from medsafe_core.models import Estimate

_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1000px;color:#1b1b1b}
h1{font-size:22px}h2{font-size:17px;margin-top:28px}
table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #ddd;padding:4px 8px}
th{background:#f3f3f3;text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums}
.muted{color:#666}
"""


def _estimate(e: Estimate, rate: bool) -> str:
    if e.value is None:
        return "n/a"
    scale, unit, digits = (100.0, "%", 1) if rate else (1.0, "", 2)
    value = f"{e.value * scale:.{digits}f}{unit}"
    if e.ci_low is None or e.ci_high is None:
        return value
    return f"{value} [{e.ci_low * scale:.{digits}f}, {e.ci_high * scale:.{digits}f}]"


def _name(row: LeaderboardRow) -> str:
    if row.participant_name and row.participant_name != row.participant:
        url = f'<span class="muted">{escape(row.participant)}</span>'
        return f"{escape(row.participant_name)}<br>{url}"
    return escape(row.participant)


def _rows(rows: list[LeaderboardRow], metric: str) -> str:
    if not rows:
        return '<p class="muted">No run meets the configuration yet.</p>'
    rate = metric.endswith("_rate")
    head = "".join(
        f"<th>{h}</th>"
        for h in ("rank", "participant", escape(metric), "error rate", "tasks", "epochs", "run")
    )
    body = "".join(
        "<tr>"
        f'<td class="num">{r.rank}</td><td>{_name(r)}</td>'
        f'<td class="num">{escape(_estimate(r.score, rate))}</td>'
        f'<td class="num">{100 * r.error_rate:.1f}%</td><td class="num">{r.n_tasks}</td>'
        f'<td class="num">{r.epochs}</td>'
        f'<td><a href="/runs/{escape(r.run_id)}/report">{escape(r.run_id[:12])}</a></td>'
        "</tr>"
        for r in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def render_leaderboard(board: Leaderboard) -> str:
    """The whole page (self-contained, no scripts)."""
    suite = escape(board.suite)
    metric = board.ranking_metric
    return f"""<!doctype html><html><head><meta charset="utf-8">
<title>medsafe leaderboard: {suite}</title><style>{_CSS}</style></head><body>
<h1>Leaderboard: {suite}</h1>
<p class="muted">Ranked by {escape(metric)} with infrastructure errors counted as failures;
95% confidence intervals. Official runs are the green agent's assessments (or signed off)
that meet the suite's official configuration; self-reported runs are listed apart and
never ranked with them.</p>
<h2>Official</h2>{_rows(board.rows, metric)}
<h2>Self-reported</h2>{_rows(board.self_reported, metric)}
</body></html>"""
