"""An API that reflects every origin with credentials, whose real requests fail with 500.

A common setup: Starlette's CORSMiddleware with ``allow_origin_regex`` matching everything and
credentials on, and handlers that need a database pool the app opens at start-up. When the pool
is missing, every real request is a 500 that Starlette sends without CORS headers, while the
preflights, answered by the middleware, still echo any origin. The scan must report the
reflection the preflights prove, say that the real requests failed, and never call the preflight
"wider" than responses nobody could read.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI, Request
from starlette.middleware.cors import CORSMiddleware

from corsguard.codes import Severity
from corsguard.scan.probes import parse_trusted
from corsguard.scan.runner import ScanOptions, Target, TargetResult, scan
from tests.support.servers import serve_asgi

TRUSTED = "https://app.example.com"
# path -> methods, as an OpenAPI document would list them
ENDPOINTS = {
    "/health": ("GET",),
    "/me": ("GET",),
    "/orders": ("GET", "POST"),
    "/orders/1": ("PUT", "DELETE"),
    "/login": ("POST",),
}


def reflecting_app() -> FastAPI:
    app = FastAPI()
    app.add_middleware(
        CORSMiddleware,
        allow_origin_regex=r"https?://.*",
        allow_credentials=True,
        allow_methods=["*"],
        allow_headers=["*"],
    )

    def pool(request: Request) -> Any:
        return request.app.state.pool  # never set: the start-up that opens it did not run

    @app.get("/health")
    def health() -> dict[str, bool]:
        return {"ok": True}

    @app.get("/me")
    def me(request: Request) -> str:
        return str(pool(request))

    @app.get("/orders")
    def orders(request: Request) -> str:
        return str(pool(request))

    @app.post("/orders")
    def place(request: Request) -> str:
        return str(pool(request))

    @app.put("/orders/{order}")
    def update(order: int, request: Request) -> str:
        return str(pool(request))

    @app.delete("/orders/{order}")
    def delete(order: int, request: Request) -> str:
        return str(pool(request))

    @app.post("/login")
    def login(request: Request) -> str:
        return str(pool(request))

    return app


def _scan(base: str, app: Any = None) -> dict[str, TargetResult]:
    targets = [Target(base + path, methods) for path, methods in ENDPOINTS.items()]
    # Generous deadlines: a request that times out on a loaded machine would change the counts.
    options = ScanOptions(app=app, token="cgfail", concurrency=8, timeout=60)
    results = scan(targets, [parse_trusted(TRUSTED)], options)
    return {r.target.url.removeprefix(base): r for r in results}


def _check(results: dict[str, TargetResult], *, exact: bool) -> None:
    for path, result in results.items():
        assert result.error is None, result.error
        classes = {f.evidence["class"]: f for f in result.findings}
        assert "preflight-permissive" not in classes, path
        finding = classes["origin-reflection"]
        assert finding.severity == Severity.CRITICAL, path
        real_failed = path not in ("/health", "/orders/1")
        assert ("so whether that origin can read the answers is unproven" in finding.message) is (
            real_failed
        ), path
        assert ("failed_requests" in finding.evidence) is real_failed, path
    login = results["/login"].findings[0]
    if not exact:
        # Over the network a reset connection may count as a request without an answer.
        assert "real POST request" in login.message
        return
    assert login.message.endswith(
        "the POST preflight from https://cgfail.net got its origin echoed in "
        "Access-Control-Allow-Origin with credentials allowed, but all 3 real POST requests "
        "failed with status 500, so whether that origin can read the answers is unproven"
    )
    assert login.evidence["failed_requests"] == {"count": 3, "statuses": [500]}


def test_failing_real_requests_in_process() -> None:
    _check(_scan("https://api.example.com", reflecting_app()), exact=True)


@pytest.mark.uvicorn
def test_failing_real_requests_through_uvicorn() -> None:
    with serve_asgi(reflecting_app()) as base:
        results = _scan(base)
    # uvicorn closes the connection after every handler that raised: the scan retries on the
    # next connection instead of recording requests without an answer.
    unanswered = [o.error for r in results.values() for o in r.observations if o.status is None]
    assert unanswered == []
    _check(results, exact=False)
    # A scan never sends a real PUT, PATCH or DELETE, however the endpoint is declared.
    sent = {o.request.method for r in results.values() for o in r.observations}
    assert sent <= {"GET", "HEAD", "POST", "OPTIONS"}
