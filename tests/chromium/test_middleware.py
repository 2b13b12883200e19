"""corsguard's middleware under uvicorn, judged by real Chromium.

For each policy, pages on allowed origins must get their responses (simple, preflighted PUT
with custom headers, credentialed) and pages on look-alike origins must not. The model runs
the same fetch against the same server and must reach the same verdict.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass
from typing import Any

import pytest

from corsguard import CORSMiddleware, CORSPolicy
from corsguard.browser import FetchRequest, simulate
from corsguard.chromium import Chromium
from tests.support.servers import serve_asgi

from .harness import send_http

pytestmark = [pytest.mark.chromium, pytest.mark.uvicorn]

APP = "https://app.example.com"
LOOK_ALIKES = (
    "https://app.example.com.evil.tld",
    "https://evilapp.example.com",
    "https://app.example.com_.evil.tld",
    "https://app.example.com:8443",
    "http://app.example.com",
    "https://example.com",
)


async def endpoint(scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
    """Answers every request with 200 and a JSON body naming the method and path."""
    if scope["type"] != "http":
        return
    body = json.dumps({"method": scope["method"], "path": scope["path"]}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json"), (b"x-request-id", b"1")],
        }
    )
    await send({"type": "http.response.body", "body": body})


STRICT = CORSPolicy(allow_origins=[APP], allow_methods=["GET", "PUT"], allow_headers=["x-custom"])
POLICIES: dict[str, CORSMiddleware] = {
    "exact": CORSMiddleware(endpoint, STRICT),
    "subdomains": CORSMiddleware(
        endpoint,
        CORSPolicy(
            allow_origins=["https://*.example.com"],
            allow_methods=["PUT"],
            allow_headers=["x-custom", "content-type"],
        ),
    ),
    "credentials": CORSMiddleware(
        endpoint,
        CORSPolicy(
            allow_origins=[APP],
            allow_credentials=True,
            allow_methods=["GET", "PUT"],
            allow_headers=["x-custom"],
            expose_headers=["x-request-id"],
        ),
    ),
    "dev": CORSMiddleware(endpoint, CORSPolicy.profile("dev")),
    "scoped": CORSMiddleware(
        endpoint,
        paths={
            "/scoped/public/": CORSPolicy(allow_origins=["*"]),
            "/scoped/api/": STRICT,
            "/scoped/internal/": None,
        },
    ),
}


async def dispatch(scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
    """``/<policy>/...`` goes to the middleware configured with that policy."""
    name = scope.get("path", "/").split("/")[1] if scope["type"] == "http" else ""
    await POLICIES.get(name, POLICIES["exact"])(scope, receive, send)


@dataclass(frozen=True)
class Case:
    policy: str
    origin: str
    kind: str  # "get", "put" (preflighted, custom headers), "include" (credentialed GET/PUT)
    allowed: bool
    path: str = "items"

    @property
    def id(self) -> str:
        return f"{self.policy}-{self.kind}-{self.origin}-{self.path}"


def request_for(base: str, case: Case) -> FetchRequest:
    url = f"{base}/{case.policy}/{case.path}"
    if case.kind == "put":
        headers: tuple[tuple[str, str], ...] = (("X-Custom", "1"),)
        if case.policy == "subdomains":
            headers += (("Content-Type", "application/json"),)
        return FetchRequest(url, case.origin, "PUT", headers, "omit", b'{"a": 1}')
    if case.kind == "include":
        return FetchRequest(url, case.origin, "PUT", (("X-Custom", "1"),), "include", b"x")
    return FetchRequest(url, case.origin)


CASES = [
    *(Case("exact", APP, kind, True) for kind in ("get", "put")),
    *(Case("exact", o, kind, False) for o in LOOK_ALIKES for kind in ("get", "put")),
    *(
        Case("subdomains", o, "put", True)
        for o in ("https://app.example.com", "https://a.b.example.com")
    ),
    *(
        Case("subdomains", o, "put", False)
        for o in (
            "https://example.com.evil.tld",
            "https://evilexample.com",
            "https://example.com",
            "https://app.example.com:8443",
            "http://app.example.com",
        )
    ),
    Case("credentials", APP, "include", True),
    Case("credentials", APP, "get", True),
    *(Case("credentials", o, "include", False) for o in LOOK_ALIKES[:4]),
    Case("credentials", "null", "include", False),
    *(Case("dev", o, "include", True) for o in ("http://localhost:5173", "http://127.0.0.1:3000")),
    *(Case("dev", o, "include", False) for o in (APP, "http://localhost.evil.tld:5173")),
    Case("scoped", "https://anything.example.net", "get", True, "public/x"),
    Case("scoped", APP, "put", True, "api/x"),
    Case("scoped", "https://anything.example.net", "get", False, "api/x"),
    Case("scoped", APP, "get", False, "internal/x"),
]


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with serve_asgi(dispatch) as url:
        yield url


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_middleware_in_chromium(chromium: Chromium, base: str, case: Case) -> None:
    request = request_for(base, case)
    real = chromium.fetch(request, timeout=10)
    assert real.allowed is case.allowed, real.console_message or real.error_text
    if not case.allowed:
        # Refused by the CORS protocol (or, for insecure pages, Local Network Access),
        # never by a network failure.
        assert real.cors_error is not None, real
    if case.kind == "include" and case.allowed:
        assert real.status == 200
    model = simulate(request, send_http)
    if real.cors_error not in ("InsecureLocalNetwork", "LocalNetworkAccessPermissionDenied"):
        assert (model.allowed, model.cors_error) == (real.allowed, real.cors_error)


def test_the_middleware_matrix_covers_every_policy() -> None:
    assert {c.policy for c in CASES} == set(POLICIES)
    assert sum(not c.allowed for c in CASES) >= 20
