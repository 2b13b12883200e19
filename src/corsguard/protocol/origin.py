"""Origins as the Fetch and URL standards serialize them.

An origin is a (scheme, host, port) tuple. Its serialization, which is what browsers put in
the ``Origin`` header and compare byte for byte with ``Access-Control-Allow-Origin``, is
``scheme "://" host [":" port]`` with the scheme's default port omitted.
See https://html.spec.whatwg.org/multipage/browsers.html#ascii-serialisation-of-an-origin
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

DEFAULT_PORTS: dict[str, int] = {"http": 80, "https": 443, "ws": 80, "wss": 443}

# The serialization of an opaque origin (sandboxed iframes, data: documents, file: pages,
# and requests whose origin was tainted by a cross-origin redirect).
NULL_ORIGIN = "null"


@dataclass(frozen=True, slots=True)
class Origin:
    """A tuple origin. ``port`` is ``None`` when it is the scheme's default."""

    scheme: str
    host: str
    port: int | None = None

    def serialize(self) -> str:
        """The ASCII serialization, as a browser sends it in ``Origin``."""
        if self.port is None:
            return f"{self.scheme}://{self.host}"
        return f"{self.scheme}://{self.host}:{self.port}"

    def __str__(self) -> str:
        return self.serialize()

    @property
    def is_secure(self) -> bool:
        """True for https and for loopback hosts (potentially trustworthy origins)."""
        return self.scheme in ("https", "wss") or is_loopback_host(self.host)


def _split(url: str) -> SplitResult | None:
    try:
        return urlsplit(url)
    except ValueError:
        return None


def origin_of_url(url: str) -> Origin | None:
    """The origin of an http(s) URL, or ``None`` for URLs whose origin is opaque or invalid."""
    parts = _split(url)
    if parts is None or parts.scheme.lower() not in ("http", "https"):
        return None
    try:
        port = parts.port
    except ValueError:
        return None
    host = parts.hostname
    if not host:
        return None
    scheme = parts.scheme.lower()
    if ":" in host:
        host = f"[{host}]"
    if port == DEFAULT_PORTS[scheme]:
        port = None
    return Origin(scheme, host.lower(), port)


def parse_serialized_origin(value: str) -> Origin | None:
    """Parse an exact origin serialization such as a browser sends in ``Origin``.

    Returns ``None`` for ``null``, for anything with a path, query, fragment or userinfo, for a
    default port written out, and for non-canonical case: a browser never sends those, so a
    server must not treat them as the origin they resemble.
    """
    parts = _split(value)
    if parts is None or not parts.scheme or not parts.netloc:
        return None
    if parts.path or parts.query or parts.fragment or "?" in value or "#" in value:
        return None
    if "@" in parts.netloc:
        return None
    origin = origin_of_url(value)
    if origin is None or origin.serialize() != value:
        return None
    return origin


def is_loopback_host(host: str) -> bool:
    """``localhost`` (and its subdomains), 127.0.0.0/8 and ``[::1]``.

    These hosts are potentially trustworthy (https://w3c.github.io/webappsec-secure-contexts/),
    so an https page may call them over plain http.
    """
    host = host.lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    bare = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    try:
        return ipaddress.ip_address(bare).is_loopback
    except ValueError:
        return False


def is_ip_literal(host: str) -> bool:
    bare = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    try:
        ipaddress.ip_address(bare)
    except ValueError:
        return False
    return True


def same_origin(a: Origin | None, b: Origin | None) -> bool:
    """Tuple-origin equality; opaque origins (``None``) are never same-origin with anything."""
    return a is not None and b is not None and a == b


def comparable_origin(text: str) -> str:
    """``text`` with the differences a browser never makes removed (surrounding space, case,
    the scheme's default port, a path), to tell a near-miss from a different origin.

    Text that does not parse as a URL is returned as it is.
    """
    parts = _split(text.strip().lower())
    if parts is None:
        return text
    try:
        port = parts.port
    except ValueError:
        return text
    host = parts.hostname or ""
    if port is not None and port != DEFAULT_PORTS.get(parts.scheme):
        host = f"{host}:{port}"
    return f"{parts.scheme}://{host}"
