"""``install`` right after ``FastAPI()`` / ``Starlette()``, whichever way the version builds.

Starlette before 0.24 (FastAPI before 0.91) builds the middleware stack in the constructor
and again in ``add_middleware``, ``add_exception_handler`` and the ``debug`` setter; later
versions build it on the first ASGI call. CORS must end up outermost either way, and stay
there through every later rebuild.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import starlette
from fastapi import FastAPI
from fastapi.responses import PlainTextResponse
from starlette.applications import Starlette
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.routing import Route

from corsguard import install
from corsguard.middleware import CORSMiddleware, installed
from corsguard.middleware.install import _release

from .asgi import Message, call, scope

APP = "https://app.example.com"


def _boom(request: Request) -> PlainTextResponse:
    raise RuntimeError("unhandled")


def _lookup(request: Request) -> PlainTextResponse:
    raise KeyError("missing")


def _teapot(request: Request, error: Exception) -> PlainTextResponse:
    return PlainTextResponse("teapot", status_code=418)


def _crash_headers(app: Any) -> dict[bytes, bytes]:
    """The headers of the 500 for ``/boom``; the exception still reaches the server."""
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    with pytest.raises(RuntimeError, match="unhandled"):
        asyncio.run(app(scope("GET", "/boom", [("origin", APP)]), receive, send))
    assert sent[0]["status"] == 500
    return dict(sent[0]["headers"])


@pytest.mark.parametrize("make", [FastAPI, Starlette], ids=["fastapi", "starlette"])
def test_install_on_a_fresh_app_puts_cors_outermost_through_later_changes(make: Any) -> None:
    app = make()
    cors = install(app, allow_origins=[APP], allow_credentials=True)
    # Everything that rebuilds the stack in old versions, after install.
    app.add_route("/boom", _boom)
    app.add_route("/teapot", _lookup)
    app.add_exception_handler(KeyError, _teapot)
    app.add_middleware(GZipMiddleware, minimum_size=10_000)
    app.debug = False

    handled = call(app, "GET", "/teapot", [("origin", APP)])

    assert installed(app) is cors
    assert _crash_headers(app)[b"access-control-allow-origin"] == APP.encode()
    assert handled.status == 418
    assert handled.get("access-control-allow-origin") == APP


@pytest.fixture
def eager_starlette(monkeypatch: pytest.MonkeyPatch) -> type[Starlette]:
    """A Starlette app that builds its stack as versions before 0.24 did."""

    class Eager(Starlette):
        def __init__(self, **options: Any) -> None:
            super().__init__(**options)
            self.middleware_stack = self.build_middleware_stack()

        def add_middleware(self, middleware_class: Any, *args: Any, **kwargs: Any) -> None:
            self.middleware_stack = None
            super().add_middleware(middleware_class, *args, **kwargs)
            self.middleware_stack = self.build_middleware_stack()

    monkeypatch.setattr(starlette, "__version__", "0.23.1")
    return Eager


def test_install_rebuilds_an_eagerly_built_stack(eager_starlette: type[Starlette]) -> None:
    app = eager_starlette(routes=[Route("/boom", _boom)])
    cors = install(app, allow_origins=[APP])

    assert app.middleware_stack is cors
    assert _crash_headers(app)[b"access-control-allow-origin"] == APP.encode()
    app.add_middleware(GZipMiddleware)
    assert app.middleware_stack is cors


def test_an_eager_rebuild_still_refuses_a_second_cors_layer(
    eager_starlette: type[Starlette],
) -> None:
    app = eager_starlette()
    install(app, allow_origins=[APP])
    with pytest.raises(RuntimeError, match="two CORS layers"):
        app.add_middleware(CORSMiddleware, allow_origins=[APP])


@pytest.mark.parametrize(
    ("version", "release"),
    [
        ("0.19.1", (0, 19, 1)),
        ("0.24.0", (0, 24, 0)),
        ("1.10.0", (1, 10, 0)),
        ("0.38.0rc1", (0, 38, 0)),
        ("1.0.dev3", (1, 0)),
    ],
)
def test_release_reads_the_numeric_part_of_a_version(
    version: str, release: tuple[int, ...]
) -> None:
    assert _release(version) == release
