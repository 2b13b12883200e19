"""audit walks routes however the app was assembled: included routers, mounts, path parameters."""

from __future__ import annotations

import re
from typing import Any

from starlette.websockets import WebSocket

from corsguard.audit.app_probe import probe_app
from corsguard.audit.introspect import introspect
from tests.compat.apps import APP

# What a frontend calls: (path, method) for every HTTP route, websockets apart.
EXPECTED = {
    ("/api/items", "GET"),
    ("/api/items/{item_id}", "GET"),
    ("/api/items/{item_id}", "PUT"),
    ("/api/items/{item_id}/boom", "GET"),
    ("/sub/status", "GET"),
    ("/health", "GET"),
}
WEBSOCKETS = {"/api/live"}


def routed_app(framework: str) -> Any:
    """An API router under /api (with a dependency), a mounted Starlette app, a websocket."""
    from starlette.applications import Starlette
    from starlette.middleware.cors import CORSMiddleware
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def status(request: Any) -> JSONResponse:
        return JSONResponse({"ok": True})

    sub = Starlette(routes=[Route("/status", status)])
    app = fastapi_routes() if framework == "fastapi" else starlette_routes()
    app.mount("/sub", sub)
    app.add_middleware(CORSMiddleware, allow_origins=[APP], allow_methods=["GET", "PUT"])
    return app


def fastapi_routes() -> Any:
    from fastapi import APIRouter, Depends, FastAPI

    async def tenant() -> str:
        return "t1"

    router = APIRouter(dependencies=[Depends(tenant)])

    @router.get("/items")
    async def items() -> list[int]:
        return [1]

    @router.get("/items/{item_id}")
    async def item(item_id: int) -> dict[str, int]:
        return {"id": item_id}

    @router.put("/items/{item_id}")
    async def put_item(item_id: int) -> dict[str, int]:
        return {"id": item_id}

    @router.get("/items/{item_id}/boom")
    async def boom(item_id: int) -> None:
        raise RuntimeError("unhandled in an included router")

    @router.websocket("/live")
    async def live(websocket: WebSocket) -> None:
        await websocket.close()

    app = FastAPI()

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    app.include_router(router, prefix="/api")
    return app


def starlette_routes() -> Any:
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Mount, Route, WebSocketRoute

    async def items(request: Any) -> JSONResponse:
        return JSONResponse([1])

    async def item(request: Any) -> JSONResponse:
        return JSONResponse({"id": request.path_params["item_id"]})

    async def boom(request: Any) -> JSONResponse:
        raise RuntimeError("unhandled in a mounted router")

    async def live(websocket: WebSocket) -> None:
        await websocket.close()

    api = [
        Route("/items", items, methods=["GET"]),
        Route("/items/{item_id:int}", item, methods=["GET", "PUT"]),
        Route("/items/{item_id:int}/boom", boom, methods=["GET"]),
        WebSocketRoute("/live", live),
    ]
    return Starlette(routes=[Route("/health", items, methods=["GET"]), Mount("/api", routes=api)])


def http_routes(app: Any) -> set[tuple[str, str]]:
    found = set()
    for node in introspect(app).walk():
        for route in node.routes:
            path = re.sub(r":\w+\}", "}", route.path)  # {item_id:int} is {item_id}
            found |= {(path, m) for m in route.methods if m != "HEAD"}
    return {
        (path, method)
        for path, method in found
        if not path.startswith(("/docs", "/redoc", "/openapi"))
    }


def test_every_route_is_found(framework: str) -> None:
    assert http_routes(routed_app(framework)) == EXPECTED


def test_websocket_routes_are_found(framework: str) -> None:
    found = {
        r.path
        for node in introspect(routed_app(framework)).walk()
        for r in node.routes
        if r.websocket
    }
    assert found == WEBSOCKETS


def test_the_probe_reaches_a_route_in_an_included_router(framework: str) -> None:
    app = routed_app(framework)
    outcome = probe_app("compat:app", app, introspect(app))
    blocked = [f.location for f in outcome.findings if f.code == "CG408"]
    # The 500 from ServerErrorMiddleware has no CORS headers: the browser blocks it.
    assert blocked == ["compat:app GET /api/items/1/boom"]
    [count] = [n for n in outcome.notes if "request(s) checked" in n]
    checked = int(re.search(r"(\d+) route", count).group(1))  # type: ignore[union-attr]
    assert checked >= len(EXPECTED)
