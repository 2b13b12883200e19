"""The apps under measurement: the same endpoint with no CORS, Starlette's CORS and corsguard's.

Each ``fastapi_*`` function is also a uvicorn factory (``uvicorn --factory
benchmarks.apps:fastapi_corsguard``), so the load test serves exactly what is measured
in-process.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware as StarletteCORSMiddleware

from corsguard import CORSMiddleware, install

ORIGIN = "https://app.example.com"
# Three entries, the shape of a typical app: two frontends and their preview deployments.
SMALL_ORIGINS = ["https://app.example.com", "https://admin.example.com", "https://*.example.org"]
OPTIONS: dict[str, Any] = {
    "allow_origins": SMALL_ORIGINS[:2],
    "allow_methods": ["GET", "POST", "PUT", "DELETE"],
    "allow_headers": ["X-Token", "Content-Type"],
    "allow_credentials": True,
    "expose_headers": ["X-Total"],
}

ASGIApp = Callable[..., Any]


def _hello_app(prefix: str = "") -> FastAPI:
    app = FastAPI()

    @app.get(f"{prefix}/hello")
    async def hello() -> dict[str, str]:
        return {"hello": "world"}

    return app


def fastapi_none(prefix: str = "") -> FastAPI:
    return _hello_app(prefix)


def fastapi_starlette(prefix: str = "") -> FastAPI:
    app = _hello_app(prefix)
    app.add_middleware(StarletteCORSMiddleware, **OPTIONS)
    return app


def fastapi_corsguard(prefix: str = "") -> FastAPI:
    app = _hello_app(prefix)
    install(app, **OPTIONS)
    return app


class AppendFixedHeaders:
    """The least a CORS middleware can do: wrap send and append fixed headers.

    Not a CORS implementation (it checks nothing); it marks the floor of what any middleware
    that adds these response headers costs, in the middleware and in the server that writes
    them.
    """

    def __init__(self, app: ASGIApp, headers: tuple[tuple[bytes, bytes], ...]) -> None:
        self.app = app
        self.headers = headers

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        headers = self.headers

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), *headers]
            await send(message)

        await self.app(scope, receive, send_with_headers)


# What an allowed origin gets: with only allow_origins, and with OPTIONS (the measured
# configuration). The load test checks that corsguard sends exactly these.
TWO_HEADERS = ((b"access-control-allow-origin", ORIGIN.encode()), (b"vary", b"Origin"))
FOUR_HEADERS = (
    (b"access-control-allow-origin", ORIGIN.encode()),
    (b"access-control-allow-credentials", b"true"),
    (b"access-control-expose-headers", b"X-Total"),
    (b"vary", b"Origin"),
)


def _with_fixed_headers(prefix: str, headers: tuple[tuple[bytes, bytes], ...]) -> FastAPI:
    app = _hello_app(prefix)
    build = app.build_middleware_stack
    # Outermost, where install() puts corsguard.
    app.build_middleware_stack = lambda: AppendFixedHeaders(build(), headers)  # type: ignore[method-assign]
    return app


def fastapi_floor(prefix: str = "") -> FastAPI:
    """Two fixed headers, what corsguard sends with only allow_origins."""
    return _with_fixed_headers(prefix, TWO_HEADERS)


def fastapi_floor4(prefix: str = "") -> FastAPI:
    """The four fixed headers corsguard sends with OPTIONS."""
    return _with_fixed_headers(prefix, FOUR_HEADERS)


def fastapi_corsguard_minimal(prefix: str = "") -> FastAPI:
    """corsguard with only allow_origins: it adds two headers, as the floor does."""
    app = _hello_app(prefix)
    install(app, allow_origins=[ORIGIN])
    return app


# The variants of the protocol and load tests, by name: a five-character path prefix each,
# and the function that builds the app under that prefix.
_VARIANTS: dict[str, tuple[str, Callable[[str], FastAPI]]] = {
    "none": ("/none", fastapi_none),
    "starlette": ("/star", fastapi_starlette),
    "corsguard": ("/cors", fastapi_corsguard),
    "floor": ("/flr2", fastapi_floor),
    "floor4": ("/flr4", fastapi_floor4),
    "corsguard-minimal": ("/cmin", fastapi_corsguard_minimal),
}
PREFIXES = {name: prefix for name, (prefix, _) in _VARIANTS.items()}


def fastapi_variants() -> ASGIApp:
    """Every variant in one app, chosen by path: /none/hello, /star/hello, /cors/hello, ...
    (see PREFIXES). Each server process of the load test serves all of them, so a variant
    can run on every process in turn and differences between processes cancel out."""
    by_prefix = {prefix: build(prefix) for prefix, build in _VARIANTS.values()}

    async def dispatch(scope: Any, receive: Any, send: Any) -> None:
        await by_prefix[scope["path"][:5]](scope, receive, send)

    return dispatch


async def empty_app(scope: Any, receive: Any, send: Any) -> None:
    """The least an ASGI app can do: a 200 with an empty body."""
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b""})


def empty_none() -> ASGIApp:
    return empty_app


def empty_starlette(**options: Any) -> ASGIApp:
    return StarletteCORSMiddleware(empty_app, **(options or OPTIONS))


def empty_corsguard(**options: Any) -> ASGIApp:
    return CORSMiddleware(empty_app, **(options or OPTIONS))


def large_origins() -> list[str]:
    """10,000 exact origins and 1,000 subdomain patterns, plus the small policy's entries."""
    exact = [f"https://app{i}.example.com" for i in range(10_000)]
    patterns = [f"https://*.tenant{i}.example.net" for i in range(1_000)]
    return [*exact, *patterns, *SMALL_ORIGINS]
