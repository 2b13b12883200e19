"""Small apps, one per setup mistake, for the app-rule tests."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, cast

from fastapi import FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware as FastAPICORSMiddleware
from fastapi.responses import JSONResponse
from starlette.applications import Starlette
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.routing import Mount, Route

GOOD: dict[str, Any] = {
    "allow_origins": ["https://app.example.com"],
    "allow_methods": ["GET", "POST"],
}


def fastapi_app(*, redirect_slashes: bool = True) -> FastAPI:
    app = FastAPI(redirect_slashes=redirect_slashes)

    @app.get("/items")
    async def items() -> list[str]:
        return []

    return app


def starlette_cors(**options: Any) -> FastAPI:
    app = fastapi_app()
    app.add_middleware(CORSMiddleware, **options)
    return app


def auth_after_cors() -> FastAPI:
    app = starlette_cors(**GOOD)

    @app.middleware("http")
    async def authenticate(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        if "authorization" not in request.headers:
            return JSONResponse({"detail": "unauthorized"}, status_code=401)
        return await call_next(request)

    return app


def auth_before_cors() -> FastAPI:
    app = fastapi_app()

    @app.middleware("http")
    async def authenticate(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        return await call_next(request)

    app.add_middleware(FastAPICORSMiddleware, **GOOD)
    return app


def gzip_after_cors() -> FastAPI:
    app = starlette_cors(**GOOD)
    app.add_middleware(GZipMiddleware)
    return app


def wrapped_in_cors() -> Any:
    return CORSMiddleware(fastapi_app(), **GOOD)


def trailing_slash_route() -> FastAPI:
    app = starlette_cors(**GOOD)

    @app.post("/orders/")
    async def orders() -> list[str]:
        return []

    return app


def options_route(*, cors: bool) -> FastAPI:
    app = starlette_cors(**GOOD) if cors else fastapi_app()

    @app.options("/items")
    async def items_options() -> Response:
        return Response(headers={"Access-Control-Allow-Origin": "*"})

    return app


def cors_only_on_mount() -> Starlette:
    async def ok(request: Request) -> Response:
        return Response("ok")

    sub = Starlette(routes=[Route("/ping", ok)])
    sub.add_middleware(CORSMiddleware, **GOOD)
    return Starlette(routes=[Route("/health", ok), Mount("/v1", app=sub)])


def cors_twice() -> FastAPI:
    app = starlette_cors(**GOOD)
    sub = FastAPI()
    sub.add_middleware(CORSMiddleware, **GOOD)
    app.mount("/v1", sub)
    return app


def no_cors() -> FastAPI:
    return fastapi_app()


def corsguard_installed_with_auth() -> FastAPI:
    from corsguard import CORSPolicy, install

    app = auth_after_cors_without_cors()
    install(app, CORSPolicy(**GOOD))
    return app


def auth_after_cors_without_cors() -> FastAPI:
    app = fastapi_app()

    @app.middleware("http")
    async def authenticate(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        return await call_next(request)

    return app


def corsguard_added_as_middleware() -> FastAPI:
    from corsguard import CORSMiddleware as CorsguardCORSMiddleware

    app = fastapi_app()
    # The cast: corsguard's CORSMiddleware types its app argument with its own ASGI aliases,
    # which mypy does not match against Starlette's middleware-factory protocol.
    app.add_middleware(
        cast(Any, CorsguardCORSMiddleware), allow_origins=["https://app.example.com"], max_age=9000
    )
    return app
