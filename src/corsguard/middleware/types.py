"""The ASGI interface as the middleware sees it (https://asgi.readthedocs.io/en/latest/specs/)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# A raw header list as ASGI carries it: lower-case names and values, both bytes.
RawHeaders = tuple[tuple[bytes, bytes], ...]
