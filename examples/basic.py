"""The "basic version" of CORS in FastAPI, as the popular deployment articles write it.

Run ``corsguard audit examples.basic:app`` to see what is wrong with it, and
``corsguard audit examples.basic:app --fix`` for the corsguard configuration that replaces it.

What is wrong, in short:

- ``allow_origins=["*"]`` with ``allow_credentials=True``: Starlette does not refuse it, it
  echoes every request's Origin with ``Access-Control-Allow-Credentials: true``, so any website
  can read a logged-in user's data.
- The article's advice is to add CORSMiddleware first and custom middleware after it. FastAPI
  runs the *last* added middleware first, so the session check below sees the browser's
  preflight (which never carries cookies) before CORS does and answers it 401.
- ``/reports/broken`` raises: the 500 comes from ServerErrorMiddleware, outside every user
  middleware, so it carries no CORS headers and the browser reports a CORS error instead.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

app = FastAPI(title="basic")

# "Add the CORS middleware before adding routes!"
app.add_middleware(
    CORSMiddleware,
    allow_origins=["*"],  # every origin...
    allow_credentials=True,  # ...with the user's cookies
    allow_methods=["*"],
    allow_headers=["*"],
)


@app.middleware("http")
async def require_session(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    """A session check added after CORS, as the article recommends: it runs before CORS."""
    if request.url.path.startswith("/api/") and "session" not in request.cookies:
        return JSONResponse({"detail": "not logged in"}, status_code=401)
    return await call_next(request)


@app.get("/")
async def main() -> dict[str, str]:
    return {"message": "Hello World"}


@app.get("/api/me")
async def me(request: Request) -> dict[str, str]:
    return {"user": request.cookies.get("session", "")}


@app.post("/api/items/")
async def create_item(item: dict[str, str]) -> dict[str, str]:
    return item


@app.get("/reports/broken")
async def broken_report() -> dict[str, str]:
    raise RuntimeError("the report database is unreachable")
