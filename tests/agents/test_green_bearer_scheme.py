"""The green agent accepts the bearer scheme in any case (RFC 9110: `bearer tok`)."""

from __future__ import annotations

import httpx

from .conftest import make_settings


async def test_bearer_scheme_is_case_insensitive(make_green, tmp_path):
    settings = make_settings(tmp_path, green_token="s3cret")
    green, _ = await make_green(settings_=settings)
    ping = {"jsonrpc": "2.0", "id": 1, "method": "nothing/such"}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=green.app)) as http:
        for scheme in ("Bearer", "bearer", "BEARER"):
            resp = await http.post(
                "http://green.test/", json=ping, headers={"Authorization": f"{scheme} s3cret"}
            )
            assert resp.status_code != 401, scheme
        wrong = await http.post(
            "http://green.test/", json=ping, headers={"Authorization": "bearer nope"}
        )
        assert wrong.status_code == 401
