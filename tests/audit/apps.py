"""Small apps, one per setup mistake, for the app-rule tests."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Any, cast

from fastapi import APIRouter, Depends, FastAPI, Request, Response, WebSocket
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


# -- how real apps are assembled ------------------------------------------------------------------


def _require_client() -> str:
    return "client"


def _require_admin() -> str:
    return "admin"


class Kind(str, Enum):
    book = "book"
    film = "film"


def included_routers(**cors: Any) -> FastAPI:
    """Routers included in routers, with prefixes and dependencies, as project templates do."""
    items = APIRouter(prefix="/items", tags=["items"])

    @items.get("/")
    async def list_items() -> list[str]:
        return []

    @items.get("/{item_id}")
    async def read_item(item_id: uuid.UUID) -> dict[str, str]:
        return {"id": str(item_id)}

    @items.delete("/{item_id}")
    async def delete_item(item_id: int) -> dict[str, int]:
        return {"deleted": item_id}

    @items.get("/kind/{kind}")
    async def by_kind(kind: Kind) -> dict[str, str]:
        return {"kind": kind.value}

    admin = APIRouter(prefix="/admin", dependencies=[Depends(_require_admin)])

    @admin.put("/settings")
    async def put_settings() -> dict[str, bool]:
        return {"saved": True}

    @admin.websocket("/live")
    async def live(websocket: WebSocket) -> None:
        await websocket.close()

    items.include_router(admin, prefix="/manage")
    api = APIRouter(dependencies=[Depends(_require_client)])
    api.include_router(items)
    app = FastAPI()
    if cors:
        app.add_middleware(CORSMiddleware, **cors)
    app.include_router(api, prefix="/api/v1")
    return app


def included_routers_with_cors() -> FastAPI:
    return included_routers(
        allow_origins=["https://app.example.com"], allow_methods=["GET", "PUT", "DELETE"]
    )


def mounted_apps() -> Starlette:
    """A Starlette app with a mounted sub-app, a mounted route list, a host and a websocket."""
    from starlette.responses import PlainTextResponse
    from starlette.routing import Host, WebSocketRoute

    async def ok(request: Request) -> Response:
        return PlainTextResponse("ok")

    async def socket(websocket: WebSocket) -> None:
        await websocket.close()

    sub = Starlette(routes=[Route("/ping", ok), Route("/files/{name:path}", ok)])
    return Starlette(
        routes=[
            Route("/health", ok),
            WebSocketRoute("/ws", socket),
            Mount(
                "/static-api", routes=[Route("/users/{user_id:int}", ok, methods=["GET", "PATCH"])]
            ),
            Mount("/v2", app=sub),
            Host("admin.example.test", app=Starlette(routes=[Route("/stats", ok)])),
        ],
        middleware=[_cors_middleware(**GOOD)],
    )


def _cors_middleware(**options: Any) -> Any:
    from starlette.middleware import Middleware

    return Middleware(CORSMiddleware, **options)


def no_routes(**cors: Any) -> FastAPI:
    app = FastAPI()
    if cors:
        app.add_middleware(CORSMiddleware, **cors)
    return app


# -- side effects ---------------------------------------------------------------------------------

CALLS: list[str] = []


def recording_app() -> FastAPI:
    """Every handler records that it ran: the audit must run only the safe ones by default."""
    app = FastAPI()
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["https://app.example.com"],
        allow_methods=["*"],
        allow_headers=["*"],
    )
    router = APIRouter(prefix="/orders")

    @router.get("/")
    async def list_orders() -> list[str]:
        CALLS.append("GET listed")
        return []

    @router.post("/")
    async def place_order() -> dict[str, str]:
        CALLS.append("POST order placed")
        return {}

    @router.put("/{order_id}")
    async def replace_order(order_id: int) -> dict[str, str]:
        CALLS.append("PUT replaced")
        return {}

    @router.patch("/{order_id}")
    async def amend_order(order_id: int) -> dict[str, str]:
        CALLS.append("PATCH amended")
        return {}

    @router.delete("/{order_id}")
    async def delete_order(order_id: int) -> dict[str, str]:
        CALLS.append("DELETE deleted")
        return {}

    app.include_router(router, prefix="/api")
    return app
