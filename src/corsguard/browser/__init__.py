"""The browser model: the client half of CORS as Chrome implements it, with no I/O.

``simulate(request, send)`` runs a ``fetch()`` from a page to its verdict; ``BrowserFetch`` is
the same as a state machine for callers that do their own I/O.
"""

from __future__ import annotations

from corsguard.browser.errors import CorsError, console_message
from corsguard.browser.fetch import BrowserFetch, simulate
from corsguard.browser.request import (
    CREDENTIALS_MODES,
    Credentials,
    FetchRequest,
    HttpRequest,
    HttpResponse,
    InvalidFetchRequest,
)
from corsguard.browser.verdict import Exchange, Verdict

__all__ = [
    "CREDENTIALS_MODES",
    "BrowserFetch",
    "CorsError",
    "Credentials",
    "Exchange",
    "FetchRequest",
    "HttpRequest",
    "HttpResponse",
    "InvalidFetchRequest",
    "Verdict",
    "console_message",
    "simulate",
]
