"""corsguard's middleware, added each way users add it, answers the same on every version."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

import corsguard
from tests.compat.apps import (
    APP,
    EVIL,
    SAFE_OPTIONS,
    add_token_check,
    cors_headers,
    new_app,
    preflight,
    send,
)


async def plain_app(scope: Any, receive: Any, send: Any) -> None:
    """An ASGI app with no framework at all: the reference the frameworks are compared with."""
    body = b"[1,2]"
    headers = [(b"content-type", b"application/json"), (b"content-length", b"5")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


REFERENCE = corsguard.CORSMiddleware(plain_app, **SAFE_OPTIONS)


def tokens(value: str) -> set[str]:
    return {token.strip().lower() for token in value.split(",")}


def assert_preflight_granted(response: httpx.Response) -> None:
    """Granted as the browser needs (fetch.bs, CORS-preflight fetch), and byte for byte as
    corsguard answers with no framework around it: the framework and its version change
    nothing."""
    reference = preflight(REFERENCE, "/items", "PUT", "authorization")
    assert 200 <= response.status_code < 300  # any ok status passes
    assert response.status_code == reference.status_code
    granted = cors_headers(response)
    assert granted == cors_headers(reference)
    assert granted["access-control-allow-origin"] == APP
    assert granted["access-control-allow-credentials"] == "true"
    assert "put" in tokens(granted["access-control-allow-methods"])
    assert "authorization" in tokens(granted["access-control-allow-headers"])
    assert granted["access-control-max-age"] == "600"
    assert response.headers.get_list("vary") == reference.headers.get_list("vary")


SIMPLE_GRANT = {
    "access-control-allow-origin": APP,
    "access-control-allow-credentials": "true",
    "access-control-expose-headers": "X-Total",
}


def with_add_middleware(framework: str) -> Any:
    app = new_app(framework)
    app.add_middleware(corsguard.CORSMiddleware, **SAFE_OPTIONS)
    return app


def with_middleware_list(framework: str) -> Any:
    from starlette.middleware import Middleware

    return new_app(framework, [Middleware(corsguard.CORSMiddleware, **SAFE_OPTIONS)])


def with_install(framework: str) -> Any:
    app = new_app(framework)
    corsguard.install(app, corsguard.CORSPolicy(**SAFE_OPTIONS))
    return app


def wrapping_the_app(framework: str) -> Any:
    return corsguard.CORSMiddleware(new_app(framework), **SAFE_OPTIONS)


WAYS: list[Any] = [
    pytest.param(with_add_middleware, id="add_middleware"),
    pytest.param(with_middleware_list, id="middleware-list"),
    pytest.param(with_install, id="install"),
    pytest.param(wrapping_the_app, id="wrapping-the-app"),
]


@pytest.mark.parametrize("build", WAYS)
def test_preflight_grant_is_exact(framework: str, build: Callable[[str], Any]) -> None:
    assert_preflight_granted(preflight(build(framework), "/items", "PUT", "authorization"))


@pytest.mark.parametrize("build", WAYS)
def test_simple_response_is_exact(framework: str, build: Callable[[str], Any]) -> None:
    response = send(build(framework), "GET", "/items", {"Origin": APP})
    assert response.status_code == 200
    assert response.json() == [1, 2]
    assert cors_headers(response) == SIMPLE_GRANT
    reference = send(REFERENCE, "GET", "/items", {"Origin": APP})
    assert cors_headers(response) == cors_headers(reference)
    assert response.headers.get_list("vary") == reference.headers.get_list("vary") == ["Origin"]


@pytest.mark.parametrize("build", WAYS)
def test_other_origins_get_no_grant(framework: str, build: Callable[[str], Any]) -> None:
    app = build(framework)
    refused = preflight(app, "/items", "PUT", origin=EVIL)
    assert not 200 <= refused.status_code < 300
    assert cors_headers(refused) == {}
    simple = send(app, "GET", "/items", {"Origin": EVIL})
    assert simple.status_code == 200
    assert cors_headers(simple) == {}


@pytest.mark.parametrize("build", WAYS)
def test_method_outside_the_policy_is_refused(framework: str, build: Callable[[str], Any]) -> None:
    refused = preflight(build(framework), "/items", "DELETE")
    assert not 200 <= refused.status_code < 300
    assert "access-control-allow-origin" not in cors_headers(refused)


def test_install_on_a_fresh_app_puts_cors_outermost(framework: str) -> None:
    """install() right after creating the app: 500s and 401s still carry CORS headers."""
    app = new_app(framework)
    corsguard.install(app, corsguard.CORSPolicy(**SAFE_OPTIONS))
    add_token_check(app)  # added after install(), as apps add authentication later

    assert_preflight_granted(preflight(app, "/items", "PUT", "authorization"))

    denied = send(app, "GET", "/items", {"Origin": APP})
    assert denied.status_code == 401
    assert cors_headers(denied)["access-control-allow-origin"] == APP

    crashed = send(app, "GET", "/boom", {"Origin": APP, "Authorization": "Bearer t"})
    assert crashed.status_code == 500
    assert cors_headers(crashed)["access-control-allow-origin"] == APP


def test_install_returns_the_middleware_to_reconfigure(framework: str) -> None:
    app = new_app(framework)
    middleware = corsguard.install(app, corsguard.CORSPolicy(**SAFE_OPTIONS))
    assert send(app, "GET", "/items", {"Origin": APP}).status_code == 200
    middleware.reconfigure(corsguard.CORSPolicy(allow_origins=[EVIL]))
    response = send(app, "GET", "/items", {"Origin": EVIL})
    assert cors_headers(response)["access-control-allow-origin"] == EVIL


def test_a_dangerous_configuration_is_refused_when_constructed(framework: str) -> None:
    with pytest.raises(corsguard.ConfigError, match="CG101"):
        corsguard.CORSMiddleware(new_app(framework), allow_origins=["*"], allow_credentials=True)
