"""WebSocket origin checks through a real uvicorn server and a real WebSocket client."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from fastapi import FastAPI, WebSocket
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from corsguard import install
from tests.support.servers import serve_asgi

ALLOWED = "https://app.example.com"


def make_app() -> FastAPI:
    app = FastAPI()

    @app.websocket("/ws")
    async def echo(websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.send_text(await websocket.receive_text())
        await websocket.close()

    install(app, allow_origins=[ALLOWED], allow_credentials=True)
    return app


async def _echo(url: str, origin: str | None) -> str:
    headers = {"Origin": origin} if origin else {}
    async with connect(url, additional_headers=headers, origin=None) as socket:
        await socket.send("ping")
        return str(await socket.recv())


@pytest.fixture(scope="module")
def ws_url() -> Iterator[str]:
    with serve_asgi(make_app(), ws="websockets-sansio") as base:
        yield base.replace("http://", "ws://") + "/ws"


@pytest.mark.parametrize(
    "origin", [ALLOWED, None], ids=["allowed-origin", "no-origin-non-browser-client"]
)
def test_handshake_accepted(ws_url: str, origin: str | None) -> None:
    assert asyncio.run(_echo(ws_url, origin)) == "ping"


@pytest.mark.parametrize(
    "origin",
    ["https://evil.example", "https://app.example.com.evil.tld", "http://app.example.com", "null"],
    ids=["foreign", "prefix-look-alike", "insecure-scheme", "null"],
)
def test_handshake_from_disallowed_origin_is_refused_with_403(ws_url: str, origin: str) -> None:
    with pytest.raises(InvalidStatus) as refused:
        asyncio.run(_echo(ws_url, origin))
    assert refused.value.response.status_code == 403
