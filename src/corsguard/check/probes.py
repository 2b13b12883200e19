"""Extra requests a diagnosis sends to find out which part of a policy refused.

A refused preflight often does not say why (a 403 with no body). Asking again with less (the
same preflight for a simple method, then without the request headers, then with one header at
a time) shows which part the server refuses. Only safe requests are ever sent: preflights
(``OPTIONS``, which no handler runs for) and, to test whether any origin is granted, a repeat
of a ``GET`` or ``HEAD`` the user asked for. The number of probes is bounded.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from corsguard.browser import Exchange, HttpRequest, HttpResponse
from corsguard.browser.preflight import preflight_request
from corsguard.check.exchange import AppError, CheckNetworkError

# Enough for the method, the header list and a few headers one by one.
MAX_PROBES = 8
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass
class Probes:
    """Sends probe requests through the check's own transport and keeps them for the report."""

    send: Callable[[HttpRequest], HttpResponse]
    app_errors: list[AppError] = field(default_factory=list)
    limit: int = MAX_PROBES
    sent: list[Exchange] = field(default_factory=list)

    def preflight(
        self, url: str, origin: str, method: str, header_names: Sequence[str] = ()
    ) -> Exchange | None:
        """The preflight a browser sends for ``method`` and these (unsafe) header names."""
        headers = tuple((name, "x") for name in header_names)
        return self.request(preflight_request(url, origin, method, headers))

    def request(self, outgoing: HttpRequest) -> Exchange | None:
        """Send one safe request; ``None`` when over budget or the target cannot be reached."""
        if outgoing.method.upper() not in SAFE_METHODS or outgoing.body:
            raise ValueError(f"a diagnosis probe must be safe, not {outgoing.method}")
        if len(self.sent) >= self.limit:
            return None
        # Exceptions the app raises while answering a probe are not the request's.
        known = len(self.app_errors)
        try:
            response = self.send(outgoing)
        except CheckNetworkError:
            return None
        finally:
            del self.app_errors[known:]
        exchange = Exchange(outgoing, response)
        self.sent.append(exchange)
        return exchange


def grants(exchange: Exchange | None, origin: str) -> bool:
    """The preflight was answered as a browser accepts it for ``origin`` (2xx, Allow-Origin)."""
    if exchange is None:
        return False
    response = exchange.response
    allow = response.header("access-control-allow-origin")
    return 200 <= response.status < 300 and allow in (origin, "*")


def described(exchange: Exchange) -> str:
    """``a preflight for GET with no request headers got 200`` for messages."""
    request, response = exchange
    if request.is_preflight:
        method = request.header("Access-Control-Request-Method") or "?"
        names = request.header("Access-Control-Request-Headers")
        asked = f"for {method} " + (f"with headers {names}" if names else "with no request headers")
        return f"a preflight {asked} got {response.status}"
    article = "an" if request.method[:1].upper() in "AEIOU" else "a"
    return f"{article} {request.method} request got {response.status}"
