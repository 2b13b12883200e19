"""CORS response header names as bytes, and adding headers to a response without losing any.

The names are lower-case, as ASGI servers expect them (ASGI requires lower-case response
header names). ``add_headers`` keeps everything the app sent except its own CORS response
headers, which the middleware's answer replaces: two ``Access-Control-Allow-Origin`` values
make browsers refuse the response, and an app's ``*`` must not reach an origin the policy
refuses. The app's last ``Vary`` line gets ``Origin`` appended (RFC 9110 §12.5.5: a cache
must key the response on every listed request header, so dropping the app's own entries
would let caches mix up its responses); its other ``Vary`` lines stay as they are, so the
combined value reads as Starlette's (``Accept-Encoding, Accept-Language, Origin``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from corsguard.middleware.types import RawHeaders

ALLOW_ORIGIN = b"access-control-allow-origin"
ALLOW_CREDENTIALS = b"access-control-allow-credentials"
EXPOSE_HEADERS = b"access-control-expose-headers"
ALLOW_METHODS = b"access-control-allow-methods"
ALLOW_HEADERS = b"access-control-allow-headers"
MAX_AGE = b"access-control-max-age"
ALLOW_PRIVATE_NETWORK = b"access-control-allow-private-network"
VARY = b"vary"

ORIGIN = b"origin"
REQUEST_METHOD = b"access-control-request-method"
REQUEST_HEADERS = b"access-control-request-headers"
REQUEST_PRIVATE_NETWORK = b"access-control-request-private-network"

# The CORS response headers the middleware answers for: an app's own are dropped.
CORS_RESPONSE = frozenset(
    {
        ALLOW_ORIGIN,
        ALLOW_CREDENTIALS,
        EXPOSE_HEADERS,
        ALLOW_METHODS,
        ALLOW_HEADERS,
        MAX_AGE,
        ALLOW_PRIVATE_NETWORK,
    }
)
# The names that make a response need more than appending (see ``add_headers``).
NOTICED = CORS_RESPONSE | {VARY}

Header = Sequence[bytes]


def add_headers(raw: Iterable[Header] | None, extra: RawHeaders) -> list[Header]:
    """A new header list: ``raw`` without its CORS response headers, followed by ``extra``,
    whose ``Vary`` (last, if any) is merged into the last ``Vary`` line the app sent.

    A new list rather than an in-place change: an app may send the same list again (a
    response object kept at module level), and it must not grow by one set of headers per
    request. ASGI header names are lower-case; a ``Vary`` spelt otherwise gets a second
    ``Vary`` line, which HTTP combines with the first (RFC 9110 §5.3), so it stays correct.
    """
    if not raw:
        return list(extra)
    added = extra[-1][1] if extra and extra[-1][0] == VARY else None
    dropped = CORS_RESPONSE
    headers: list[Header] = []
    vary_at = -1
    for header in raw:
        name = header[0]
        if name in dropped:
            continue
        if name == VARY:
            vary_at = len(headers)
        headers.append(header)
    if added is None or vary_at < 0:
        headers += extra
    else:
        headers[vary_at] = (VARY, merge_vary(headers[vary_at][1], added))
        headers += extra[:-1]
    return headers


def merge_vary(existing: bytes, added: bytes) -> bytes:
    """``existing`` with the names in ``added`` appended, skipping names already listed.

    Only the last ``Vary`` line is looked at: ``Origin`` named on an earlier line of the
    app's is appended again, which HTTP reads as the same list (RFC 9110 §5.3).

    ``Vary: *`` already varies on everything and is left as it is.
    """
    present = {item.strip().lower() for item in existing.split(b",")}
    if b"*" in present:
        return existing
    missing = [item for item in added.split(b", ") if item.lower() not in present]
    if not missing:
        return existing
    if not existing.strip():
        return b", ".join(missing)
    return b", ".join([existing, *missing])
