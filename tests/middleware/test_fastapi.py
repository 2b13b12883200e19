"""The middleware inside real FastAPI apps: install(), errors, auth, WebSockets, scopes."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
import starlette
from fastapi import FastAPI, Request, WebSocket
from fastapi.responses import JSONResponse, Response
from starlette.middleware.cors import CORSMiddleware as StarletteCORSMiddleware

from corsguard import CORSMiddleware, CORSPolicy, install
from corsguard.middleware import installed

from .asgi import Message, acall, call, scope

STARLETTE = tuple(int(part) for part in starlette.__version__.split(".")[:2])
EAGER_BUILD = STARLETTE < (0, 24)
APP = "https://app.example.com"
EVIL = "https://evil.example"
OPTIONS: dict[str, Any] = {
    "allow_origins": [APP],
    "allow_methods": ["GET", "PUT"],
    "allow_headers": ["Authorization", "Content-Type"],
    "allow_credentials": True,
}
PREFLIGHT = (
    ("origin", APP),
    ("access-control-request-method", "PUT"),
    ("access-control-request-headers", "authorization,content-type"),
)


def make_app() -> FastAPI:
    app = FastAPI()

    @app.get("/items")
    async def items() -> dict[str, int]:
        return {"count": 1}

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("the database is on fire")

    @app.get("/negotiated")
    async def negotiated() -> Response:
        return Response("x", headers={"Vary": "Accept-Encoding"})

    @app.get("/anything")
    async def anything() -> Response:
        return Response("x", headers={"Vary": "*"})

    @app.websocket("/ws")
    async def socket(websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.send_text("hello")
        await websocket.close()

    return app


def test_install_gives_unhandled_exception_500s_cors_headers_and_still_raises() -> None:
    app = make_app()
    install(app, **OPTIONS)
    messages: list[Message] = []

    async def run() -> None:
        async def receive() -> Message:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: Message) -> None:
            messages.append(message)

        await app(scope("GET", "/boom", [("origin", APP)]), receive, send)

    with pytest.raises(RuntimeError, match="on fire"):
        asyncio.run(run())
    start = messages[0]
    assert start["status"] == 500
    headers = dict(start["headers"])
    assert headers[b"access-control-allow-origin"] == APP.encode()
    assert headers[b"access-control-allow-credentials"] == b"true"


def test_add_middleware_alone_leaves_500s_without_cors_headers() -> None:
    # The reason install() exists: ServerErrorMiddleware sits outside user middleware.
    app = make_app()
    app.add_middleware(CORSMiddleware, **OPTIONS)
    messages: list[Message] = []

    async def run() -> None:
        async def receive() -> Message:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: Message) -> None:
            messages.append(message)

        await app(scope("GET", "/boom", [("origin", APP)]), receive, send)

    with pytest.raises(RuntimeError):
        asyncio.run(run())
    assert b"access-control-allow-origin" not in dict(messages[0]["headers"])


def auth_app() -> tuple[FastAPI, list[str]]:
    app = make_app()
    seen: list[str] = []

    @app.middleware("http")
    async def require_token(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        seen.append(request.method)
        if "authorization" not in request.headers:
            return JSONResponse({"detail": "not authenticated"}, status_code=401)
        return await call_next(request)

    return app, seen


@pytest.mark.parametrize("order", ["install-first", "install-last"])
def test_auth_middleware_401_keeps_cors_headers_whatever_the_order(order: str) -> None:
    if order == "install-first":
        app = make_app()
        install(app, **OPTIONS)
        seen: list[str] = []

        @app.middleware("http")
        async def require_token(
            request: Request, call_next: Callable[[Request], Awaitable[Response]]
        ) -> Response:
            seen.append(request.method)
            if "authorization" not in request.headers:
                return JSONResponse({"detail": "not authenticated"}, status_code=401)
            return await call_next(request)
    else:
        app, seen = auth_app()
        install(app, **OPTIONS)

    response = call(app, "GET", "/items", [("origin", APP)])
    assert response.status == 401
    assert response.get("access-control-allow-origin") == APP
    assert response.get("access-control-allow-credentials") == "true"

    preflight = call(app, "OPTIONS", "/items", PREFLIGHT)
    assert preflight.status == 200
    assert preflight.get("access-control-allow-methods") == "PUT"
    assert seen == ["GET"], "the auth middleware must never see the preflight"


def test_vary_is_appended_to_the_apps_vary() -> None:
    app = make_app()
    install(app, **OPTIONS)
    for origin in (APP, EVIL):
        response = call(app, "GET", "/negotiated", [("origin", origin)])
        assert [v for n, v in response.headers if n == "vary"] == ["Accept-Encoding, Origin"]
    assert call(app, "GET", "/negotiated").get("vary") == "Accept-Encoding, Origin"
    assert call(app, "GET", "/anything", [("origin", APP)]).get("vary") == "*"


def test_install_refuses_a_second_cors_layer() -> None:
    app = make_app()
    app.add_middleware(StarletteCORSMiddleware, allow_origins=[APP])
    with pytest.raises(RuntimeError, match="two CORS layers"):
        install(app, **OPTIONS)


def test_install_refuses_a_cors_layer_added_after_it() -> None:
    app = make_app()
    install(app, **OPTIONS)
    # Starlette before 0.24 rebuilds the stack in add_middleware; later versions build it
    # on the first call.
    if EAGER_BUILD:
        with pytest.raises(RuntimeError, match="two CORS layers"):
            app.add_middleware(StarletteCORSMiddleware, allow_origins=[APP])
        return
    app.add_middleware(StarletteCORSMiddleware, allow_origins=[APP])
    with pytest.raises(RuntimeError, match="two CORS layers"):
        call(app, "GET", "/items", [("origin", APP)])


@pytest.mark.skipif(EAGER_BUILD, reason="Starlette before 0.24 raises in add_middleware")
def test_a_cors_layer_added_after_install_fails_the_lifespan_start_up() -> None:
    app = make_app()
    install(app, **OPTIONS)
    app.add_middleware(StarletteCORSMiddleware, allow_origins=[APP])
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "lifespan.startup"}

    async def send(message: Message) -> None:
        sent.append(message)

    lifespan = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}
    asyncio.run(app(lifespan, receive, send))
    assert [message["type"] for message in sent] == ["lifespan.startup.failed"]
    assert "two CORS layers" in sent[0]["message"]


def test_install_twice_is_refused_and_points_at_reconfigure() -> None:
    app = make_app()
    install(app, **OPTIONS)
    with pytest.raises(RuntimeError, match="reconfigure"):
        install(app, **OPTIONS)


@pytest.mark.skipif(EAGER_BUILD, reason="Starlette before 0.24 builds the stack eagerly")
def test_install_after_the_app_started_is_refused() -> None:
    app = make_app()
    call(app, "GET", "/items")
    with pytest.raises(RuntimeError, match="already started"):
        install(app, **OPTIONS)


def test_install_returns_the_middleware_and_records_it() -> None:
    app = make_app()
    middleware = install(app, **OPTIONS)
    assert installed(app) is middleware
    assert installed(make_app()) is None
    assert middleware.policy == CORSPolicy(**OPTIONS)


def test_install_wraps_a_plain_asgi_app_directly() -> None:
    async def plain(scope: Message, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    wrapped = install(plain, **OPTIONS)
    assert wrapped.app is plain
    assert call(wrapped, "GET", "/", [("origin", APP)]).get("access-control-allow-origin") == APP


# WebSockets: the browser sends Origin and cookies; the same-origin policy does not apply.


def websocket_result(app: Any, origin: str | None, host: str = "api.example.com") -> int:
    headers = [("origin", origin)] if origin is not None else []
    request = scope("GET", "/ws", headers, kind="websocket")
    request["headers"] = [(b"host", host.encode()), *request["headers"][1:]]
    return asyncio.run(acall(app, request)).status


@pytest.mark.parametrize(
    ("origin", "expected"),
    [
        pytest.param(APP, 101, id="allowed origin is accepted"),
        pytest.param(EVIL, 403, id="disallowed origin is refused before the app accepts"),
        pytest.param(None, 101, id="no Origin (not a browser) passes"),
        pytest.param("http://api.example.com", 101, id="the server's own origin passes"),
        pytest.param("https://api.example.com.evil.example", 403, id="look-alike host refused"),
    ],
)
def test_websocket_handshake_origin(origin: str | None, expected: int) -> None:
    app = make_app()
    install(app, **OPTIONS)
    assert websocket_result(app, origin) == expected


def test_websocket_check_can_be_switched_off() -> None:
    app = make_app()
    install(app, check_websocket_origin=False, **OPTIONS)
    assert websocket_result(app, EVIL) == 101


def test_websocket_refusal_uses_the_http_response_extension_when_offered() -> None:
    app = make_app()
    install(app, **OPTIONS)
    request = scope("GET", "/ws", [("origin", EVIL)], kind="websocket")
    request["extensions"] = {"websocket.http.response": {}}
    response = asyncio.run(acall(app, request))
    assert response.status == 403
    assert response.messages[0]["type"] == "websocket.http.response.start"
    assert response.cors == {}


# Path-scoped policies.


def test_paths_longest_prefix_wins_and_none_switches_cors_off() -> None:
    public = CORSPolicy(allow_origins=["*"])
    strict = CORSPolicy(allow_origins=[APP], allow_credentials=True)
    admin = CORSPolicy(allow_origins=["https://admin.example.com"])
    app = make_app()
    install(
        app,
        strict,
        paths={"/public/": public, "/api/": strict, "/api/admin/": admin, "/internal": None},
    )
    for path, origin, expected in [
        ("/public/x", EVIL, "*"),
        ("/public", EVIL, "*"),
        ("/api/items", APP, APP),
        ("/api/items", EVIL, None),
        ("/api/admin/users", APP, None),
        ("/api/admin/users", "https://admin.example.com", "https://admin.example.com"),
        ("/internal/x", APP, None),
        ("/internalx", APP, APP),  # a prefix covers whole segments only
        ("/items", APP, APP),  # under no prefix: the default policy
    ]:
        response = call(app, "GET", path, [("origin", origin)])
        assert response.get("access-control-allow-origin") == expected, (path, origin)
    assert call(app, "GET", "/internal/x", [("origin", APP)]).cors == {}
    preflight = call(app, "OPTIONS", "/internal/x", PREFLIGHT)
    assert preflight.cors == {}  # CORS off: the app itself answers the OPTIONS request


def test_paths_without_a_default_policy_leave_other_paths_alone() -> None:
    app = make_app()
    install(app, paths={"/api/": CORSPolicy(allow_origins=[APP])})
    assert call(app, "GET", "/api/items", [("origin", APP)]).get("access-control-allow-origin")
    assert call(app, "GET", "/items", [("origin", APP)]).cors == {}


@pytest.mark.parametrize(
    ("paths", "error"),
    [({"api/": None}, ValueError), ({"/api/": {"allow_origins": [APP]}}, TypeError)],
)
def test_paths_are_validated(paths: Any, error: type[Exception]) -> None:
    with pytest.raises(error):
        CORSMiddleware(make_app(), paths=paths)


def test_paths_apply_to_websocket_handshakes_too() -> None:
    app = make_app()
    install(app, **OPTIONS, paths={"/ws": None})
    assert websocket_result(app, EVIL) == 101  # CORS, and so the origin check, is off there
    strict = make_app()
    install(strict, paths={"/ws": CORSPolicy(allow_origins=[APP])})
    assert websocket_result(strict, EVIL) == 403
