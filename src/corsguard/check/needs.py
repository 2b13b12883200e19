"""What the server must answer for Chrome to allow the request, header by header."""

from __future__ import annotations

from dataclasses import dataclass

from corsguard.browser import FetchRequest, Verdict
from corsguard.browser.preflight import unsafe_header_names
from corsguard.browser.request import prepare_author_request
from corsguard.protocol.safelist import SAFELISTED_METHODS

Lines = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Needs:
    preflight: Lines | None  # None when the request needs no preflight
    actual: Lines


def needs(request: FetchRequest, verdict: Verdict) -> Needs | None:
    """The minimal CORS answer, or ``None`` when it cannot be stated (no CORS involved)."""
    if verdict.allowed or verdict.cors_error is None:
        return None
    method, headers, _ = prepare_author_request(request)
    origin = "null" if verdict.tainted_origin else request.origin
    credentials = request.credentials == "include"
    base: list[tuple[str, str]] = [("Access-Control-Allow-Origin", origin)]
    if credentials:
        base.append(("Access-Control-Allow-Credentials", "true"))
    names = unsafe_header_names(headers)
    preflight: Lines | None = None
    if method not in SAFELISTED_METHODS or names:
        lines = [("Status", "200 or 204 (any 200-299, no redirect)"), *base]
        if method not in SAFELISTED_METHODS:
            lines.append(("Access-Control-Allow-Methods", method))
        if names:
            lines.append(("Access-Control-Allow-Headers", ", ".join(names)))
        preflight = tuple(lines)
    actual = (*base, ("Vary", "Origin"))
    return Needs(preflight, actual)
