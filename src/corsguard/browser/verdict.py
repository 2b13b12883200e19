"""The verdict: would the page's script get the response, and if not, what Chromium says."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from corsguard.browser.request import Headers, HttpRequest, HttpResponse
from corsguard.findings import Finding


class Exchange(NamedTuple):
    """One request the browser sent and the response it got."""

    request: HttpRequest
    response: HttpResponse


@dataclass(frozen=True)
class Verdict:
    """What the browser does with a ``fetch()``.

    ``cors_error`` is Chromium's CorsError name; ``blocked_reason`` names a block that is not a
    CORS error: ``mixed-content``, ``unsafe-port``, ``unsupported-scheme``, ``invalid-request``
    when ``fetch()`` itself throws, ``network-error`` for redirect loops and bad redirects.
    ``decisive_exchange`` is the index in ``exchanges`` of the response that decided, and
    ``decisive_header`` the header in it that decided (``:status`` for the status line).
    """

    allowed: bool
    cors_error: str | None
    console_message: str | None
    failed_parameter: str | None
    blocked_reason: str | None
    exchanges: tuple[Exchange, ...]
    readable_headers: tuple[str, ...]
    findings: tuple[Finding, ...]
    status: int | None = None
    url: str = ""
    decisive_exchange: int | None = None
    decisive_header: str | None = None
    network_error: str | None = None
    tainted_origin: bool = False

    @property
    def preflights(self) -> tuple[Exchange, ...]:
        return tuple(e for e in self.exchanges if e.request.is_preflight)

    def to_json(self) -> dict[str, Any]:
        return {
            "allowed": self.allowed,
            "cors_error": self.cors_error,
            "console_message": self.console_message,
            "failed_parameter": self.failed_parameter,
            "blocked_reason": self.blocked_reason,
            "network_error": self.network_error,
            "status": self.status,
            "url": self.url,
            "readable_headers": list(self.readable_headers),
            "exchanges": [exchange_to_json(e) for e in self.exchanges],
            "findings": [f.to_json() for f in self.findings],
        }


def headers_to_json(headers: Headers) -> list[list[str]]:
    return [[name, value] for name, value in headers]


def request_to_json(request: HttpRequest) -> dict[str, Any]:
    return {
        "method": request.method,
        "url": request.url,
        "headers": headers_to_json(request.headers),
        "preflight": request.is_preflight,
    }


def response_to_json(response: HttpResponse) -> dict[str, Any]:
    return {"status": response.status, "headers": headers_to_json(response.headers)}


def exchange_to_json(exchange: Exchange) -> dict[str, Any]:
    return {
        "request": request_to_json(exchange.request),
        "response": response_to_json(exchange.response),
    }
