"""Putting the browser's requests on the wire: over HTTP with httpx, or in-process over ASGI.

Both senders send each request exactly as the model built it: the method byte for byte
(``patch`` stays ``patch``, although httpx upper-cases methods it is given), no cookies on a
preflight, no redirects followed by the client (the model follows them), and every raw
response header line kept, duplicates included, in order.
"""

from __future__ import annotations

import asyncio
import os
import sysconfig
import time
import traceback
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

from corsguard._version import __version__
from corsguard.browser import FetchRequest, HttpRequest, HttpResponse
from corsguard.check.resolve import Resolve, resolved
from corsguard.protocol.origin import origin_of_url, parse_serialized_origin, same_origin

USER_AGENT = f"corsguard/{__version__}"
MAX_BODY = 64 * 1024

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class CheckNetworkError(Exception):
    """The target could not be reached (connection refused, DNS, timeout, TLS)."""


@dataclass
class AppError:
    """An exception the app raised while answering, for the diagnosis."""

    url: str
    summary: str  # "ZeroDivisionError: division by zero"
    where: str  # "examples/demo_app.py:31 in broken"


@dataclass
class Sender:
    """Base for both transports: decides which requests carry the user's cookie."""

    request: FetchRequest
    cookie: str | None = None
    app_errors: list[AppError] = field(default_factory=list)

    def wire_headers(self, outgoing: HttpRequest) -> list[tuple[str, str]]:
        headers = list(outgoing.headers)
        headers.append(("User-Agent", USER_AGENT))
        if self.cookie and self._sends_credentials(outgoing):
            headers.append(("Cookie", self.cookie))
        return headers

    def _sends_credentials(self, outgoing: HttpRequest) -> bool:
        # fetch.bs: a preflight never carries credentials; "same-origin" only to the page's own.
        if outgoing.is_preflight or self.request.credentials == "omit":
            return False
        if self.request.credentials == "include":
            return True
        page = parse_serialized_origin(self.request.origin)
        return same_origin(page, origin_of_url(outgoing.url))

    def __call__(self, outgoing: HttpRequest) -> HttpResponse:
        raise NotImplementedError

    def close(self) -> None:
        """Release connections or event loops."""


class HttpSender(Sender):
    """Over the network with httpx's transport (the ``cli`` extra).

    The transport, not ``httpx.Client``: no cookie jar, no redirect logic (which would choke on
    ``Location: data:…`` before the model saw the response), nothing added to the request.
    """

    def __init__(
        self,
        request: FetchRequest,
        *,
        timeout: float,
        cookie: str | None = None,
        verify: bool = True,
        resolve: Resolve | None = None,
    ) -> None:
        super().__init__(request, cookie)
        self._resolve = resolve or {}
        try:
            import httpx
        except ImportError as exc:  # pragma: no cover - depends on the installed extras
            raise RuntimeError("corsguard check needs httpx: pip install 'corsguard[cli]'") from exc
        self._httpx = httpx
        self._timeout = timeout
        self._verify = verify
        # Loading the CA bundle costs tens of milliseconds: plain-http checks never need it, so
        # the TLS transport is made on the first https request only.
        self._transports: dict[str, Any] = {}

    def _transport(self, tls: bool) -> Any:
        key = "https" if tls else "http"
        if key not in self._transports:
            self._transports[key] = self._httpx.HTTPTransport(verify=self._verify if tls else False)
        return self._transports[key]

    def __call__(self, outgoing: HttpRequest) -> HttpResponse:
        httpx = self._httpx
        tls = outgoing.url.lower().startswith("https:")
        url, wire = outgoing.url, self.wire_headers(outgoing)
        extensions: dict[str, Any] = {"timeout": httpx.Timeout(self._timeout).as_dict()}
        elsewhere = resolved(outgoing.url, self._resolve)
        if elsewhere is not None:  # --resolve: connect there, keep the name (Host, SNI)
            url, host, server_name = elsewhere
            wire.insert(0, ("Host", host))
            extensions["sni_hostname"] = server_name
        try:
            request = httpx.Request(
                outgoing.method,
                url,
                headers=wire,
                content=outgoing.body,
                extensions=extensions,
            )
        except httpx.InvalidURL as exc:
            raise CheckNetworkError(f"{outgoing.url}: {exc}") from exc
        request.method = outgoing.method  # httpx upper-cases; browsers send "patch" as "patch"
        deadline = time.monotonic() + self._timeout
        try:
            try:
                status, headers, body = self._send(self._transport(tls), request, deadline)
            except (httpx.RemoteProtocolError, httpx.ReadError):
                # Like browsers, retry once on a fresh connection when a reused one was closed.
                self._transports.pop("https" if tls else "http").close()
                status, headers, body = self._send(self._transport(tls), request, deadline)
        except httpx.TimeoutException as exc:
            detail = str(exc)
            said = f" ({detail})" if detail and "timed out" not in detail.lower() else ""
            raise CheckNetworkError(
                f"{outgoing.url}: timed out, no answer within {self._timeout:g} s{said}"
            ) from exc
        except httpx.HTTPError as exc:
            raise CheckNetworkError(f"{outgoing.url}: {exc or type(exc).__name__}") from exc
        return HttpResponse(status, headers, body)

    def _send(
        self, transport: Any, request: Any, deadline: float
    ) -> tuple[int, tuple[tuple[str, str], ...], bytes]:
        """One exchange, over by ``deadline`` (``time.monotonic()``) however slow the server.

        The verdict needs the status and the headers only: a body still arriving at the
        deadline is cut there, and what arrived is kept.
        """
        httpx = self._httpx
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise httpx.ConnectTimeout("timed out", request=request)
        # httpcore reads the timeouts from the request's extensions when each phase starts.
        request.extensions["timeout"] = httpx.Timeout(remaining).as_dict()
        response = transport.handle_request(request)
        body = b""
        try:
            remaining = deadline - time.monotonic()
            if remaining > 0:
                request.extensions["timeout"] = {**request.extensions["timeout"], "read": remaining}
                try:
                    for chunk in response.stream:
                        body += chunk
                        if len(body) >= MAX_BODY or time.monotonic() >= deadline:
                            break
                except httpx.TimeoutException:
                    pass  # the deadline passed while the body trickled in: keep what arrived
        finally:
            response.stream.close()
        headers = tuple(
            (name.decode("latin-1"), value.decode("latin-1"))
            for name, value in response.headers.raw
        )
        return int(response.status_code), headers, body[:MAX_BODY]

    def close(self) -> None:
        for transport in self._transports.values():
            transport.close()


class AsgiSender(Sender):
    """In-process: calls the ASGI app directly, as a server would, without a socket."""

    def __init__(
        self, request: FetchRequest, app: ASGIApp, *, timeout: float, cookie: str | None = None
    ) -> None:
        super().__init__(request, cookie)
        self._app = app
        self._timeout = timeout
        self._loop = asyncio.new_event_loop()

    @property
    def app(self) -> ASGIApp:
        return self._app

    async def send_async(self, outgoing: HttpRequest) -> HttpResponse:
        """The same as calling the sender, from code already running in an event loop."""
        try:
            return await asyncio.wait_for(self._call(outgoing), self._timeout)
        except asyncio.TimeoutError as exc:
            raise CheckNetworkError(f"{outgoing.url}: the app did not answer in time") from exc

    def __call__(self, outgoing: HttpRequest) -> HttpResponse:
        coro = asyncio.wait_for(self._call(outgoing), self._timeout)
        try:
            return self._loop.run_until_complete(coro)
        except asyncio.TimeoutError as exc:
            raise CheckNetworkError(f"{outgoing.url}: the app did not answer in time") from exc

    def close(self) -> None:
        self._loop.close()

    async def _call(self, outgoing: HttpRequest) -> HttpResponse:
        scope = asgi_scope(outgoing.method, outgoing.url, self.wire_headers(outgoing))
        body = outgoing.body or b""
        done = asyncio.Event()
        sent_request = False
        status: int | None = None
        headers: list[tuple[str, str]] = []
        chunks: list[bytes] = []

        async def receive() -> Message:
            nonlocal sent_request
            if not sent_request:
                sent_request = True
                return {"type": "http.request", "body": body, "more_body": False}
            await done.wait()
            return {"type": "http.disconnect"}

        async def send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers.extend(
                    (bytes(k).decode("latin-1"), bytes(v).decode("latin-1"))
                    for k, v in message.get("headers", [])
                )
            elif message["type"] == "http.response.body":
                chunks.append(bytes(message.get("body", b"")))
                if not message.get("more_body", False):
                    done.set()

        try:
            await self._app(scope, receive, send)
        except Exception as exc:  # the app crashed: record it, answer like a server would
            self.app_errors.append(app_error(outgoing.url, exc))
            if status is None:
                # uvicorn's answer to an unhandled exception: a bare 500, no CORS headers.
                text = b"Internal Server Error"
                return HttpResponse(
                    500,
                    (
                        ("content-type", "text/plain; charset=utf-8"),
                        ("content-length", str(len(text))),
                    ),
                    text,
                )
        finally:
            done.set()
        if status is None:
            raise CheckNetworkError(f"{outgoing.url}: the app sent no response")
        return HttpResponse(status, tuple(headers), b"".join(chunks)[:MAX_BODY])


def asgi_scope(method: str, url: str, headers: list[tuple[str, str]]) -> Scope:
    """The HTTP connection scope a server such as uvicorn builds for ``url``."""
    parts = urlsplit(url)
    scheme = parts.scheme or "http"
    host = parts.hostname or "testserver"
    port = parts.port or (443 if scheme == "https" else 80)
    raw_path = parts.path or "/"
    host_header = parts.netloc.rpartition("@")[2] or host
    wire = [("host", host_header), *((k.lower(), v) for k, v in headers)]
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": scheme,
        "path": unquote(raw_path),
        "raw_path": raw_path.encode("latin-1", "replace"),
        "query_string": parts.query.encode("latin-1", "replace"),
        "root_path": "",
        "headers": [(k.encode("latin-1"), v.encode("latin-1", "replace")) for k, v in wire],
        "client": ("127.0.0.1", 50000),
        "server": (host, port),
        "state": {},
        "extensions": {},
    }


def app_error(url: str, exc: BaseException) -> AppError:
    frames = traceback.extract_tb(exc.__traceback__)
    # Point at the app's own code, not at the library frame that raised.
    own = [f for f in frames if not f.filename.startswith("<") and not _is_library(f.filename)]
    last = own[-1] if own else (frames[-1] if frames else None)
    where = f"{_relative(last.filename)}:{last.lineno} in {last.name}" if last else ""
    summary = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return AppError(url, summary, where)


_LIBRARY_PATHS = tuple(
    path
    for key in ("stdlib", "platstdlib", "purelib", "platlib")
    if (path := sysconfig.get_path(key))
)


def _is_library(filename: str) -> bool:
    return "site-packages" in filename or filename.startswith(_LIBRARY_PATHS)


def _relative(filename: str) -> str:
    try:
        relative = os.path.relpath(filename)
    except ValueError:  # another drive on Windows
        return filename
    return filename if relative.startswith("..") else relative
