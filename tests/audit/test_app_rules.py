"""One row per app rule: an app set up with one mistake, and the findings it must produce."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from corsguard.audit.app_rules import audit_app
from corsguard.audit.introspect import introspect
from corsguard.codes import Severity
from corsguard.policy import validate
from tests.audit import apps


def codes_of(app: Any) -> list[str]:
    return [finding.code for finding in audit_app("t:app", introspect(app))]


RULES: list[Any] = [
    pytest.param(lambda: apps.no_cors(), ["CG401"], id="CG401-no-cors-middleware"),
    pytest.param(lambda: apps.auth_after_cors(), ["CG402", "CG403"], id="CG402-auth-runs-first"),
    pytest.param(lambda: apps.auth_before_cors(), ["CG403"], id="CG402-not-when-cors-is-last"),
    pytest.param(lambda: apps.gzip_after_cors(), ["CG403"], id="CG402-not-for-transparent-gzip"),
    pytest.param(lambda: apps.wrapped_in_cors(), [], id="CG403-not-when-cors-wraps-the-app"),
    pytest.param(
        lambda: apps.trailing_slash_route(), ["CG403", "CG404"], id="CG404-trailing-slash"
    ),
    pytest.param(
        lambda: apps.options_route(cors=True), ["CG403", "CG405"], id="CG405-options-route"
    ),
    pytest.param(
        lambda: apps.options_route(cors=False),
        ["CG401", "CG405"],
        id="CG405-options-route-without-cors",
    ),
    pytest.param(lambda: apps.cors_only_on_mount(), ["CG403", "CG406"], id="CG406-mount-only"),
    pytest.param(lambda: apps.cors_twice(), ["CG403", "CG403", "CG407"], id="CG407-cors-twice"),
    pytest.param(
        lambda: apps.corsguard_installed_with_auth(), [], id="CG402-CG403-not-with-install"
    ),
    pytest.param(
        lambda: apps.corsguard_added_as_middleware(),
        ["CG120", "CG403"],
        id="CG403-corsguard-added-with-add-middleware",
    ),
]


@pytest.mark.parametrize(("build", "expected"), RULES)
def test_rule(build: Callable[[], Any], expected: list[str]) -> None:
    assert sorted(codes_of(build())) == sorted(expected)


def test_cg402_gatekeeper_is_high_and_names_the_middleware() -> None:
    [order] = [
        f for f in audit_app("t:app", introspect(apps.auth_after_cors())) if f.code == "CG402"
    ]
    assert order.severity == Severity.HIGH
    assert "authenticate was added after CORSMiddleware" in order.message


def test_cg405_without_cors_is_more_severe() -> None:
    def severity(cors: bool) -> Severity:
        found = audit_app("t:app", introspect(apps.options_route(cors=cors)))
        return next(f.severity for f in found if f.code == "CG405")

    assert severity(cors=False) > severity(cors=True)


@pytest.mark.parametrize(
    "options",
    [
        {"allow_origins": ["*"], "allow_credentials": True},
        {"allow_origins": ["https://app.example.com/"]},
        {"allow_origins": ["https://app.example.com"], "allow_origin_regex": "https://.*.x.com"},
        {"allow_origins": ["https://app.example.com"], "max_age": 100000},
    ],
    ids=["CG101", "CG102", "CG122", "CG119"],
)
def test_configuration_problems_reuse_the_policy_codes_and_wording(options: dict[str, Any]) -> None:
    errors, warnings = validate(**options)
    expected = {(p.code, p.message) for p in errors + warnings}
    found = audit_app("t:app", introspect(apps.starlette_cors(**options)))
    got = {(f.code, f.message) for f in found if f.code.startswith("CG1")}
    assert {code for code, _ in got} == {code for code, _ in expected}
    for code, message in expected:
        assert any(c == code and m.startswith(message) for c, m in got), code


def test_cg101_says_what_starlette_does_with_it() -> None:
    found = audit_app(
        "t:app", introspect(apps.starlette_cors(allow_origins=["*"], allow_credentials=True))
    )
    [wildcard] = [f for f in found if f.code == "CG101"]
    assert "echoes every request's Origin" in wildcard.message
    assert wildcard.location == "t:app CORSMiddleware(allow_origins)"


def test_starlette_wildcard_patterns_are_literal() -> None:
    found = audit_app(
        "t:app", introspect(apps.starlette_cors(allow_origins=["https://*.github.io"]))
    )
    [literal] = [f for f in found if f.code == "CG410"]
    assert sorted(f.code for f in found) == ["CG403", "CG410"]
    assert "compared literally" in literal.message


def test_options_of_a_wrapping_instance_are_read() -> None:
    node = introspect(apps.wrapped_in_cors())
    [cors] = node.cors_layers
    assert cors.wrapper
    assert cors.cors is not None
    assert cors.cors.options["allow_origins"] == ["https://app.example.com"]
    assert cors.cors.options["max_age"] == 600


def test_routes_of_a_mounted_router_are_inlined_with_their_prefix() -> None:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Mount, Route

    async def ok(request: Request) -> Response:
        return Response("ok")

    app = Starlette(routes=[Mount("/api", routes=[Route("/items/", ok, methods=["POST"])])])
    node = introspect(app)
    assert [(r.path, r.methods) for r in node.routes] == [("/api/items/", ("POST",))]
    assert node.children == ()
    assert node.routes[0].source.endswith(f"test_app_rules.py:{ok.__code__.co_firstlineno}")


def test_uvicorn_style_wrappers_are_looked_through() -> None:
    class ProxyHeadersMiddleware:  # uvicorn's name: it never answers a request itself
        def __init__(self, app: Any) -> None:
            self.app = app

        async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
            await self.app(scope, receive, send)

    node = introspect(ProxyHeadersMiddleware(apps.auth_after_cors()))
    names = [layer.name for layer in node.layers]
    assert names[:2] == ["ProxyHeadersMiddleware", "ServerErrorMiddleware"]
    [order] = [f for f in audit_app("t:app", node) if f.code == "CG402"]
    assert order.evidence["middleware"] == "authenticate"


def test_trailing_slash_routes_are_one_finding_listing_every_path() -> None:
    app = apps.trailing_slash_route()

    @app.get("/orders/")
    async def list_orders() -> list[str]:
        return []

    @app.get("/users/")
    async def list_users() -> list[str]:
        return []

    [finding] = [f for f in audit_app("t:app", introspect(app)) if f.code == "CG404"]
    assert finding.evidence["routes"] == ["/orders/", "/users/"]
    assert finding.evidence["methods"] == ["GET", "POST"]
    assert finding.location == "t:app /orders/ (+1 more)"
    assert "the same for 1 more route(s): /users/" in finding.message


def test_cg406_names_the_app_s_own_routes_not_fastapi_s_documentation() -> None:
    from fastapi import FastAPI
    from starlette.middleware.cors import CORSMiddleware

    app = FastAPI()

    @app.get("/api/users/{uid}")
    async def user(uid: int) -> dict[str, int]:
        return {"uid": uid}

    sub = FastAPI(openapi_url=None)

    @sub.get("/status")
    async def status() -> dict[str, bool]:
        return {"ok": True}

    sub.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"])
    app.mount("/v2", sub)
    [found] = [f for f in audit_app("app", introspect(app)) if f.code == "CG406"]
    assert "1 route(s) here, e.g. /api/users/{uid}," in found.message
