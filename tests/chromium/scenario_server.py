"""A raw HTTP/1.1 server for CORS scenarios: any status, duplicate or malformed header lines.

Frameworks normalize what this server must be able to get wrong on purpose (two
``Access-Control-Allow-Origin`` lines, a value padded with tabs, a preflight answered with a
redirect), so it writes the response bytes itself. It listens on two loopback ports, so that
``http://127.0.0.1:A``, ``http://127.0.0.1:B`` and ``http://localhost:A`` are three origins.

A scenario's URLs are ``/<scenario>/<route>``; each route has a reply for preflights
(``OPTIONS`` with ``Access-Control-Request-Method``) and one for every other request.
Templates in header values: ``{origin}`` is the request's ``Origin``; ``{a}``, ``{b}``, ``{l}``
are the scenario's base URLs on the three origins, ``{u}`` is ``{b}`` with userinfo.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus

Lines = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Reply:
    status: int = 200
    headers: Lines = ()
    body: bytes = b"ok"


# A preflight nobody expects: an answer that fails loudly (no CORS headers at all).
NO_PREFLIGHT = Reply(404, (), b"")


@dataclass(frozen=True)
class Route:
    actual: Reply = field(default_factory=Reply)
    preflight: Reply = NO_PREFLIGHT


@dataclass(frozen=True)
class Seen:
    """A request as the server saw it (what the conformance suite compares)."""

    method: str
    route: str
    origin: str | None
    request_method: str | None  # Access-Control-Request-Method
    request_headers: str | None  # Access-Control-Request-Headers
    cookie: bool


@dataclass
class ScenarioServer:
    host: str = "127.0.0.1"
    ports: tuple[int, int] = (0, 0)
    routes: dict[str, Mapping[str, Route]] = field(default_factory=dict)
    seen: dict[str, list[Seen]] = field(default_factory=dict)

    def base(self, scenario: str, which: str) -> str:
        a, b = self.ports
        return {
            "a": f"http://127.0.0.1:{a}/{scenario}",
            "b": f"http://127.0.0.1:{b}/{scenario}",
            "l": f"http://localhost:{a}/{scenario}",
            "u": f"http://user:secret@127.0.0.1:{b}/{scenario}",
        }[which]

    def log(self, scenario: str) -> list[Seen]:
        return list(self.seen.get(scenario, []))

    def forget(self, scenario: str) -> None:
        self.seen.pop(scenario, None)

    # -- HTTP ----------------------------------------------------------------------------

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while await self._one(reader, writer):
                pass
        except (ConnectionError, asyncio.IncompleteReadError, ValueError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    async def _one(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        headers: dict[str, str] = {}
        for line in lines[1:]:
            if ":" in line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0") or "0")
        if length:
            await reader.readexactly(length)
        reply = self._reply(method, target.split("?", 1)[0], headers)
        writer.write(self._encode(reply, method, target, headers))
        await writer.drain()
        return False  # one request per connection: simple and deterministic

    def _reply(self, method: str, path: str, headers: Mapping[str, str]) -> Reply:
        _, scenario, route = [*path.split("/", 2), "", ""][:3]
        preflight = method == "OPTIONS" and "access-control-request-method" in headers
        self.seen.setdefault(scenario, []).append(
            Seen(
                method,
                route,
                headers.get("origin"),
                headers.get("access-control-request-method"),
                headers.get("access-control-request-headers"),
                "corsguard_probe=" in headers.get("cookie", ""),
            )
        )
        found = self.routes.get(scenario, {}).get(route)
        if found is None:
            return Reply(404, (), b"no such scenario route")
        return found.preflight if preflight else found.actual

    def _encode(self, reply: Reply, method: str, target: str, headers: Mapping[str, str]) -> bytes:
        scenario = target.split("/")[1] if target.count("/") >= 2 else ""
        values = {"origin": headers.get("origin", "")}
        values.update({k: self.base(scenario, k) for k in "ablu"})
        try:
            reason = HTTPStatus(reply.status).phrase
        except ValueError:
            reason = "Status"
        body = b"" if reply.status in (204, 304) or method == "HEAD" else reply.body
        out = [f"HTTP/1.1 {reply.status} {reason}"]
        out += [f"{name}:{value.format(**values)}" for name, value in reply.headers]
        if reply.status not in (204, 304):
            out.append(f"Content-Length: {len(body)}")
        out += ["Connection: close", "", ""]
        return "\r\n".join(out).encode("latin-1") + body


@contextlib.contextmanager
def running() -> Iterator[ScenarioServer]:
    """A ScenarioServer on two free loopback ports, in a background thread."""
    server = ScenarioServer()
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    servers: list[asyncio.Server] = []

    async def start() -> None:
        for _ in range(2):
            servers.append(await asyncio.start_server(server.handle, "127.0.0.1", 0))
        a, b = (s.sockets[0].getsockname()[1] for s in servers)
        server.ports = (int(a), int(b))
        ready.set()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(start())
        loop.run_forever()
        for s in servers:
            s.close()
        # Connections the browser opened but never used (preconnects) still have a handler
        # waiting for a request: cancel them so every socket is closed before the loop is.
        pending = asyncio.all_tasks(loop)
        for task in pending:
            task.cancel()
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.run_until_complete(asyncio.gather(*(s.wait_closed() for s in servers)))
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    if not ready.wait(10):
        raise RuntimeError("the scenario server did not start")
    try:
        yield server
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
