"""Apps built the way users build them, on FastAPI or on Starlette alone, for every version.

Old and new releases differ in exactly the places these apps touch: how ``add_middleware``
stores options (``Middleware.options`` before Starlette 0.35, ``args``/``kwargs`` after), when
the middleware stack is built (in ``__init__`` before Starlette 0.24, on the first call
after), and how ``include_router`` records routes (copies before FastAPI 0.137, one
``_IncludedRouter`` after). Nothing here uses ``TestClient``: before Starlette 0.21 it needs
``requests``, which the matrix does not install.
"""

from __future__ import annotations

import asyncio
import importlib.util
import textwrap
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx

APP = "https://app.example.com"
EVIL = "https://evil.example"

FRAMEWORKS = ("starlette", "fastapi") if importlib.util.find_spec("fastapi") else ("starlette",)

# The keyword arguments users pass, in Starlette's names (corsguard takes the same).
SAFE_OPTIONS: dict[str, Any] = {
    "allow_origins": [APP],
    "allow_methods": ["GET", "PUT"],
    "allow_headers": ["Authorization"],
    "allow_credentials": True,
    "expose_headers": ["X-Total"],
    "max_age": 600,
}


def send(
    app: Any, method: str, path: str, headers: Mapping[str, str] | None = None
) -> httpx.Response:
    """One request to ``app`` over ASGI, as a server would pass it."""

    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
            return await client.request(method, path, headers=dict(headers or {}))

    return asyncio.run(go())


def preflight(app: Any, path: str, method: str, headers: str = "", origin: str = APP) -> Any:
    request_headers = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers:
        request_headers["Access-Control-Request-Headers"] = headers
    return send(app, "OPTIONS", path, request_headers)


def cors_headers(response: httpx.Response) -> dict[str, str]:
    """The CORS response headers, each with its one value (a repeated header fails)."""
    found: dict[str, str] = {}
    for name, value in response.headers.multi_items():
        name = name.lower()
        if name.startswith("access-control-"):
            assert name not in found, f"{name} sent twice"
            found[name] = value
    return found


def new_app(framework: str, middleware: list[Any] | None = None) -> Any:
    """A freshly created app with ``GET``/``PUT /items`` and ``GET /boom`` (raises)."""
    if framework == "fastapi":
        from fastapi import FastAPI

        api = FastAPI(middleware=middleware)

        @api.get("/items")
        async def items() -> list[int]:
            return [1, 2]

        @api.put("/items")
        async def put_items() -> dict[str, bool]:
            return {"saved": True}

        @api.get("/boom")
        async def boom() -> None:
            raise RuntimeError("unhandled in the endpoint")

        return api
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def listing(request: Request) -> JSONResponse:
        if request.method == "PUT":
            return JSONResponse({"saved": True})
        return JSONResponse([1, 2])

    async def crash(request: Request) -> JSONResponse:
        raise RuntimeError("unhandled in the endpoint")

    return Starlette(
        routes=[Route("/items", listing, methods=["GET", "PUT"]), Route("/boom", crash)],
        middleware=middleware,
    )


def add_token_check(app: Any) -> None:
    """Authentication as users add it: every request without a token gets 401, preflights too."""
    from starlette.middleware.base import BaseHTTPMiddleware
    from starlette.responses import PlainTextResponse

    async def require_token(request: Any, call_next: Any) -> Any:
        if "authorization" not in request.headers:
            return PlainTextResponse("missing token", status_code=401)
        return await call_next(request)

    app.add_middleware(BaseHTTPMiddleware, dispatch=require_token)


def write_module(directory: Path, source: str) -> str:
    """Write ``source`` as a uniquely named module in ``directory``; return its name.

    A unique name per test: a loader imports ``module:attr`` once per process.
    """
    name = f"compat_app_{uuid.uuid4().hex[:12]}"
    (directory / f"{name}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    return name


def app_source(framework: str, middleware: str) -> str:
    """A one-file app with ``GET /health`` and ``middleware`` (a statement using ``app``)."""
    if framework == "fastapi":
        head = """\
            from fastapi import FastAPI

            import corsguard

            app = FastAPI()


            @app.get("/health")
            async def health() -> dict[str, str]:
                return {"status": "ok"}
            """
    else:
        head = """\
            from starlette.applications import Starlette
            from starlette.responses import JSONResponse
            from starlette.routing import Route

            import corsguard


            async def health(request):
                return JSONResponse({"status": "ok"})


            app = Starlette(routes=[Route("/health", health)])
            """
    return textwrap.dedent(head) + "\n" + textwrap.dedent(middleware)
