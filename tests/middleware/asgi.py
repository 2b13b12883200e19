"""Calling an ASGI app directly and recording exactly what it sends."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any

Message = MutableMapping[str, Any]
App = Callable[[Message, Any, Any], Awaitable[None]]


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]  # raw lines, in order, duplicates kept
    body: bytes = b""
    messages: list[Message] = field(default_factory=list)

    def get(self, name: str) -> str | None:
        values = [v for n, v in self.headers if n == name.lower()]
        return ", ".join(values) if values else None

    @property
    def cors(self) -> dict[str, str]:
        """The CORS response headers (and Vary), lower-case names."""
        return {n: v for n, v in self.headers if n.startswith("access-control-") or n == "vary"}


def scope(
    method: str = "GET",
    path: str = "/",
    headers: Sequence[tuple[str, str]] = (),
    *,
    kind: str = "http",
) -> dict[str, Any]:
    raw = [(b"host", b"api.example.com")] + [
        (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers
    ]
    result: dict[str, Any] = {
        "type": kind,
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "scheme": "http" if kind == "http" else "ws",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": raw,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    if kind == "http":
        result["method"] = method
    else:
        result["subprotocols"] = []
    return result


async def acall(app: Any, request_scope: dict[str, Any], body: bytes = b"") -> Response:
    messages: list[Message] = []
    incoming: list[Message] = (
        [{"type": "http.request", "body": body, "more_body": False}]
        if request_scope["type"] == "http"
        else [{"type": "websocket.connect"}]
    )

    async def receive() -> Message:
        if incoming:
            return incoming.pop(0)
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        messages.append(message)

    await app(request_scope, receive, send)
    status = 0
    headers: list[tuple[str, str]] = []
    body_out = b""
    for message in messages:
        if message["type"] in ("http.response.start", "websocket.http.response.start"):
            status = message["status"]
            headers = [
                (bytes(n).decode("latin-1"), bytes(v).decode("latin-1"))
                for n, v in message.get("headers", [])
            ]
        elif message["type"] in ("http.response.body", "websocket.http.response.body"):
            body_out += message.get("body", b"")
        elif message["type"] == "websocket.close" and status == 0:
            status = 403  # closed before accepting: the server denies the handshake
        elif message["type"] == "websocket.accept":
            status = 101
    return Response(status, headers, body_out, messages)


def call(
    app: Any,
    method: str = "GET",
    path: str = "/",
    headers: Sequence[tuple[str, str]] = (),
    *,
    kind: str = "http",
) -> Response:
    return asyncio.run(acall(app, scope(method, path, headers, kind=kind)))


async def endpoint(scope: Message, receive: Any, send: Any) -> None:
    """An app answering 200 "ok" with one header of its own."""
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"text/plain")],
        }
    )
    await send({"type": "http.response.body", "body": b"ok"})
