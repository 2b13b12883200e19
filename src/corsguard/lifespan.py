"""Run an app's lifespan around in-process requests, as a server would (uvicorn's ``--lifespan``).

Apps open their database pools, caches and clients in the lifespan's startup; a request sent
without it fails in the handler (``'State' object has no attribute 'pool'``) and every route
looks broken for a reason no deployed server has. So ``check --app``, ``scan --app`` and
``audit`` run the startup first and the shutdown at the end, with uvicorn's three modes:

- ``auto``: run it; an app that does not speak the lifespan protocol is served without one, as
  uvicorn does: one that raises or returns before completing startup, and one that does not
  await its first event within ``LISTEN_GRACE`` (uvicorn would wait for it forever);
- ``on``: run it; any failure is an error;
- ``off``: never run it.

A startup that reports failure (``lifespan.startup.failed``, which Starlette sends when the
app's lifespan raises) is an error in ``auto`` too, as it is for uvicorn, and so is corsguard's
own ``ConfigError`` however it surfaces: a server must not start with a refused CORS policy.

Resources made at startup (an asyncpg pool, an httpx client) belong to the event loop that made
them, while the callers here run each request in an event loop of their own. The app therefore
runs on one loop, in a thread, for the whole session; ``running`` hands back an ASGI app that
forwards each call to that loop, with the lifespan's state (``yield {"pool": ...}``) in every
request scope, as servers put it there (ASGI lifespan spec, "Lifespan State").
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import os
import re
import threading
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from concurrent.futures import Future
from typing import Any, Literal

from corsguard.policy import ConfigError

LifespanMode = Literal["auto", "on", "off"]
LIFESPAN_MODES: tuple[LifespanMode, ...] = ("auto", "on", "off")
STARTUP_TIMEOUT = 30.0
# How long an app has to await its first lifespan event before ``auto`` serves it without one.
LISTEN_GRACE = 2.0
SHUTDOWN_TIMEOUT = 10.0
# Layers followed from the app down its middleware chain looking for a refused policy.
_STACK_DEPTH = 64
_BUILT = object()

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class LifespanError(Exception):
    """The app's lifespan startup failed; the message is the app's own, with what to do."""


class _Session:
    """The app's event loop in a thread, and the lifespan conversation on it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.state: dict[str, Any] = {}
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self.loop.run_forever, name="corsguard-lifespan", daemon=True
        )
        self._thread.start()
        self._events: asyncio.Queue[Message] | None = None
        self._task: Future[None] | None = None
        self.started = False
        self._listening = threading.Event()  # the app awaited receive(): it speaks lifespan
        self._outcome: dict[str, Future[Message]] = {}

    def run(self, coroutine: Any, timeout: float) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def startup(self, timeout: float, *, patient: bool) -> Message:
        """Send ``lifespan.startup``; the app's answer, or ``{"type": "error", ...}``.

        An app that speaks the protocol awaits ``receive()`` first. Unless ``patient``, one
        that has not within ``LISTEN_GRACE`` (it treats every scope as a request, or waits on
        something else) gets ``{"type": "silent"}`` instead of the full ``timeout``.
        """
        self._outcome = {"startup": Future(), "shutdown": Future()}
        events: asyncio.Queue[Message] = self.run(_queue(), timeout)
        self._events = events
        scope: Scope = {
            "type": "lifespan",
            "asgi": {"version": "3.0", "spec_version": "2.0"},
            "state": self.state,
        }
        self._task = asyncio.run_coroutine_threadsafe(self._main(scope, events), self.loop)
        self.loop.call_soon_threadsafe(events.put_nowait, {"type": "lifespan.startup"})
        listened = patient or self._listening.wait(min(LISTEN_GRACE, timeout))
        if not listened and not self._outcome["startup"].done():
            return {"type": "silent"}
        answer = self._outcome["startup"].result(timeout)
        self.started = answer.get("type") == "lifespan.startup.complete"
        return answer

    def shutdown(self, timeout: float) -> Message:
        events = self._events
        if events is None or self._task is None or self._task.done():
            return {"type": "lifespan.shutdown.complete"}
        self.loop.call_soon_threadsafe(events.put_nowait, {"type": "lifespan.shutdown"})
        return self._outcome["shutdown"].result(timeout)

    async def _main(self, scope: Scope, events: asyncio.Queue[Message]) -> None:
        async def receive() -> Message:
            self._listening.set()
            return await events.get()

        async def send(message: Message) -> None:
            kind = str(message.get("type", ""))
            phase = "startup" if ".startup." in kind else "shutdown"
            _settle(self._outcome[phase], message)

        try:
            await self.app(scope, receive, send)
        except BaseException as error:  # the app's own failure, reported to the caller
            self._listening.set()  # no need to wait: the outcome is known
            failure = {"type": "error", "error": error}
            for future in self._outcome.values():
                _settle(future, failure)
            if not isinstance(error, Exception):
                raise
        else:
            self._listening.set()
            ended = {"type": "error", "error": None}
            for future in self._outcome.values():
                _settle(future, ended)

    def close(self) -> None:
        if self._task is not None and not self._task.done():
            # An app still inside its lifespan (it never answered): cancel it, let it unwind.
            self._task.cancel()
            with contextlib.suppress(Exception):
                self.run(asyncio.sleep(0.01), SHUTDOWN_TIMEOUT)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=SHUTDOWN_TIMEOUT)
        if not self._thread.is_alive():
            self.loop.run_until_complete(self.loop.shutdown_asyncgens())
            self.loop.close()

    async def serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run one request on the app's loop, relaying ``receive``/``send`` to the caller's."""
        caller = asyncio.get_running_loop()
        if scope.get("type") in ("http", "websocket") and self.state:
            scope = {**scope, "state": {**self.state, **dict(scope.get("state") or {})}}
        if caller is self.loop:
            await self.app(scope, receive, send)
            return

        async def relayed_receive() -> Message:
            future = asyncio.run_coroutine_threadsafe(_awaited(receive()), caller)
            return await asyncio.wrap_future(future)

        async def relayed_send(message: Message) -> None:
            future = asyncio.run_coroutine_threadsafe(_awaited(send(message)), caller)
            await asyncio.wrap_future(future)

        running: Future[Any] = asyncio.run_coroutine_threadsafe(
            _awaited(self.app(scope, relayed_receive, relayed_send)), self.loop
        )
        await asyncio.wrap_future(running)


async def _queue() -> asyncio.Queue[Message]:
    return asyncio.Queue()


async def _awaited(awaitable: Awaitable[Any]) -> Any:
    return await awaitable


def _settle(future: Future[Message], message: Message) -> None:
    if not future.done():
        future.set_result(message)


@contextlib.contextmanager
def running(
    app: ASGIApp, mode: LifespanMode = "auto", *, startup_timeout: float = STARTUP_TIMEOUT
) -> Iterator[ASGIApp]:
    """Start ``app``'s lifespan, yield the ASGI app to send requests to, then shut it down.

    Raises ``LifespanError`` when the startup fails (any failure with ``on``; a reported
    failure with ``auto``) and ``ConfigError`` itself when corsguard refuses the app's CORS
    policy, in every mode: ``off`` skips the lifespan, not the refusal.
    """
    refused = refused_policy(app)
    if refused is not None:
        raise refused
    if mode == "off":
        yield app
        return
    session = _Session(app)
    try:
        try:
            answer = session.startup(startup_timeout, patient=mode == "on")
        except concurrent.futures.TimeoutError:
            raise LifespanError(
                f"lifespan startup did not finish within {startup_timeout:g} s; it may be "
                "waiting for a database or service that is not reachable from here. Start "
                "what it needs, or pass --lifespan off to check without it."
            ) from None
        if session.started:
            yield session.serve
            return
        error = answer.get("error")
        if isinstance(error, ConfigError):
            raise error
        if answer.get("type") == "lifespan.startup.failed":
            raise LifespanError(_failed_message(str(answer.get("message") or "")))
        if mode == "on":
            raise LifespanError(_unsupported_message(error))
        # auto: the app does not speak the lifespan protocol (it raised, returned, or never
        # listened); serve it as it is.
        yield app
    finally:
        if session.started:
            _shutdown(session)
        session.close()


def refused_policy(app: object) -> ConfigError | None:
    """corsguard's refusal of the CORS policy passed to ``app.add_middleware``, if any.

    Starlette 0.24 and later build the middleware stack on the app's first call, and a
    corsguard ``CORSMiddleware`` refusing its options there becomes a stand-in that fails the
    lifespan startup (and answers every request 500) instead of raising. Building the stack
    here, as that first call would, finds the stand-in whatever the lifespan mode: the
    refusal is then reported with its codes and hints, never as an app that failed to start
    (which ``--lifespan off`` would get past) nor as a 500 raised by the app.
    """
    from corsguard.middleware.startup import RefusedConfiguration

    pending: list[object] = [app]
    seen: set[int] = set()
    while pending and len(seen) < _STACK_DEPTH:
        node = pending.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, RefusedConfiguration):
            return node.error if isinstance(node.error, ConfigError) else None
        _build_stack(node)
        pending += [
            child
            for child in (getattr(node, "middleware_stack", None), getattr(node, "app", None))
            if child is not None
        ]
    return None


def _build_stack(node: object) -> None:
    """Build a Starlette app's middleware stack now, as its first ASGI call would."""
    build = getattr(node, "build_middleware_stack", None)
    if getattr(node, "middleware_stack", _BUILT) is not None or not callable(build):
        return
    try:
        stack = build()
    except Exception:  # the first call raises it again, where the caller reports it
        return
    node.middleware_stack = stack  # type: ignore[attr-defined]


def _shutdown(session: _Session) -> None:
    with contextlib.suppress(concurrent.futures.TimeoutError):
        session.shutdown(SHUTDOWN_TIMEOUT)


def _failed_message(message: str) -> str:
    said = message.strip()
    where = ""
    if said.startswith("Traceback"):
        # Starlette sends the whole traceback; its last line is the exception itself, and its
        # innermost frame in the app's own code is where to look.
        where = _traceback_where(said)
        said = said.splitlines()[-1]
    said = said.rstrip(".") + where  # the sentence below ends it
    return (
        f"the app's lifespan startup failed: {said or 'no message'}. Fix what it names (a "
        "setting, an environment variable, a service to start), or pass --lifespan off to "
        "check the app without its startup."
    )


_FRAME = re.compile(r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+), in (?P<name>.+)$')


def _traceback_where(text: str) -> str:
    """`` at file:line in function`` of the innermost frame of the app's own code in a
    formatted traceback, or ``""``."""
    from corsguard.app_loader import is_app_file

    for line in reversed(text.splitlines()):
        frame = _FRAME.match(line)
        if frame is not None and is_app_file(frame["file"]):
            place = os.path.relpath(frame["file"])
            return f" at {place}:{frame['line']} in {frame['name'].strip()}"
    return ""


def _unsupported_message(error: object) -> str:
    if error is None:
        return (
            "the app returned without completing its lifespan startup; --lifespan on needs an "
            "app that supports the lifespan protocol. Use --lifespan auto or off."
        )
    where = _where(error)
    return (
        f"the app's lifespan startup raised {type(error).__name__}: {error}{where}. Fix it, or "
        "pass --lifespan auto to serve an app that does not support lifespan without it."
    )


def _where(error: object) -> str:
    from corsguard.app_loader import raised_at

    place = raised_at(error) if isinstance(error, BaseException) else ""
    return f" at {place}" if place else ""
