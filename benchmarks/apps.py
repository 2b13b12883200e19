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


def _hello_app() -> FastAPI:
    app = FastAPI()

    @app.get("/hello")
    async def hello() -> dict[str, str]:
        return {"hello": "world"}

    return app


def fastapi_none() -> FastAPI:
    return _hello_app()


def fastapi_starlette() -> FastAPI:
    app = _hello_app()
    app.add_middleware(StarletteCORSMiddleware, **OPTIONS)
    return app


def fastapi_corsguard() -> FastAPI:
    app = _hello_app()
    install(app, **OPTIONS)
    return app


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
