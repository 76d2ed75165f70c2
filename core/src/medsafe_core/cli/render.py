"""Rich tables for metrics and comparisons."""

from __future__ import annotations

from collections.abc import Mapping

from rich.table import Table

from medsafe_core.models import Estimate, SuiteMetrics

HEADLINE = (
    "mean_reward", "safe_response_rate", "hallucination_rate", "refusal_rate",
    "format_error_rate", "consistency_rate",
)


def fmt_estimate(e: Estimate | None, *, rate: bool) -> str:
    """`value [lo, hi]` with rates in percent."""
    if e is None or e.value is None:
        return "-"
    scale, unit = (100.0, "%") if rate else (1.0, "")
    if e.ci_low is None or e.ci_high is None:
        return f"{e.value * scale:.1f}{unit}"
    return f"{e.value * scale:.1f}{unit} [{e.ci_low * scale:.1f}, {e.ci_high * scale:.1f}]"


def metrics_table(runs: Mapping[str, SuiteMetrics], title: str = "metrics (95% CI)") -> Table:
    """One column per run, one row per headline metric."""
    table = Table(title=title)
    table.add_column("metric")
    for name in runs:
        table.add_column(name, justify="right")
    for metric in HEADLINE:
        cells = [
            fmt_estimate(m.metrics.get(metric), rate=metric != "mean_reward") for m in runs.values()
        ]
        table.add_row(metric, *cells)
    table.add_row("n scored / errors", *[f"{m.n_scored} / {m.n_errors}" for m in runs.values()])
    return table


def category_table(metrics: SuiteMetrics) -> Table:
    """Safe rate and mean reward per category."""
    table = Table(title="per category")
    for col in ("category", "n", "safe", "hallucination", "mean reward"):
        table.add_column(col, justify="right" if col != "category" else "left")
    for cat, ms in sorted(metrics.per_category.items()):
        safe = ms.get("safe_response_rate")
        table.add_row(
            cat,
            str(safe.n if safe else 0),
            fmt_estimate(safe, rate=True),
            fmt_estimate(ms.get("hallucination_rate"), rate=True),
            fmt_estimate(ms.get("mean_reward"), rate=False),
        )
    return table
