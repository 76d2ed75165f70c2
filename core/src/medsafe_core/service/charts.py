"""Inline SVG charts for reports: no scripts, no CDN, readable without JavaScript."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from medsafe_core.models import Estimate

WIDTH = 720
HEIGHT = 300
_LEFT, _RIGHT, _TOP, _BOTTOM = 56, 16, 34, 70


def _pct(value: float) -> str:
    return f"{100 * value:.1f}%"


def rate_bars(chart_id: str, title: str, items: Sequence[tuple[str, Estimate]], color: str) -> str:
    """A bar per item (a rate in [0, 1]) with its 95% CI as an error whisker."""
    plot_w = WIDTH - _LEFT - _RIGHT
    plot_h = HEIGHT - _TOP - _BOTTOM
    parts = [
        f'<svg id="{escape(chart_id)}" class="chart" xmlns="http://www.w3.org/2000/svg" '
        f'width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}">',
        f'<text x="{_LEFT}" y="20" class="chart-title" font-size="14" font-weight="600">'
        f"{escape(title)}</text>",
    ]

    def y(value: float) -> float:
        return _TOP + plot_h * (1 - max(0.0, min(1.0, value)))

    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        ty = y(tick)
        parts.append(
            f'<line x1="{_LEFT}" x2="{WIDTH - _RIGHT}" y1="{ty:.1f}" y2="{ty:.1f}" '
            'stroke="#ddd" stroke-width="1"/>'
            f'<text x="{_LEFT - 6}" y="{ty + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="#555">{int(tick * 100)}%</text>'
        )
    if not items:
        parts.append(
            f'<text x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle" fill="#777">'
            "no scored samples</text></svg>"
        )
        return "".join(parts)
    slot = plot_w / len(items)
    bar_w = max(6.0, min(60.0, slot * 0.6))
    for i, (label, est) in enumerate(items):
        cx = _LEFT + slot * (i + 0.5)
        value = est.value if est.value is not None else 0.0
        top = y(value)
        ci = (
            f"95% CI {_pct(est.ci_low)}-{_pct(est.ci_high)}"
            if est.ci_low is not None and est.ci_high is not None
            else "no CI"
        )
        tip = f"{label}: {_pct(value) if est.value is not None else 'n/a'} ({ci}, n={est.n})"
        parts.append(
            f'<g class="bar-group" data-category="{escape(label)}">'
            f"<title>{escape(tip)}</title>"
            f'<rect class="bar" x="{cx - bar_w / 2:.1f}" y="{top:.1f}" width="{bar_w:.1f}" '
            f'height="{max(0.0, _TOP + plot_h - top):.1f}" fill="{color}"/>'
        )
        if est.ci_low is not None and est.ci_high is not None:
            lo, hi = y(est.ci_low), y(est.ci_high)
            cap = bar_w / 4
            parts.append(
                f'<g class="whisker" stroke="#222" stroke-width="1.5">'
                f'<line x1="{cx:.1f}" x2="{cx:.1f}" y1="{hi:.1f}" y2="{lo:.1f}"/>'
                f'<line x1="{cx - cap:.1f}" x2="{cx + cap:.1f}" y1="{hi:.1f}" y2="{hi:.1f}"/>'
                f'<line x1="{cx - cap:.1f}" x2="{cx + cap:.1f}" y1="{lo:.1f}" y2="{lo:.1f}"/>'
                "</g>"
            )
        value_label = _pct(value) if est.value is not None else "n/a"
        inside = value >= 0.12
        label_y = _TOP + plot_h - 6 if inside else top - 6
        parts.append(
            f'<text x="{cx:.1f}" y="{label_y:.1f}" text-anchor="middle" font-size="11" '
            f'fill="{"#fff" if inside else "#222"}">{value_label}</text>'
            f'<text x="{cx:.1f}" y="{_TOP + plot_h + 16:.1f}" text-anchor="middle" '
            f'font-size="11" fill="#333">{escape(label[:18])}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)
