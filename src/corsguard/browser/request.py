"""What a page's script asks ``fetch()`` for, and the HTTP messages the browser exchanges.

Header values are ``str`` holding the raw bytes decoded as Latin-1 (one character per byte),
so byte-length rules (128 bytes per safelisted value, 1024 in total) and byte-exact
comparisons of ``Access-Control-Allow-Origin`` hold exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from corsguard.browser.urls import has_userinfo
from corsguard.protocol.safelist import (
    is_forbidden_method,
    is_forbidden_request_header,
    normalize_method,
)
from corsguard.protocol.tokens import combine, is_token

Credentials = Literal["omit", "same-origin", "include"]
CREDENTIALS_MODES: tuple[Credentials, ...] = ("omit", "same-origin", "include")

Headers = tuple[tuple[str, str], ...]


class InvalidFetchRequest(ValueError):
    """``fetch()`` itself would throw a ``TypeError`` before sending anything."""


@dataclass(frozen=True)
class FetchRequest:
    """What the page's script asks ``fetch()`` for."""

    url: str
    origin: str  # the page's serialized origin, e.g. "https://app.example.com", or "null"
    method: str = "GET"  # as passed to fetch(); normalized like fetch() does it
    headers: Headers = ()
    credentials: Credentials = "same-origin"
    body: bytes | None = None


@dataclass(frozen=True)
class HttpRequest:
    """One request the browser puts on the wire (a preflight or the actual request)."""

    method: str
    url: str
    headers: Headers
    is_preflight: bool
    body: bytes | None = None

    def header(self, name: str) -> str | None:
        return get_header(self.headers, name)


@dataclass(frozen=True)
class HttpResponse:
    """A response as the network delivered it: raw header lines, duplicates kept, in order."""

    status: int
    headers: Headers
    body: bytes = b""

    def header(self, name: str) -> str | None:
        """The Fetch "get": every line of ``name`` joined by ``", "``, or ``None``."""
        return get_header(self.headers, name)

    def header_lines(self, name: str) -> list[str]:
        return header_values(self.headers, name)


def header_values(headers: Headers, name: str) -> list[str]:
    lower = name.lower()
    return [value for key, value in headers if key.lower() == lower]


def get_header(headers: Headers, name: str) -> str | None:
    return combine(header_values(headers, name))


def combine_request_headers(headers: Headers) -> Headers:
    """Combine repeated names as Blink's header list does before the CORS checks.

    ``Accept: a`` and ``Accept: b`` become one ``Accept: a, b`` (fetch.bs "combine"), which
    then counts as one value for the 128-byte and MIME-type rules. The first spelling of a
    name is kept; names come out sorted case-insensitively, like Blink's ``FetchHeaderList``.
    """
    merged: dict[str, tuple[str, list[str]]] = {}
    for name, value in headers:
        entry = merged.setdefault(name.lower(), (name, []))
        entry[1].append(value.strip(" \t\r\n"))
    return tuple((name, ", ".join(values)) for _, (name, values) in sorted(merged.items()))


def prepare_author_request(request: FetchRequest) -> tuple[str, Headers, list[str]]:
    """Validate and normalize like ``fetch()``: (method, headers, names it silently dropped).

    Raises ``InvalidFetchRequest`` where ``fetch()`` throws a ``TypeError``.
    """
    if has_userinfo(request.url):
        raise InvalidFetchRequest(
            f"Request cannot be constructed from a URL that includes credentials: {request.url}"
        )
    if not is_token(request.method):
        raise InvalidFetchRequest(f"'{request.method}' is not a valid HTTP method.")
    if is_forbidden_method(request.method):
        raise InvalidFetchRequest(f"'{request.method}' HTTP method is unsupported.")
    method = normalize_method(request.method)
    if request.body is not None and method in ("GET", "HEAD"):
        raise InvalidFetchRequest("Request with GET/HEAD method cannot have body.")
    kept: list[tuple[str, str]] = []
    dropped: list[str] = []
    for name, value in request.headers:
        if not is_token(name):
            raise InvalidFetchRequest(f"'{name}' is not a valid HTTP header field name.")
        if any(c in value for c in "\r\n\x00"):
            raise InvalidFetchRequest(f"'{value}' is not a valid HTTP header field value.")
        if any(ord(c) > 0xFF for c in name + value):
            # WebIDL ByteString conversion of the header value.
            raise InvalidFetchRequest("String contains non ISO-8859-1 code point.")
        # The Headers guard "request" silently ignores forbidden names (fetch.bs #headers-class).
        if is_forbidden_request_header(name) or _is_forbidden_override(name, value):
            dropped.append(name.lower())
            continue
        kept.append((name, value))
    if request.body is not None and not any(n.lower() == "content-type" for n, _ in kept):
        # fetch() with a string body sets this itself (fetch.bs "extract a body").
        kept.append(("Content-Type", "text/plain;charset=UTF-8"))
    return method, combine_request_headers(tuple(kept)), dropped


def _is_forbidden_override(name: str, value: str) -> bool:
    # fetch.bs #forbidden-request-header: method-override headers naming a forbidden method.
    if name.lower() not in ("x-http-method", "x-http-method-override", "x-method-override"):
        return False
    return any(is_forbidden_method(part.strip()) for part in value.split(","))
