"""Refusing WebSocket handshakes from origins the policy does not allow.

Browsers send ``Origin`` on every WebSocket handshake, with the user's cookies, and the
same-origin policy does not apply to WebSockets: without a check, any website can open a
socket as the logged-in user (cross-site WebSocket hijacking). The handshake is refused
before the app sees it when the origin is neither allowed by the policy nor the server's own
origin. Handshakes without ``Origin`` come from non-browser clients and pass.
"""

from __future__ import annotations

import logging

from corsguard.middleware.compiled import CompiledPolicy
from corsguard.middleware.logs import escape, logger
from corsguard.middleware.types import Receive, Scope, Send

_DEFAULT_PORT_SUFFIX = {True: b":443", False: b":80"}


def is_same_origin(scope: Scope, origin: bytes) -> bool:
    """True if ``origin`` is the origin the handshake was addressed to (its ``Host``)."""
    if origin.startswith(b"https://"):
        secure, authority = True, origin[8:]
    elif origin.startswith(b"http://"):
        # Behind a proxy that terminates TLS the scheme seen here is "ws" for a page served
        # over https, so only "wss" rules out an http page.
        if scope.get("scheme") == "wss":
            return False
        secure, authority = False, origin[7:]
    else:
        return False
    for name, value in scope["headers"]:
        if name == b"host":
            host: bytes = value.lower()
            suffix = _DEFAULT_PORT_SUFFIX[secure]
            if host.endswith(suffix):
                host = host[: -len(suffix)]
            return host == authority
    return False


async def refuse(
    scope: Scope, receive: Receive, send: Send, compiled: CompiledPolicy, origin: bytes
) -> None:
    """Deny the handshake with 403 (the ASGI server answers the upgrade request with it)."""
    message = await receive()
    if message.get("type") != "websocket.connect":
        return  # the client went away first
    level = logging.WARNING if compiled.debug else logging.INFO
    if logger.isEnabledFor(level):
        logger.log(
            level,
            "websocket %s: handshake from origin %s refused: the origin is not allowed. "
            "Add it to allow_origins if that site should open sockets here.",
            escape(scope.get("path", "")),
            escape(origin),
        )
    if "websocket.http.response" in scope.get("extensions", {}):
        body = b"websocket origin not allowed\n" if compiled.debug else b""
        await send(
            {
                "type": "websocket.http.response.start",
                "status": 403,
                "headers": [
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"content-length", str(len(body)).encode("ascii")),
                ],
            }
        )
        await send({"type": "websocket.http.response.body", "body": body})
        return
    # Closing before accepting makes the server deny the upgrade with 403 (ASGI spec,
    # "Close - send event").
    await send({"type": "websocket.close", "code": 1008})
