"""CORS response header names as bytes, and adding headers to a response without losing any.

The names are lower-case, as ASGI servers expect them. ``add_headers`` never overwrites what
the app sent: an existing ``Vary`` gets ``Origin`` appended (RFC 9110 §12.5.5: a cache must
key the response on every listed request header, so dropping the app's own entries would let
caches mix up its responses).
"""

from __future__ import annotations

from collections.abc import Iterable

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

# Spellings of "Vary" that are merged into; any other spelling gets a second Vary line, which
# HTTP combines with the first (RFC 9110 §5.3), so the result is still correct.
_VARY_NAMES = frozenset({b"vary", b"Vary", b"VARY"})


def add_headers(
    raw: Iterable[tuple[bytes, bytes]] | None, extra: RawHeaders, vary: bytes | None
) -> list[tuple[bytes, bytes]]:
    """A new header list: ``raw``, then ``extra``, with ``vary`` merged into any ``Vary``.

    A new list rather than an in-place change: an app may send the same list again (a
    response object kept at module level), and it must not grow by one set of headers per
    request.
    """
    headers = list(raw) if raw is not None else []
    if vary is not None:
        index = 0
        for name, value in headers:
            if name in _VARY_NAMES:
                headers[index] = (name, merge_vary(value, vary))
                break
            index += 1
        else:
            headers.append((VARY, vary))
    headers += extra
    return headers


def merge_vary(existing: bytes, added: bytes) -> bytes:
    """``existing`` with the names in ``added`` appended, skipping names already listed.

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
