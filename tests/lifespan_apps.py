"""Apps with a lifespan, for the in-process lifespan tests of check, scan and audit."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, cast

from fastapi import APIRouter, FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware

EVENTS: list[str] = []
ORIGIN = "https://app.example.com"


class Pool:
    """Bound to the event loop that opened it, as asyncpg and httpx pools are."""

    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()

    def fetch(self) -> str:
        if asyncio.get_running_loop() is not self.loop:
            raise RuntimeError("the pool is attached to a different loop")
        return "row"


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    EVENTS.append("startup")
    app.state.pool = Pool()
    yield
    EVENTS.append("shutdown")


def _with_lifespan(lifespan: Any) -> FastAPI:
    """A FastAPI app with ``lifespan``: as ``lifespan=`` (FastAPI 0.93 on), or as the startup
    and shutdown event handlers of older versions, which newer ones no longer have."""
    if "lifespan" in inspect.signature(FastAPI.__init__).parameters:
        return FastAPI(lifespan=lifespan)
    app = FastAPI()
    context: list[Any] = []

    async def startup() -> None:
        context.append(lifespan(app))
        await context[-1].__aenter__()

    async def shutdown() -> None:
        await context[-1].__aexit__(None, None, None)

    old_api = cast(Any, app)  # FastAPI before 0.93 only; the installed stubs may lack it
    old_api.add_event_handler("startup", startup)
    old_api.add_event_handler("shutdown", shutdown)
    return app


def pool_app(routes: int = 19) -> FastAPI:
    """Every route reads the pool the lifespan opens; without the lifespan each one fails."""
    app = _with_lifespan(_lifespan)
    app.add_middleware(CORSMiddleware, allow_origins=[ORIGIN])
    router = APIRouter(prefix="/api")
    for number in range(routes):
        router.add_api_route(f"/r{number}", _read, methods=["GET"], name=f"read_{number}")
    app.include_router(router)
    return app


async def _read(request: Request) -> dict[str, str]:
    return {"row": request.app.state.pool.fetch()}


app = pool_app()


def create_app() -> FastAPI:
    return pool_app(routes=2)


def failing_factory() -> FastAPI:
    settings: dict[str, str] = {}
    return FastAPI(title=settings["APP_TITLE"])


def refused_policy_factory() -> Any:
    from corsguard import CORSPolicy

    return CORSPolicy(allow_origins=["*"], allow_credentials=True)


@asynccontextmanager
async def _broken(app: FastAPI) -> AsyncIterator[None]:
    if not app.state._state.get("database_url"):
        raise RuntimeError("DATABASE_URL is not set")
    yield


broken_startup = _with_lifespan(_broken)


async def no_lifespan_support(scope: Any, receive: Any, send: Any) -> None:
    """A bare ASGI app that only speaks HTTP, as many small apps do."""
    if scope["type"] != "http":
        raise RuntimeError(f"unsupported scope {scope['type']}")
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"access-control-allow-origin", ORIGIN.encode())],
        }
    )
    await send({"type": "http.response.body", "body": b"ok"})


async def state_app(scope: Any, receive: Any, send: Any) -> None:
    """Lifespan state (ASGI "Lifespan State"): what startup yields is in each request scope."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                scope["state"]["greeting"] = "hello"
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    body = str(scope.get("state", {}).get("greeting")).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"access-control-allow-origin", ORIGIN.encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


def corsguard_refused() -> FastAPI:
    """corsguard added with add_middleware and a refused policy: it fails at startup."""
    from corsguard import CORSMiddleware as Guarded

    refused = FastAPI()
    refused.add_middleware(Guarded, allow_origins=["*"], allow_credentials=True)
    return refused


def corsguard_refused_with_lifespan() -> FastAPI:
    """A refused policy in an app whose own lifespan records that it ran."""
    from corsguard import CORSMiddleware as Guarded

    refused = _with_lifespan(_lifespan)
    refused.add_middleware(Guarded, allow_origins=["*"], allow_credentials=True)
    return refused


@asynccontextmanager
async def _closed_pool(app: FastAPI) -> AsyncIterator[None]:
    if not app.state._state.get("pool_open"):
        raise RuntimeError("the pool is closed.")
    yield  # pragma: no cover - the pool is never open here


broken_with_a_sentence = _with_lifespan(_closed_pool)
