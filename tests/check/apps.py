"""Small ASGI apps that answer with scripted responses, one per root cause."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Message = MutableMapping[str, Any]
Headers = list[tuple[str, str]]
Answer = tuple[int, Headers, bytes]


def scripted(
    preflight: Answer | None = None,
    actual: Answer | None = None,
    by_path: dict[str, Answer] | None = None,
) -> Callable[
    [Message, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]],
    Awaitable[None],
]:
    """An ASGI app: OPTIONS gets ``preflight``, anything else ``actual`` (or by path)."""
    seen: list[Message] = []

    async def app(
        scope: Message,
        receive: Callable[[], Awaitable[Message]],
        send: Callable[[Message], Awaitable[None]],
    ) -> None:
        assert scope["type"] == "http"
        seen.append(scope)
        if by_path is not None and scope["path"] in by_path:
            status, headers, body = by_path[scope["path"]]
        elif scope["method"] == "OPTIONS" and preflight is not None:
            status, headers, body = preflight
        else:
            status, headers, body = actual or (200, [], b"")
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(k.lower().encode(), v.encode("latin-1")) for k, v in headers],
            }
        )
        await send({"type": "http.response.body", "body": body})

    app.seen = seen  # type: ignore[attr-defined]
    return app


async def hangs(
    scope: Message,
    receive: Callable[[], Awaitable[Message]],
    send: Callable[[Message], Awaitable[None]],
) -> None:
    """An ASGI app that never answers."""
    await asyncio.sleep(3600)


def refusing(
    allowed_origin: str,
    methods: tuple[str, ...] = ("GET", "HEAD", "POST"),
    headers: tuple[str, ...] = (),
    *,
    body: bytes = b"",
) -> Callable[
    [Message, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]],
    Awaitable[None],
]:
    """A CORS layer that refuses preflights with 403 and ``body`` (empty: as older versions).

    Everything else gets 200 with the origin allowed; ``seen`` keeps every request.
    """
    seen: list[Message] = []
    vary = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"

    async def app(
        scope: Message,
        receive: Callable[[], Awaitable[Message]],
        send: Callable[[Message], Awaitable[None]],
    ) -> None:
        seen.append(scope)
        wire = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        origin = wire.get("origin")
        method = wire.get("access-control-request-method")
        asked = [h for h in wire.get("access-control-request-headers", "").split(",") if h]
        if scope["method"] == "OPTIONS" and origin and method:
            ok = origin == allowed_origin and method in methods
            ok = ok and all(h in headers for h in asked)
            status, lines = (204, [("access-control-allow-origin", origin)]) if ok else (403, [])
            if ok:
                lines += [("access-control-allow-methods", method)]
                if asked:
                    lines += [("access-control-allow-headers", ",".join(asked))]
            answer = (status, [*lines, ("vary", vary)], b"" if ok else body)
        else:
            allow = [("access-control-allow-origin", origin)] if origin == allowed_origin else []
            answer = (
                405 if scope["method"] == "OPTIONS" else 200,
                [*allow, ("vary", "Origin")],
                b"",
            )
        status, lines, text = answer
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(k.encode(), v.encode()) for k, v in lines],
            }
        )
        await send({"type": "http.response.body", "body": text})

    app.seen = seen  # type: ignore[attr-defined]
    return app


async def auth_in_front(
    scope: Message,
    receive: Callable[[], Awaitable[Message]],
    send: Callable[[Message], Awaitable[None]],
) -> None:
    """An authentication layer before CORS: 403 with no body to anything without a token."""
    await send({"type": "http.response.start", "status": 403, "headers": []})
    await send({"type": "http.response.body", "body": b""})
