"""``--resolve HOST:PORT:ADDR``, as curl has it: connect to ADDR, keep the name everywhere else.

The request still names ``HOST`` in its URL, its ``Host`` header and its TLS server name
(SNI, and the certificate is checked against it), so a local server answers exactly as it
would under its real name, and cookies are judged for the real host.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from urllib.parse import SplitResult, urlsplit

from corsguard.protocol.origin import DEFAULT_PORTS

Resolve = Mapping[tuple[str, int], str]  # (host, port) -> address, as written in a URL


class ResolveError(ValueError):
    pass


def parse_resolve(entries: Iterable[str]) -> dict[tuple[str, int], str]:
    """``["api.example.com:443:127.0.0.1"]`` -> ``{("api.example.com", 443): "127.0.0.1"}``."""
    table: dict[tuple[str, int], str] = {}
    for entry in entries:
        host, sep, rest = entry.partition(":")
        port_text, sep2, address = rest.partition(":")
        if not (sep and sep2 and host and address) or not port_text.isdigit():
            raise ResolveError(
                f"--resolve {entry!r}: write it as HOST:PORT:ADDRESS, e.g. "
                "api.example.com:443:127.0.0.1"
            )
        port = int(port_text)
        if not 0 < port < 65536:
            raise ResolveError(f"--resolve {entry!r}: the port must be 1-65535")
        if ":" in address and not address.startswith("["):
            address = f"[{address}]"  # an IPv6 address, as a URL writes it
        table[(host.lower(), port)] = address
    return table


def resolved(url: str, table: Resolve) -> tuple[str, str, str] | None:
    """The URL to connect to, the ``Host`` header and the TLS server name; ``None`` if unmapped."""
    parts: SplitResult = urlsplit(url)
    host = (parts.hostname or "").lower()
    port = parts.port or DEFAULT_PORTS.get(parts.scheme.lower(), 80)
    address = table.get((host, port))
    if address is None:
        return None
    netloc = f"{address}:{port}"
    return parts._replace(netloc=netloc).geturl(), parts.netloc.rpartition("@")[2], host
