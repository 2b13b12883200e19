"""What the app sends and where it is mounted: path scopes under a root path, the app's own
CORS headers, header iterables of any kind, and the ``Vary`` of a refused preflight."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.websockets import WebSocket

from corsguard import CORSMiddleware, CORSPolicy, install

from .asgi import Message, acall, call, scope

APP = "https://app.example.com"
ADMIN = "https://admin.example.com"
EVIL = "https://evil.example"
OPEN = CORSPolicy(allow_origins=["*"])
ADMIN_ONLY = CORSPolicy(allow_origins=[ADMIN])
STRICT = CORSPolicy(allow_origins=[APP], allow_credentials=True, expose_headers=["X-Total"])
PREFLIGHT_VARY = (
    "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, "
    "Access-Control-Request-Private-Network"
)


# Path scopes are matched on the path the app routes on: scope["path"] minus root_path.


@dataclass(frozen=True)
class Mounted:
    case: str
    root_path: str
    path: str
    origin: str
    allow_origin: str | None  # expected Access-Control-Allow-Origin of a GET
    websocket: int  # expected handshake status


MOUNTED = [
    Mounted("scoped prefix under the root path", "/v1", "/v1/admin/data", EVIL, None, 403),
    Mounted("scoped prefix, allowed origin", "/v1", "/v1/admin/data", ADMIN, ADMIN, 101),
    Mounted("outside the prefix: the default policy", "/v1", "/v1/data", EVIL, "*", 101),
    Mounted("the root path itself is the app's root", "/v1", "/v1", EVIL, "*", 101),
    Mounted("root path stripped at a segment boundary only", "/v1", "/v1admin/x", EVIL, "*", 101),
    Mounted("path not under the root path kept whole", "/v1", "/admin/data", EVIL, None, 403),
    Mounted("nested root path", "/a/b", "/a/b/admin", EVIL, None, 403),
    Mounted("no root path", "", "/admin/data", EVIL, None, 403),
    Mounted("prefix named like the root path", "/admin", "/admin/data", EVIL, "*", 101),
]


def _scoped(app: Any) -> CORSMiddleware:
    return CORSMiddleware(app, OPEN, paths={"/admin": ADMIN_ONLY})


async def _ok(scope: Message, receive: Any, send: Any) -> None:
    if scope["type"] == "websocket":
        await receive()
        await send({"type": "websocket.accept"})
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


@pytest.mark.parametrize("row", MOUNTED, ids=[row.case for row in MOUNTED])
def test_scopes_match_the_path_without_root_path(row: Mounted) -> None:
    middleware = _scoped(_ok)
    request = scope("GET", row.path, [("origin", row.origin)])
    request["root_path"] = row.root_path
    response = asyncio.run(acall(middleware, request))
    assert response.get("access-control-allow-origin") == row.allow_origin

    handshake = scope("GET", row.path, [("origin", row.origin)], kind="websocket")
    handshake["root_path"] = row.root_path
    assert asyncio.run(acall(middleware, handshake)).status == row.websocket


def _mounted_app() -> Starlette:
    async def data(request: Request) -> Response:
        return PlainTextResponse("data")

    async def socket(websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.send_text("hi")
        await websocket.close()

    sub = Starlette(
        routes=[
            Route("/admin/data", data),
            Route("/data", data),
            WebSocketRoute("/admin/ws", socket),
            WebSocketRoute("/ws", socket),
        ]
    )
    install(sub, OPEN, paths={"/admin": ADMIN_ONLY})
    return Starlette(routes=[Mount("/v1", app=sub)])


@pytest.mark.parametrize(
    ("path", "origin", "allow_origin", "websocket"),
    [
        pytest.param("/v1/admin/data", EVIL, None, 403, id="refused origin"),
        pytest.param("/v1/admin/data", ADMIN, ADMIN, 101, id="allowed origin"),
        pytest.param("/v1/data", EVIL, "*", 101, id="outside the prefix"),
    ],
)
def test_scopes_apply_inside_a_starlette_mount(
    path: str, origin: str, allow_origin: str | None, websocket: int
) -> None:
    app = _mounted_app()
    response = call(app, "GET", path, [("origin", origin)])
    assert response.get("access-control-allow-origin") == allow_origin
    socket_path = path.replace("/data", "/ws")
    assert call(app, "GET", socket_path, [("origin", origin)], kind="websocket").status == websocket


# The app's own CORS headers are replaced by the middleware's answer, never sent twice.


def _sending(headers: Any) -> Any:
    async def app(scope: Message, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"ok"})

    return app


APP_CORS = [
    (b"access-control-allow-origin", b"*"),
    (b"access-control-allow-credentials", b"true"),
    (b"access-control-expose-headers", b"X-Secret"),
    (b"access-control-allow-methods", b"*"),
    (b"access-control-allow-headers", b"*"),
    (b"access-control-max-age", b"86400"),
    (b"access-control-allow-private-network", b"true"),
]


@dataclass(frozen=True)
class AppHeaders:
    case: str
    policy: CORSPolicy
    sent: tuple[tuple[bytes, bytes], ...]
    origin: str | None
    expected: dict[str, str]


APP_HEADERS = [
    AppHeaders(
        "allowed origin: the middleware's answer only",
        STRICT,
        tuple(APP_CORS),
        APP,
        {
            "access-control-allow-origin": APP,
            "access-control-allow-credentials": "true",
            "access-control-expose-headers": "X-Total",
            "vary": "Origin",
        },
    ),
    AppHeaders("refused origin: no ACAO at all", STRICT, tuple(APP_CORS), EVIL, {"vary": "Origin"}),
    AppHeaders(
        "no Origin: the app's '*' is dropped", STRICT, tuple(APP_CORS), None, {"vary": "Origin"}
    ),
    AppHeaders(
        "allow-all policy: one '*'",
        OPEN,
        tuple(APP_CORS[:1]),
        EVIL,
        {"access-control-allow-origin": "*", "vary": "Origin"},
    ),
    AppHeaders(
        "the app's ACAC is not doubled",
        STRICT,
        ((b"access-control-allow-credentials", b"true"),),
        APP,
        {
            "access-control-allow-origin": APP,
            "access-control-allow-credentials": "true",
            "access-control-expose-headers": "X-Total",
            "vary": "Origin",
        },
    ),
    AppHeaders(
        "CORS headers and Vary in one response",
        STRICT,
        ((b"vary", b"Accept-Encoding"), *APP_CORS[:2]),
        EVIL,
        {"vary": "Accept-Encoding, Origin"},
    ),
]


@pytest.mark.parametrize("row", APP_HEADERS, ids=[row.case for row in APP_HEADERS])
def test_the_apps_cors_headers_are_replaced(row: AppHeaders) -> None:
    sent = [(b"content-type", b"text/plain"), *row.sent, (b"x-app", b"1")]
    headers = [("origin", row.origin)] if row.origin is not None else []
    response = call(CORSMiddleware(_sending(sent), row.policy), "GET", "/", headers)
    assert response.cors == row.expected
    names = [name for name, _ in response.headers]
    assert len(names) == len(set(names)), f"a header is sent twice: {response.headers}"
    assert response.get("content-type") == "text/plain"
    assert response.get("x-app") == "1"
    assert sent[0] == (b"content-type", b"text/plain")  # the app's list is not changed
    assert len(sent) == len(row.sent) + 2


@pytest.mark.parametrize(
    ("sent", "lines"),
    [
        pytest.param(
            [(b"vary", b"Accept-Encoding"), (b"vary", b"Accept-Language")],
            ["Accept-Encoding", "Accept-Language, Origin"],
            id="two lines: Origin joins the last",
        ),
        pytest.param(
            [(b"vary", b"Origin"), (b"vary", b"Accept-Language")],
            ["Origin", "Accept-Language, Origin"],
            id="Origin on an earlier line: appended to the last all the same",
        ),
        pytest.param(
            [(b"vary", b"Accept-Encoding"), (b"vary", b"*")],
            ["Accept-Encoding", "*"],
            id="a last line of '*' stays as it is",
        ),
    ],
)
@pytest.mark.parametrize("policy", [STRICT, OPEN], ids=["listed origins", "allow-all"])
def test_origin_is_appended_to_the_last_vary_line(
    sent: list[tuple[bytes, bytes]], lines: list[str], policy: CORSPolicy
) -> None:
    # Read as one list (RFC 9110 §5.3) this is Starlette's "Accept-Encoding,
    # Accept-Language, Origin"; no line of the app's is rewritten but the last.
    response = call(CORSMiddleware(_sending(sent), policy), "GET", "/", [("origin", APP)])
    assert [value for name, value in response.headers if name == "vary"] == lines


def test_the_apps_cors_headers_pass_where_cors_is_off() -> None:
    sent = [(b"access-control-allow-origin", b"*")]
    middleware = CORSMiddleware(_sending(sent), STRICT, paths={"/own": None})
    response = call(middleware, "GET", "/own/x", [("origin", EVIL)])
    assert response.cors == {"access-control-allow-origin": "*"}


def test_starlette_app_setting_acao_itself_sends_one_value() -> None:
    async def home(request: Request) -> Response:
        return PlainTextResponse("hi", headers={"Access-Control-Allow-Origin": "*"})

    app = Starlette(routes=[Route("/", home)])
    install(app, STRICT)
    allowed = call(app, "GET", "/", [("origin", APP)])
    assert [v for n, v in allowed.headers if n == "access-control-allow-origin"] == [APP]
    refused = call(app, "GET", "/", [("origin", EVIL)])
    assert refused.get("access-control-allow-origin") is None


# ASGI allows any iterable of headers: a one-shot one must not be read twice.


def _generated(headers: list[tuple[bytes, bytes]]) -> Iterator[tuple[bytes, bytes]]:
    yield from headers


KINDS: list[tuple[str, Any]] = [
    ("list", list),
    ("tuple", tuple),
    ("generator", _generated),
    ("map", lambda headers: map(tuple, headers)),
    ("list of lists", lambda headers: [list(header) for header in headers]),
]


@pytest.mark.parametrize(("kind", "make"), KINDS, ids=[kind for kind, _ in KINDS])
@pytest.mark.parametrize(
    ("extra", "origin"),
    [
        pytest.param([], APP, id="plain"),
        pytest.param([(b"vary", b"Accept")], APP, id="with Vary"),
        pytest.param([(b"access-control-allow-origin", b"*")], EVIL, id="with ACAO"),
        pytest.param([], None, id="no Origin"),
    ],
)
def test_any_header_iterable_keeps_every_header(
    kind: str, make: Any, extra: list[tuple[bytes, bytes]], origin: str | None
) -> None:
    base = [(b"content-type", b"text/plain"), (b"set-cookie", b"s=1"), *extra]

    async def app(scope: Message, receive: Any, send: Any) -> None:
        headers: Iterable[Any] = make(base)
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"ok"})

    request_headers = [("origin", origin)] if origin is not None else []
    response = call(CORSMiddleware(app, STRICT), "GET", "/", request_headers)
    assert response.get("content-type") == "text/plain"
    assert response.get("set-cookie") == "s=1"
    assert response.get("access-control-allow-origin") == (APP if origin == APP else None)
    assert response.get("vary") == (
        "Accept, Origin" if extra[:1] == [(b"vary", b"Accept")] else "Origin"
    )


# A refused preflight carries Vary, so no cache serves it to another origin or request; the
# same four names as Starlette's, whatever was refused (private network access included).


@pytest.mark.parametrize(
    ("policy", "headers", "vary"),
    [
        pytest.param(
            STRICT,
            [("origin", EVIL), ("access-control-request-method", "PUT")],
            PREFLIGHT_VARY,
            id="refused origin",
        ),
        pytest.param(
            CORSPolicy(allow_origins=["*"], allow_methods=["GET"]),
            [("origin", EVIL), ("access-control-request-method", "PUT")],
            PREFLIGHT_VARY,
            id="allow-all policy, refused method",
        ),
        pytest.param(
            CORSPolicy(allow_origins=[APP], allow_private_network=True),
            [("origin", APP), ("access-control-request-method", "PUT")],
            PREFLIGHT_VARY,
            id="private network enabled",
        ),
        pytest.param(
            CORSPolicy(allow_origins=[APP], allow_methods=["PUT"]),
            [
                ("origin", APP),
                ("access-control-request-method", "PUT"),
                ("access-control-request-private-network", "true"),
            ],
            PREFLIGHT_VARY,
            id="private network refused",
        ),
    ],
)
def test_refused_preflight_carries_vary_only(
    policy: CORSPolicy, headers: list[tuple[str, str]], vary: str
) -> None:
    response = call(CORSMiddleware(_ok, policy), "OPTIONS", "/", headers)
    assert response.status == 403
    assert response.cors == {"vary": vary}


# A None scope switches the WebSocket origin check off too: said once, at construction.


@pytest.mark.parametrize(
    ("paths", "check", "warned"),
    [
        pytest.param({"/ws": None}, True, True, id="None prefix with the check on"),
        pytest.param({"/ws": None}, False, False, id="check switched off"),
        pytest.param({"/ws": OPEN}, True, False, id="prefix with a policy"),
    ],
)
def test_a_none_prefix_warns_that_websockets_are_unchecked_there(
    paths: dict[str, CORSPolicy | None],
    check: bool,
    warned: bool,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="corsguard")
    middleware = CORSMiddleware(_ok, STRICT, paths=paths, check_websocket_origin=check)
    logged = [r.getMessage() for r in caplog.records if r.name == "corsguard"]
    assert any("'/ws'" in line and "WebSocket" in line for line in logged) is warned
    caplog.clear()
    middleware.reconfigure(STRICT)  # the paths are kept, and so is the warning
    logged = [r.getMessage() for r in caplog.records if r.name == "corsguard"]
    assert any("'/ws'" in line and "WebSocket" in line for line in logged) is warned
