"""The three stages of a FastAPI app's CORS setup (basic, common, dynamic), made safe.

Popular articles configure CORS three ways: ``allow_origins=["*"]`` with credentials "for
local development", an explicit list "for test and staging", and a list read from an
environment variable "for production" that quietly falls back to localhost when the variable
is missing. Here the same three stages are deployment profiles, chosen by ``CORS_PROFILE``:

    # dev: any localhost / 127.0.0.1 / [::1] origin on any port, credentials, debug on
    CORS_PROFILE=dev uvicorn examples.profiles_app:app

    # test / staging: the frontends you list, nothing else
    CORS_PROFILE=test \\
        CORS_ALLOW_ORIGINS=https://test.yourfrontend.com,https://staging.yourfrontend.com \\
        CORS_ALLOW_METHODS=GET,PUT uvicorn examples.profiles_app:app

    # prod: https origins only; a missing list is an error naming the variable, not a fallback
    CORS_PROFILE=prod \\
        CORS_ALLOW_ORIGINS=https://www.yourproduct.com,https://admin.yourproduct.com \\
        CORS_ALLOW_METHODS=GET,PUT CORS_ALLOW_CREDENTIALS=true uvicorn examples.profiles_app:app

``install`` puts CORS outermost, so the 401 of the session check below and the 500 of
``/reports/broken`` both carry CORS headers, and the session check never sees a preflight.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from corsguard import CORSPolicy, install


class Item(BaseModel):
    name: str


def create_app(environ: Mapping[str, str] | None = None) -> FastAPI:
    """The app, with its CORS policy read from ``environ`` (default: ``os.environ``)."""
    # Read and validated before anything else: a missing or unsafe setting stops start-up
    # with a ConfigError that names the variable to set.
    policy = CORSPolicy.from_env(environ)
    app = FastAPI(title="corsguard profiles example")

    @app.middleware("http")
    async def require_session(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        if request.url.path.startswith("/me") and "session" not in request.cookies:
            return JSONResponse({"detail": "log in first"}, status_code=401)
        return await call_next(request)

    @app.get("/items")
    async def list_items() -> list[Item]:
        return [Item(name="first")]

    @app.put("/items")
    async def update_item(item: Item) -> Item:
        return item

    @app.get("/me")
    async def me(request: Request) -> dict[str, str]:
        return {"session": request.cookies["session"]}

    @app.get("/reports/broken")
    async def broken_report() -> None:
        raise RuntimeError("the report generator crashed")

    install(app, policy)
    return app


def __getattr__(name: str) -> Any:
    # ``uvicorn examples.profiles_app:app`` builds the app from the environment on first use,
    # so importing this module (for create_app) needs no CORS_* variables.
    if name == "app":
        app = create_app(os.environ)
        globals()["app"] = app
        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
