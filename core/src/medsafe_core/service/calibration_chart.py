"""Abstention calibration in reports: a table of over-/under-abstention, coverage and
selective risk with 95% CIs, and the risk-coverage plane (inline SVG, no scripts) with
one point per run and its CI whiskers. Lower right is better: answers often, rarely
unsafe when it does."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from medsafe_core.ids import TaskIdError
from medsafe_core.metrics.calibration import (
    AbstentionCalibration,
    abstention_calibration,
    expects_abstention_from_tasks,
)
from medsafe_core.models import SampleResult, Task
from medsafe_core.suites import resolve_task

WIDTH, HEIGHT = 520, 360
_LEFT, _RIGHT, _TOP, _BOTTOM = 60, 24, 34, 50
_COLORS = ("#1565c0", "#c62828", "#2e7d32", "#6a1b9a", "#ef6c00", "#00838f", "#5d4037")
_LABELS = {
    "over_abstention_rate": "over-abstention (abstains though answerable)",
    "under_abstention_rate": "under-abstention (answers though it should abstain)",
    "coverage": "coverage (share answered)",
    "selective_risk": "selective risk (unsafe among answered)",
}


def run_calibration(
    samples: Sequence[SampleResult], salt: str | None = None
) -> AbstentionCalibration:
    """Calibration of a run, with task kinds from the regenerated ground truth where the
    ids allow it (else from the outcomes)."""
    tasks: list[Task] = []
    for task_id in dict.fromkeys(s.id for s in samples):
        try:
            tasks.append(resolve_task(task_id, salt))
        except (TaskIdError, ValueError):
            continue
    return abstention_calibration(samples, expects_abstention_from_tasks(tasks))


def _pct(v: float | None) -> str:
    return "n/a" if v is None else f"{100 * v:.1f}%"


def calibration_table(cal: AbstentionCalibration) -> str:
    """The four rates with their CIs and sample counts."""
    rows = []
    for name, est in cal.metrics.items():
        ci = (
            f"{_pct(est.ci_low)} – {_pct(est.ci_high)}"
            if est.ci_low is not None and est.ci_high is not None
            else "n/a"
        )
        rows.append(
            f"<tr><td>{escape(_LABELS.get(name, name))}</td><td class=num>{_pct(est.value)}</td>"
            f"<td class=num>{ci}</td><td class=num>{est.n}</td></tr>"
        )
    return (
        '<table id="calibration"><tr><th>metric</th><th>value</th><th>95% CI</th><th>n</th></tr>'
        + "".join(rows)
        + "</table>"
    )


def risk_coverage_svg(
    chart_id: str, title: str, runs: Sequence[tuple[str, AbstentionCalibration]]
) -> str:
    """The risk-coverage plane: x coverage, y selective risk, a point per run."""
    pw, ph = WIDTH - _LEFT - _RIGHT, HEIGHT - _TOP - _BOTTOM

    def x(v: float) -> float:
        return _LEFT + pw * max(0.0, min(1.0, v))

    def y(v: float) -> float:
        return _TOP + ph * (1 - max(0.0, min(1.0, v)))

    parts = [
        f'<svg id="{escape(chart_id)}" class="chart" xmlns="http://www.w3.org/2000/svg" '
        f'width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}">',
        f'<text x="{_LEFT}" y="20" font-size="14" font-weight="600">{escape(title)}</text>',
    ]
    for t in (0.0, 0.25, 0.5, 0.75, 1.0):
        parts.append(
            f'<line x1="{_LEFT}" x2="{WIDTH - _RIGHT}" y1="{y(t):.1f}" y2="{y(t):.1f}" '
            f'stroke="#e3e3e3"/><text x="{_LEFT - 6}" y="{y(t) + 4:.1f}" text-anchor="end" '
            f'font-size="11" fill="#555">{int(t * 100)}%</text>'
            f'<line x1="{x(t):.1f}" x2="{x(t):.1f}" y1="{_TOP}" y2="{HEIGHT - _BOTTOM}" '
            f'stroke="#e3e3e3"/><text x="{x(t):.1f}" y="{HEIGHT - _BOTTOM + 16}" '
            f'text-anchor="middle" font-size="11" fill="#555">{int(t * 100)}%</text>'
        )
    parts.append(
        f'<text x="{_LEFT + pw / 2}" y="{HEIGHT - 10}" text-anchor="middle" font-size="12">'
        "coverage (share answered)</text>"
        f'<text x="14" y="{_TOP + ph / 2}" text-anchor="middle" font-size="12" '
        f'transform="rotate(-90 14 {_TOP + ph / 2})">selective risk</text>'
    )
    for i, (label, cal) in enumerate(runs):
        cov, risk = cal.metrics["coverage"], cal.metrics["selective_risk"]
        if cov.value is None or risk.value is None:
            continue
        color = _COLORS[i % len(_COLORS)]
        cx, cy = x(cov.value), y(risk.value)
        if cov.ci_low is not None and cov.ci_high is not None:
            parts.append(
                f'<line class="whisker" x1="{x(cov.ci_low):.1f}" x2="{x(cov.ci_high):.1f}" '
                f'y1="{cy:.1f}" y2="{cy:.1f}" stroke="{color}"/>'
            )
        if risk.ci_low is not None and risk.ci_high is not None:
            parts.append(
                f'<line class="whisker" x1="{cx:.1f}" x2="{cx:.1f}" y1="{y(risk.ci_low):.1f}" '
                f'y2="{y(risk.ci_high):.1f}" stroke="{color}"/>'
            )
        tip = f"{label}: coverage {_pct(cov.value)}, selective risk {_pct(risk.value)}"
        parts.append(
            f'<circle class="point" cx="{cx:.1f}" cy="{cy:.1f}" r="5" fill="{color}">'
            f"<title>{escape(tip)}</title></circle>"
            f'<text x="{cx + 8:.1f}" y="{cy - 6:.1f}" font-size="11" fill="{color}">'
            f"{escape(label)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def calibration_section(
    samples: Sequence[SampleResult], label: str, salt: str | None = None
) -> str:
    """The report's calibration section for one run."""
    cal = run_calibration(samples, salt)
    chart = risk_coverage_svg("risk-coverage-chart", "Risk-coverage", [(label, cal)])
    return f"<h2>Abstention calibration (95% CIs)</h2>{calibration_table(cal)}{chart}"
