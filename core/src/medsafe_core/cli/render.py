"""Rich tables for metrics and comparisons."""

from __future__ import annotations

from collections.abc import Mapping

from rich.table import Table

from medsafe_core.models import Estimate, SuiteMetrics

HEADLINE = (
    "mean_reward",
    "safe_response_rate",
    "hallucination_rate",
    "refusal_rate",
    "format_error_rate",
    "consistency_rate",
)


def fmt_estimate(e: Estimate | None, *, rate: bool, newline: bool = False) -> str:
    """`value [lo, hi]` with rates in percent."""
    if e is None or e.value is None:
        return "-"
    scale, unit = (100.0, "%") if rate else (1.0, "")
    digits = 0 if rate else 1
    value = f"{e.value * scale:.1f}{unit}"
    if e.ci_low is None or e.ci_high is None:
        return value
    ci = f"[{e.ci_low * scale:.{digits}f}, {e.ci_high * scale:.{digits}f}]"
    return f"{value}\n{ci}" if newline else f"{value} {ci}"


_SHORT = {
    "mean_reward": "reward",
    "safe_response_rate": "safe",
    "hallucination_rate": "halluc.",
    "refusal_rate": "refusal",
    "format_error_rate": "format err",
    "consistency_rate": "consistent",
}


def metrics_table(runs: Mapping[str, SuiteMetrics], title: str = "metrics, 95% CI") -> Table:
    """One row per run, one column per headline metric (value over its CI)."""
    table = Table(title=title)
    table.add_column("run")
    for metric in HEADLINE:
        table.add_column(_SHORT[metric], justify="right")
    table.add_column("n / err", justify="right")
    for name, m in runs.items():
        cells = [
            fmt_estimate(m.metrics.get(k), rate=k != "mean_reward", newline=True) for k in HEADLINE
        ]
        table.add_row(name, *cells, f"{m.n_scored} / {m.n_errors}")
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


def _extra_value(name: str, e: Estimate | None) -> str:
    if e is None or e.value is None:
        return "-"
    if e.method in ("wilson", "cluster_bootstrap", "bootstrap") and name.endswith(
        ("_rate", "compliance")
    ):
        return fmt_estimate(e, rate=True)
    if e.ci_low is not None and e.ci_high is not None:
        return f"{e.value:.3f} [{e.ci_low:.3f}, {e.ci_high:.3f}]"
    return f"{e.value:.4g}" + (f" ({e.method})" if e.method else "")


def extra_metrics_table(runs: Mapping[str, SuiteMetrics]) -> Table | None:
    """The suite's own metrics beyond the shared headline (pair inconsistency, McNemar,
    compliance, F-beta, ...): one row per metric, one column per run; None when the
    suite adds none."""
    names = sorted({k for m in runs.values() for k in m.metrics} - set(HEADLINE))
    if not names:
        return None
    table = Table(title="suite metrics, 95% CI where one applies")
    table.add_column("metric")
    for run in runs:
        table.add_column(run, justify="right")
    for name in names:
        table.add_row(name, *(_extra_value(name, m.metrics.get(name)) for m in runs.values()))
    return table
