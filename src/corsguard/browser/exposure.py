"""Which response headers the page's script can read (fetch.bs #main-fetch, CORS filtering)."""

from __future__ import annotations

from corsguard.browser.request import HttpResponse
from corsguard.protocol.safelist import FORBIDDEN_RESPONSE_HEADERS, SAFELISTED_RESPONSE_HEADERS
from corsguard.protocol.tokens import parse_token_list

EXPOSE_HEADERS = "access-control-expose-headers"


def readable_headers(
    response: HttpResponse, *, cors: bool, include_credentials: bool
) -> tuple[str, ...]:
    """Lower-case names script sees through ``response.headers``, in response order.

    A same-origin (basic) response shows everything but ``Set-Cookie``. A CORS response shows
    the safelisted names plus those in ``Access-Control-Expose-Headers``; ``*`` there means
    every name only without credentials. Chromium ignores the whole header if any element is
    not a token.
    """
    names: list[str] = []
    for name, _ in response.headers:
        lower = name.lower()
        if lower not in names and lower not in FORBIDDEN_RESPONSE_HEADERS:
            names.append(lower)
    if not cors:
        return tuple(names)
    raw = response.header(EXPOSE_HEADERS)
    listed = parse_token_list(raw) if raw is not None else None
    exposed = {item.lower() for item in listed or ()}
    everything = "*" in exposed and not include_credentials
    return tuple(
        name
        for name in names
        if everything or name in SAFELISTED_RESPONSE_HEADERS or name in exposed
    )
