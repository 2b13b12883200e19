"""URL facts the browser model needs: canonical form, validity as Chromium's GURL sees it."""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from corsguard.protocol.origin import DEFAULT_PORTS

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):(.*)", re.DOTALL)
# https://url.spec.whatwg.org/#forbidden-host-code-point
_FORBIDDEN_HOST = frozenset(" #/:<>?@[\\]^|\x00")
_TAB_NEWLINE = {0x09: None, 0x0A: None, 0x0D: None}
_SPECIAL = frozenset({"http", "https", "ws", "wss", "ftp"})


def canonical_url(url: str) -> str:
    """The URL as Chromium prints it: lower-case scheme and host, no default port, path ``/``."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    netloc = host
    if port is not None and port != DEFAULT_PORTS.get(scheme):
        netloc = f"{host}:{port}"
    if parts.username is not None:
        userinfo = parts.username + (f":{parts.password}" if parts.password is not None else "")
        netloc = f"{userinfo}@{netloc}"
    path = parts.path or ("/" if scheme in _SPECIAL else "")
    return urlunsplit((scheme, netloc, path, parts.query, ""))


def has_userinfo(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.username is not None or parts.password is not None


def is_valid_url(value: str) -> bool:
    """Roughly ``GURL(value).is_valid()``, which decides InvalidAllowOriginValue vs mismatch.

    ``value`` holds header bytes decoded as Latin-1. Chromium reads the bytes as UTF-8, so
    non-ASCII must be valid UTF-8 and form a host IDNA accepts.
    """
    raw = value.encode("latin-1", "replace")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    # url.spec.whatwg.org basic URL parser: strip C0 controls and spaces at both ends and
    # remove every tab and newline before parsing.
    text = text.strip("".join(chr(c) for c in range(0x21))).translate(_TAB_NEWLINE)
    match = _SCHEME.fullmatch(text)
    if match is None:
        return False
    scheme, rest = match.group(1).lower(), match.group(2)
    if scheme not in _SPECIAL:
        return True  # non-special and file: URLs are valid without a host check
    rest = rest.lstrip("/\\")
    authority = re.split(r"[/\\?#]", rest, maxsplit=1)[0]
    hostport = authority.rpartition("@")[2]
    if hostport.startswith("["):
        end = hostport.find("]")
        if end < 0:
            return False
        host, port = hostport[: end + 1], hostport[end + 1 :].removeprefix(":")
    else:
        host, _, port = hostport.partition(":")
    if port and (not port.isdigit() or int(port) > 65535):
        return False
    if not host or any(c in _FORBIDDEN_HOST for c in host.strip("[]")):
        return False
    if not host.isascii():
        try:
            host.encode("idna")
        except UnicodeError:
            return False
    return _ipv4_ok(host)


def _ipv4_ok(host: str) -> bool:
    # A host whose last label is numeric must be a valid IPv4 address (URL standard).
    labels = host.rstrip(".").split(".")
    if not labels[-1].isdigit():
        return True
    try:
        return len(labels) <= 4 and all(0 <= int(x) <= 255 for x in labels)
    except ValueError:
        return False
