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
