"""The HTML report of a stored run: one self-contained page (inline CSS and SVG).

It shows metrics with 95% CIs, per-category bars with error whiskers and the worst
samples with their penalties and evidence spans highlighted. It never shows a task's
expected answer: contexts come from the task views.
"""

from __future__ import annotations

from html import escape

from medsafe_core.ids import TaskIdError
from medsafe_core.models import Estimate, Evidence, SampleResult, TaskView
from medsafe_core.service.calibration_chart import calibration_section
from medsafe_core.service.charts import rate_bars
from medsafe_core.service.report_episode import episodes_section
from medsafe_core.service.schemas import PublicRunRecord
from medsafe_core.suites import resolve_task

WORST = 10
_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1000px;color:#1b1b1b}
h1{font-size:22px}h2{font-size:17px;margin-top:28px}
table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #ddd;padding:4px 8px}
th{background:#f3f3f3;text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;background:#eee;font-size:12px}
.warn{background:#fde7c2}.sample{border:1px solid #ddd;border-radius:6px;padding:8px 12px;
margin:10px 0}mark{background:#ffe066;padding:0 1px}pre{white-space:pre-wrap;background:#fafafa;
padding:6px;border:1px solid #eee;max-height:260px;overflow:auto}.pen{color:#b00020}
.rew{color:#1b5e20}.muted{color:#666}
"""


def _fmt(value: float | None, pct: bool) -> str:
    if value is None:
        return "n/a"
    return f"{100 * value:.1f}%" if pct else f"{value:.2f}"


def _is_rate(name: str) -> bool:
    return name.endswith("_rate") or name.startswith("pass")


def _metrics_table(metrics: dict[str, Estimate], pessimistic: dict[str, Estimate]) -> str:
    rows = []
    for name, est in metrics.items():
        pct = _is_rate(name)
        ci = (
            f"{_fmt(est.ci_low, pct)} – {_fmt(est.ci_high, pct)}"
            if est.ci_low is not None and est.ci_high is not None
            else "n/a"
        )
        worst = pessimistic.get(name)
        rows.append(
            f"<tr><td>{escape(name)}</td><td class=num>{_fmt(est.value, pct)}</td>"
            f"<td class=num>{ci}</td><td class=num>{est.n}</td><td>{escape(est.method)}</td>"
            f"<td class=num>{_fmt(worst.value, pct) if worst else 'n/a'}</td></tr>"
        )
    return (
        '<table id="metrics"><tr><th>metric</th><th>value</th><th>95% CI</th><th>n</th>'
        "<th>method</th><th>errors as failures</th></tr>" + "".join(rows) + "</table>"
    )


def _highlight(text: str, spans: list[Evidence], window: int = 240) -> str:
    """The text around the spans, each span in <mark>; overlapping spans merged."""
    ranges = sorted((max(0, e.start), min(len(text), e.end)) for e in spans if 0 <= e.start < e.end)
    merged: list[list[int]] = []
    for start, end in ranges:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    if not merged:
        return escape(text[: 2 * window]) + ("…" if len(text) > 2 * window else "")
    lo, hi = max(0, merged[0][0] - window), min(len(text), merged[-1][1] + window)
    out, pos = ["…" if lo else ""], lo
    for start, end in merged:
        out.append(escape(text[pos:start]) + f"<mark>{escape(text[start:end])}</mark>")
        pos = end
    out.append(escape(text[pos:hi]) + ("…" if hi < len(text) else ""))
    return "".join(out)


def _context(task_id: str, views: dict[str, TaskView], salt: str | None) -> str | None:
    if task_id in views:
        return views[task_id].context
    try:
        return resolve_task(task_id, salt).view().context
    except (TaskIdError, KeyError, ValueError):
        return None


def _sample_html(s: SampleResult, response: str | None, context: str | None) -> str:
    evidence = [e for p in s.penalties for e in p.evidence]
    pens = "".join(
        f'<li><span class="{"pen" if p.value < 0 else "rew"}">{escape(p.name)} '
        f"({p.value:+g})</span>: {escape(p.reason)}"
        + "".join(
            f' <mark title="{escape(e.source)}'
            f'{f", similarity {e.score:.0f}" if e.score is not None else ""}">'
            f"{escape(e.text[:200])}</mark>"
            for e in p.evidence
            if e.source != "context"
        )
        + "</li>"
        for p in s.penalties
    )
    ctx_spans = [e for e in evidence if e.source == "context"]
    resp_spans = [e for e in evidence if e.source == "response"]
    parts = [
        f'<div class="sample" data-task="{escape(s.id)}"><b>{escape(s.id)}</b> '
        f'<span class="muted">epoch {s.epoch} · {escape(s.category)}</span> '
        f'<span class="badge">{escape(str(s.outcome))}</span> reward '
        f"<b>{_fmt(s.reward, False)}</b>",
        f"<ul>{pens or '<li class=muted>no components</li>'}</ul>",
    ]
    for label, value in (
        ("unscored", s.unscored_reason),
        ("parse error", s.parse_error),
        ("error", s.error),
    ):
        if value:
            parts.append(f"<p class=muted>{label}: {escape(value)}</p>")
    if context is not None and ctx_spans:
        parts.append(f"<p>Context evidence:</p><pre>{_highlight(context, ctx_spans)}</pre>")
    if response is not None:
        parts.append(f"<p>Response:</p><pre>{_highlight(response, resp_spans, 1000)}</pre>")
    parts.append("</div>")
    return "".join(parts)


def _worst(samples: list[SampleResult]) -> list[SampleResult]:
    def key(s: SampleResult) -> tuple[float, str, int]:
        return (s.reward if s.reward is not None else float("-inf"), s.id, s.epoch)

    return sorted(samples, key=key)[:WORST]


def render_report(record: PublicRunRecord, salt: str | None = None) -> str:
    """The report page of a run."""
    m, metrics = record.manifest, record.metrics
    views = {t.id: t for t in record.tasks}
    responses = {(r.id, r.epoch): r.response for r in record.responses}
    safe = [
        (c, ms["safe_response_rate"])
        for c, ms in metrics.per_category.items()
        if "safe_response_rate" in ms
    ]
    halluc = [
        (c, ms["hallucination_rate"])
        for c, ms in metrics.per_category.items()
        if "hallucination_rate" in ms
    ]
    ranked = m.ground_truth_source == "server"
    badge = "" if ranked else '<span class="badge warn">caller ground truth: not ranked</span>'
    outcomes = "".join(
        f"<tr><td>{escape(k)}</td><td class=num>{v}</td></tr>" for k, v in metrics.outcomes.items()
    )
    worst = "".join(
        _sample_html(s, responses.get((s.id, s.epoch)), _context(s.id, views, salt))
        for s in _worst(record.samples)
    )
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>medsafe report {escape(record.meta.run_id)}</title><style>{_CSS}</style></head><body>
<h1>medsafe run <code>{escape(record.meta.run_id)}</code> {badge}</h1>
<p><span class="badge">{escape(str(record.meta.state))}</span>
suite <b>{escape(m.suite)}</b> v{m.suite_version} · scorer {escape(m.scorer_version)} ·
profile {escape(m.profile.name)} (<code>{escape(m.profile_hash)}</code>) ·
participant <b>{escape(m.participant or "—")}</b> · created {escape(record.meta.created_at)}</p>
<p class="muted">dataset {escape(m.dataset_id)} (<code>{escape(m.dataset_hash)}</code>) ·
{metrics.n_samples} samples, {metrics.n_scored} scored, {metrics.n_unscored} unscored,
{metrics.n_errors} errors · {m.n} tasks × {m.epochs} epochs</p>
<h2>Metrics (95% confidence intervals)</h2>{
        _metrics_table(metrics.metrics, metrics.metrics_errors_as_failures)
    }
<h2>Per category</h2>
{rate_bars("category-chart", "Safe response rate by category", safe, "#2e7d32")}
{rate_bars("hallucination-chart", "Hallucination rate by category", halluc, "#c62828")}
{calibration_section(record.samples, m.participant or "run", salt)}
<h2>Outcomes</h2><table id="outcomes"><tr><th>outcome</th><th>samples</th></tr>{outcomes}</table>
<h2>Worst samples</h2>{worst or "<p class=muted>no samples</p>"}
{episodes_section(record, salt)}
</body></html>"""
