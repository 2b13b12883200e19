"""Chromium's own verdict on one ``fetch()``, read from DevTools events and the page's script."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from corsguard.chromium.cookies import ObservedCookie


@dataclass(frozen=True)
class ChromiumVerdict:
    """What real Chromium did with a ``fetch()``.

    ``allowed`` is what the page's script saw (the promise resolved). ``cors_error`` and
    ``failed_parameter`` come from ``Network.loadingFailed.corsErrorStatus``; ``console_message``
    is the CORS (or mixed-content) line Chromium printed to the page's console;
    ``blocked_reason`` is CDP's non-CORS block (``mixed-content``, ``inspector`` …);
    ``error_text`` is the network error (``net::ERR_FAILED``, ``net::ERR_CONNECTION_REFUSED``)
    or the script's exception when ``fetch()`` threw before sending anything.
    """

    allowed: bool
    cors_error: str | None
    console_message: str | None
    version: str
    status: int | None
    failed_parameter: str | None
    blocked_reason: str | None
    error_text: str | None
    url: str = ""
    exchanges: tuple[str, ...] = ()  # "OPTIONS http://… 204", every answered request in order
    readable_headers: tuple[str, ...] = ()
    elapsed_ms: float = 0.0
    cookies: tuple[ObservedCookie, ...] = ()  # each Set-Cookie of the fetch, when observed

    def to_json(self) -> dict[str, Any]:
        document = asdict(self)
        document["exchanges"] = list(self.exchanges)
        document["readable_headers"] = list(self.readable_headers)
        document["elapsed_ms"] = round(self.elapsed_ms, 1)
        document["cookies"] = [cookie.to_json() for cookie in self.cookies]
        return document
