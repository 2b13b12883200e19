"""What an audit may send to the app it audits: nothing that changes data, unless asked.

The audit runs the real app in-process, with its real database and its real side effects. A
request with an unsafe method runs a handler that creates, changes or deletes something, so by
default those routes are checked by their preflight only: the CORS layer answers it, and the
browser would send the actual request only after it. ``--probe-unsafe`` lifts the rule for a
disposable environment. The guard below is the last line: whatever in-process code path sends
an unsafe request, the app never receives it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

# RFC 9110 section 9.2.1 calls GET, HEAD, OPTIONS and TRACE safe; TRACE is no API's business.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

REFUSED_BODY = b"not sent to the app: the audit runs no handler for an unsafe method"


def is_unsafe(method: str) -> bool:
    """POST, PUT, PATCH, DELETE and every other method that is not GET, HEAD or OPTIONS."""
    return method.upper() not in SAFE_METHODS


@dataclass
class UnsafeMethodGuard:
    """An ASGI wrapper that answers unsafe HTTP requests itself (405) and records them."""

    app: ASGIApp
    refused: list[tuple[str, str]] = field(default_factory=list)  # (method, path)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "http" or not is_unsafe(str(scope.get("method", "GET"))):
            await self.app(scope, receive, send)
            return
        self.refused.append((str(scope["method"]), str(scope.get("path", ""))))
        await send(
            {
                "type": "http.response.start",
                "status": 405,
                "headers": [
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"content-length", str(len(REFUSED_BODY)).encode()),
                    (b"allow", b"GET, HEAD, OPTIONS"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": REFUSED_BODY})
