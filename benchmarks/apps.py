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


class AppendTwoHeaders:
    """The least a CORS middleware can do: wrap send and append two fixed headers.

    Not a CORS implementation (it checks nothing); it marks the floor of what any middleware
    that adds response headers costs.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), *_TWO_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


_TWO_HEADERS = ((b"access-control-allow-origin", ORIGIN.encode()), (b"vary", b"Origin"))


def fastapi_floor(prefix: str = "") -> FastAPI:
    app = _hello_app(prefix)
    build = app.build_middleware_stack
    app.build_middleware_stack = lambda: AppendTwoHeaders(build())  # type: ignore[method-assign]
    return app


def fastapi_corsguard_minimal(prefix: str = "") -> FastAPI:
    """corsguard with only allow_origins: it adds two headers, as the floor does."""
    app = _hello_app(prefix)
    install(app, allow_origins=[ORIGIN])
    return app


def fastapi_all_three() -> ASGIApp:
    """The apps in one server process, chosen by path: /none/hello, /star/hello, /cors/hello
    (and /flor/hello, /cmin/hello for reference). One process means the variants share
    everything a process can differ in (memory layout, CPU placement), so only the
    middleware differs between them."""
    by_prefix = {
        "/none": fastapi_none("/none"),
        "/star": fastapi_starlette("/star"),
        "/cors": fastapi_corsguard("/cors"),
        "/flor": fastapi_floor("/flor"),
        "/cmin": fastapi_corsguard_minimal("/cmin"),
    }

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
