"""A configuration refused while Starlette builds its middleware stack: failing start-up.

``app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)`` only
records the class and its options. Starlette 0.24 and later build the stack on the app's
first ASGI call, ``cls(app, **options)`` inside ``build_middleware_stack``, and that first
call is the server's ``lifespan`` scope. An exception raised there, before the app has
received anything, is what ASGI servers take for "this app does not speak lifespan":
uvicorn (``--lifespan auto``, its default) logs "ASGI 'lifespan' protocol appears
unsupported", starts, and answers every request with 500. The one channel servers honour at
start-up is the lifespan protocol itself: on ``lifespan.startup.failed`` a server "should
log/print the message provided and then exit" (ASGI lifespan specification), and uvicorn
does so before it listens.

So when the ``ConfigError`` (or ``TypeError``) is raised inside that lazy build, the
middleware does not raise: it becomes a pass-through to ``RefusedConfiguration``, a small
ASGI app that fails the lifespan start-up with the error's codes and hints, and answers
anything that still reaches it (a server run with ``--lifespan off``, a test client used
without ``with``) with a 500 that never reaches the app, raising the error again so that the
server logs it and a test client raises it. No request is served either way.

Telling the lazy build apart from user code: the caller is the only one who knows, and
Starlette passes the middleware nothing that says "I am building my stack". The calling
frame does: ``build_middleware_stack`` of an object whose ``middleware_stack`` is still
``None`` is, by Starlette's own code, the build on the first ASGI call. The frames are
looked at only on the failure path, so the successful construction costs nothing, and
anything else (``CORSMiddleware(app, ...)`` in user code, ``install``, the eager builds
of Starlette before 0.24, which run inside ``Starlette(...)`` and ``add_middleware`` at
import time) raises as before: an exception at import time already stops the server.
``install`` knows where its own builder runs and uses ``RefusedConfiguration`` directly for a
second CORS layer found in a lazy build.
"""

from __future__ import annotations

import copy
import sys
from types import FrameType

from corsguard.middleware.types import Receive, Scope, Send
from corsguard.policy import ConfigError

_NOT_BUILT_LAZILY = object()
# How the 500 answered in place of every request starts: ``corsguard check`` recognises it.
REFUSED_BODY = "CORS configuration refused"


def building_lazily(middleware: object) -> bool:
    """Whether ``middleware`` is being constructed by a Starlette app's lazy stack build.

    Called from ``CORSMiddleware.__init__``: the frames above it are skipped while they are
    ``__init__`` of the same object (a subclass calling ``super().__init__``), and the next
    one must be ``build_middleware_stack`` of an app whose stack is not built yet.
    """
    frame: FrameType | None = sys._getframe(1)
    while (
        frame is not None
        and frame.f_code.co_name == "__init__"
        and frame.f_locals.get("self") is middleware
    ):
        frame = frame.f_back
    if frame is None or frame.f_code.co_name != "build_middleware_stack":
        return False
    owner = frame.f_locals.get("self")
    return getattr(owner, "middleware_stack", _NOT_BUILT_LAZILY) is None


def _codes(error: Exception) -> list[str]:
    """The codes of a ``ConfigError``'s problems, in order; none for other errors."""
    if not isinstance(error, ConfigError):
        return []
    return list(dict.fromkeys(problem.code for problem in error.problems))


class RefusedConfiguration:
    """The ASGI app that stands in for an app whose CORS configuration was refused.

    It fails the server's start-up through the lifespan protocol and answers any request
    that still arrives with 500 and raises the error again, without ever calling ``app``.
    """

    def __init__(
        self,
        error: Exception,
        app: object,
        *,
        location: str = "corsguard.CORSMiddleware",
        fix: str = "fix the options passed to app.add_middleware(CORSMiddleware, ...)",
    ) -> None:
        self.error = error
        self.app = app  # kept for introspection only; never called
        self.message = (
            f"{location}: {error}\nNo request is served with this CORS configuration: {fix}."
        )
        listed = ", ".join(_codes(error))
        self.body = (
            f"{REFUSED_BODY}{f' ({listed})' if listed else ''}: "
            "this server cannot serve requests. The server log says why.\n"
        ).encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "lifespan":
            await self._fail_startup(receive, send)
            return
        if kind == "http":
            await send(
                {
                    "type": "http.response.start",
                    "status": 500,
                    "headers": [
                        (b"content-type", b"text/plain; charset=utf-8"),
                        (b"content-length", str(len(self.body)).encode("ascii")),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": self.body})
        elif kind == "websocket":
            # Closing before accepting makes the server deny the upgrade (ASGI "Close").
            await send({"type": "websocket.close", "code": 1011})
        # Raised for every request, so the server logs the error with each 500 (nothing
        # else reports it without a lifespan) and a test client raises it in the test.
        # A copy each time: one exception object raised over and over would collect the
        # tracebacks of every request.
        raise copy.copy(self.error)

    async def _fail_startup(self, receive: Receive, send: Send) -> None:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.failed", "message": self.message})
        elif message["type"] == "lifespan.shutdown":
            # A server that shuts down without a start-up (it never sends one first): done.
            await send({"type": "lifespan.shutdown.complete"})
