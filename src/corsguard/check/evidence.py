"""What a diagnosis rule may look at: the request, the verdict, and how to learn more.

Every rule receives one ``Evidence``. Besides what the check already saw (the exchanges, the
app's exceptions), it can send extra preflights through ``probes`` (``None`` when the
diagnosis runs without a live target) and read the app's CORS configuration through
``configuration`` (``None`` over HTTP), which is read once, on first use.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from corsguard.browser import Exchange, FetchRequest, HttpResponse, Verdict
from corsguard.check.configuration import CorsConfiguration
from corsguard.check.error_pages import status_line
from corsguard.check.exchange import AppError
from corsguard.check.probes import Probes
from corsguard.cookies import CookieVerdict


@dataclass
class Evidence:
    request: FetchRequest
    verdict: Verdict
    app_errors: list[AppError] = field(default_factory=list)
    probes: Probes | None = None
    read_configuration: Callable[[], CorsConfiguration | None] | None = None
    cookies: tuple[CookieVerdict, ...] = ()  # every Set-Cookie judged, in response order

    @cached_property
    def configuration(self) -> CorsConfiguration | None:
        """The app's CORS layer and options (``--app`` only), read on first use."""
        return self.read_configuration() if self.read_configuration is not None else None

    @property
    def exchange(self) -> Exchange:
        """The exchange that decided the verdict (the last one if none did)."""
        index = self.verdict.decisive_exchange
        return self.verdict.exchanges[index if index is not None else -1]

    @property
    def response(self) -> HttpResponse:
        return self.exchange.response

    @property
    def url(self) -> str:
        return self.exchange.request.url

    @property
    def error(self) -> str:
        """Chromium's CorsError name, ``""`` when the verdict is not a CORS error."""
        return self.verdict.cors_error or ""

    @property
    def preflight(self) -> bool:
        return self.exchange.request.is_preflight

    @property
    def where(self) -> str:
        """``the preflight (OPTIONS)`` or ``the PUT request``, for messages."""
        request = self.exchange.request
        return "the preflight (OPTIONS)" if self.preflight else f"the {request.method} request"

    @property
    def status(self) -> str:
        """The decisive response's status with its reason phrase (``403 Forbidden``)."""
        return status_line(self.response.status)

    @property
    def method(self) -> str:
        """The method the preflight asked for (or the request's method)."""
        sent = self.exchange.request
        return sent.header("Access-Control-Request-Method") or sent.method

    @property
    def requested_headers(self) -> list[str]:
        """The header names the preflight asked for, lower-case, in order."""
        value = self.exchange.request.header("Access-Control-Request-Headers") or ""
        return [name.strip() for name in value.split(",") if name.strip()]
