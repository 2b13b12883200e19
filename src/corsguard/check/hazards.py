"""Hazards in responses the browser accepted: they work now and fail later, or elsewhere."""

from __future__ import annotations

from corsguard.browser import FetchRequest, Verdict
from corsguard.browser.differences import finding
from corsguard.codes import diagnosis as codes
from corsguard.findings import Finding


def hazards(request: FetchRequest, verdict: Verdict) -> list[Finding]:
    found: list[Finding] = []
    for exchange in verdict.exchanges:
        response = exchange.response
        origin = exchange.request.header("origin")
        allow = response.header("access-control-allow-origin")
        if origin is None or allow != origin or origin == "null":
            continue
        vary = [v.strip().lower() for v in (response.header("vary") or "").split(",")]
        if "origin" in vary or "*" in vary:
            continue
        found.append(
            finding(
                codes.REFLECTED_WITHOUT_VARY,
                f"{exchange.request.url}: Access-Control-Allow-Origin echoes {origin!r} without "
                "Vary: Origin; a shared cache can serve this answer to another origin, which "
                "then fails CORS at random",
                "Add Vary: Origin to every response whose Access-Control-Allow-Origin depends "
                "on the request (corsguard's middleware does; in nginx: add_header Vary Origin "
                "always;).",
                exchange.request.url,
            )
        )
        break
    return found
