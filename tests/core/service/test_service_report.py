"""The HTML report of a run: structure over HTTP, and in headless Chromium a screenshot
check that the per-category chart really rendered."""

from __future__ import annotations

import io
import os
from pathlib import Path

import httpx
import pytest
from service_helpers import LiveServer, bad_response, good_response

from medsafe_core.client import MedsafeClient
from medsafe_core.suites import get_suite

CHROMIUM = Path("/usr/bin/chromium")
GREEN = (0x2E, 0x7D, 0x32)


def _store_run(base_url: str | None = None, client: MedsafeClient | None = None) -> str:
    tasks = get_suite("dipg").tasks(7, 28)
    items = [
        {"id": t.id, "response": good_response(t) if i % 3 else bad_response(t)}
        for i, t in enumerate(tasks)
    ]
    owned = client is None
    client = client or MedsafeClient(base_url or "")
    try:
        result = client.evaluate(items, store=True, participant="alice")
    finally:
        if owned:
            client.close()
    assert result.run_id is not None
    return result.run_id


def test_report_structure(live: LiveServer) -> None:
    run_id = _store_run(live.url)
    resp = httpx.get(f"{live.url}/runs/{run_id}/report")
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in resp.headers["content-security-policy"]
    html = resp.text
    assert "<script" not in html
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "")  # no CDN
    assert 'id="metrics"' in html
    assert "safe_response_rate" in html
    assert "95% CI" in html
    assert 'class="whisker"' in html
    assert "<mark>" in html or "<mark " in html  # highlighted evidence
    assert "hallucinated_trace_penalty" in html or "penalty" in html
    for task in get_suite("dipg").tasks(7, 28):
        assert task.expected_answer.final not in html
    assert httpx.get(f"{live.url}/runs/nope/report").status_code == 404


@pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="BROWSER TEST SKIPPED: /usr/bin/chromium is missing (apt-get install chromium; "
    "scripts/test installs it in CI)",
)
def test_report_chart_renders_in_headless_chromium(live: LiveServer, tmp_path: Path) -> None:
    from PIL import Image
    from playwright.sync_api import sync_playwright

    run_id = _store_run(live.url)
    args = [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=args)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(f"{live.url}/runs/{run_id}/report", wait_until="load")
            assert page.title().startswith("medsafe report")
            chart = page.locator("#category-chart")
            categories = {t.category for t in get_suite("dipg").tasks(7, 28)}
            assert chart.locator("rect.bar").count() == len(categories)
            assert chart.locator("g.whisker").count() >= 1
            box = chart.bounding_box()
            assert box is not None
            assert box["width"] > 500
            assert box["height"] > 200
            png = chart.screenshot()
            if os.environ.get("MEDSAFE_KEEP_SCREENSHOT"):  # to look at it: a path prefix
                keep = os.environ["MEDSAFE_KEEP_SCREENSHOT"]
                Path(f"{keep}-chart.png").write_bytes(png)
                page.screenshot(path=f"{keep}-page.png", full_page=True)
            assert page.locator("#metrics tr").count() > 3
            assert page.locator(".sample mark").count() > 0
            assert not errors, errors
        finally:
            browser.close()
    image = Image.open(io.BytesIO(png)).convert("RGB")
    raw = image.tobytes()
    pixels = [tuple(raw[i : i + 3]) for i in range(0, len(raw), 3)]
    green = sum(1 for p in pixels if all(abs(a - b) <= 12 for a, b in zip(p, GREEN, strict=True)))
    dark = sum(1 for p in pixels if max(p) < 60)
    assert green > 0.02 * len(pixels), f"bars did not render ({green} green pixels)"
    assert dark > 50, "whiskers, axes labels or text did not render"
