"""Allowed requests that hide a problem: credentials for any origin, slash redirects, LNA."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from corsguard import CORSPolicy, install
from corsguard.browser import FetchRequest
from corsguard.check import run_check
from corsguard.codes import Severity
from tests.support.servers import serve_asgi

from .apps import scripted

APP = "https://app.example.com"
EVIL = "https://evil.example"


def starlette_star_with_credentials() -> FastAPI:
    app = FastAPI()
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_credentials=True,
        allow_methods=["*"],
        allow_headers=["*"],
    )

    @app.get("/me")
    def me() -> dict[str, str]:
        return {"user": "alice"}

    @app.put("/me")
    def put_me() -> dict[str, str]:
        return {}

    return app


def slash_app() -> FastAPI:
    app = FastAPI()
    install(app, CORSPolicy(allow_origins=[APP], allow_methods=["PUT"], allow_credentials=True))

    @app.get("/items/")
    def items() -> list[str]:
        return []

    return app


@pytest.mark.parametrize(
    "request_",
    [
        pytest.param(FetchRequest("https://testserver/me", EVIL), id="simple GET"),
        pytest.param(
            FetchRequest("https://testserver/me", EVIL, "PUT", credentials="include"),
            id="credentialed PUT",
        ),
    ],
)
def test_credentials_granted_to_any_origin_is_critical(request_: FetchRequest) -> None:
    result = run_check(request_, app=starlette_star_with_credentials(), cookie="session=1")
    assert result.allowed  # the browser lets evil.example read it: that is the problem
    found = [f for f in result.findings if f.code == "CG301"]
    assert len(found) == 1
    assert found[0].severity == Severity.CRITICAL
    assert found[0] is result.findings[0]
    assert "any origin is echoed in Access-Control-Allow-Origin" in found[0].message
    assert "https://corsguard-probe.example" in found[0].message
    assert [p.request.method for p in result.probes] == ["OPTIONS"]


@pytest.mark.uvicorn
def test_credentials_granted_to_any_origin_over_http() -> None:
    with serve_asgi(starlette_star_with_credentials()) as base:
        result = run_check(FetchRequest(f"{base}/me", EVIL))
    assert result.findings[0].code == "CG301"


def test_an_allow_list_with_credentials_is_not_reported() -> None:
    result = run_check(
        FetchRequest("https://testserver/items/", APP, credentials="include"), app=slash_app()
    )
    assert result.allowed
    assert "CG301" not in [f.code for f in result.findings]
    # One preflight from a made-up origin proved it: refused.
    assert [p.response.status for p in result.probes] == [403]


def test_a_trailing_slash_redirect_is_noted() -> None:
    result = run_check(FetchRequest("https://testserver/items", APP), app=slash_app())
    assert result.allowed
    assert [e.response.status for e in result.verdict.exchanges] == [307, 200]
    found = [f for f in result.findings if f.code == "CG404"]
    assert len(found) == 1
    assert "extra round trip" in found[0].message
    assert "browsers never follow a redirected preflight" in found[0].message
    assert "https://testserver/items/" in found[0].fix


@pytest.mark.uvicorn
def test_a_trailing_slash_redirect_is_noted_over_http() -> None:
    with serve_asgi(slash_app()) as base:
        result = run_check(FetchRequest(f"{base}/items", APP))
    assert result.allowed
    assert "CG404" in [f.code for f in result.findings]


def test_other_redirects_are_not_slash_redirects() -> None:
    acao = ("access-control-allow-origin", APP)
    app = scripted(
        by_path={
            "/old": (307, [acao, ("location", "/new")], b""),
            "/new": (200, [acao, ("vary", "Origin")], b""),
        }
    )
    result = run_check(FetchRequest("https://testserver/old", APP), app=app)
    assert result.allowed
    assert "CG404" not in [f.code for f in result.findings]


ANSWER: Any = (200, [("access-control-allow-origin", "*")], b"")


@pytest.mark.parametrize(
    ("origin", "url", "reported", "allowed"),
    [
        pytest.param(APP, "http://127.0.0.1:8000/x", False, True, id="https page to loopback"),
        pytest.param(APP, "https://10.0.0.5/x", True, True, id="https page to a private address"),
        pytest.param(
            "http://app.example.com", "http://127.0.0.1:8000/x", True, False,
            id="http page to loopback: blocked",
        ),
        pytest.param(
            "http://localhost:5173", "http://127.0.0.1:8000/x", False, True,
            id="a local dev page",
        ),
    ],
)  # fmt: skip
def test_local_network_access_only_where_it_changes_the_outcome(
    origin: str, url: str, reported: bool, allowed: bool
) -> None:
    result = run_check(FetchRequest(url, origin), app=scripted(actual=ANSWER))
    assert ("CG215" in [f.code for f in result.findings]) is reported
    assert result.allowed is allowed
