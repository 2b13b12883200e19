"""Blocks that happen before CORS: mixed content, unsafe ports, local network access.

Chrome checks these before or beside the CORS protocol. Mixed content and unsafe ports are
part of the verdict (the request is never sent); Local Network Access is a permission prompt
in Chrome 142+, so the model reports it as a finding and leaves the verdict to CORS.
"""

from __future__ import annotations

import ipaddress
from typing import Literal
from urllib.parse import urlsplit

from corsguard.protocol.origin import is_loopback_host, parse_serialized_origin

AddressSpace = Literal["loopback", "local", "public"]

# Chromium net/base/port_util.cc kRestrictedPorts (fetch.bs #bad-port).
BAD_PORTS = frozenset(
    {
        0, 1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87,
        95, 101, 102, 103, 104, 109, 110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143,
        161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556,
        563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190,
        5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
    }
)  # fmt: skip


def _host(url: str) -> tuple[str, str, int | None] | None:
    try:
        parts = urlsplit(url)
        return parts.scheme.lower(), (parts.hostname or "").lower(), parts.port
    except ValueError:
        return None


def is_mixed_content(page_origin: str, url: str) -> bool:
    """An https page requesting plain http from a host that is not potentially trustworthy."""
    page = parse_serialized_origin(page_origin)
    target = _host(url)
    if page is None or target is None or page.scheme != "https":
        return False
    scheme, host, _ = target
    return scheme == "http" and not is_loopback_host(host)


def is_secure_context(page_origin: str) -> bool:
    """A page on an https or loopback origin; opaque origins count as not secure."""
    page = parse_serialized_origin(page_origin)
    return page is not None and page.is_secure


def is_bad_port(url: str) -> bool:
    target = _host(url)
    return target is not None and target[2] is not None and target[2] in BAD_PORTS


def address_space(host: str) -> AddressSpace:
    """The address space of a host, as far as it can be told without resolving names."""
    if is_loopback_host(host):
        return "loopback"
    bare = host.strip("[]")
    try:
        address = ipaddress.ip_address(bare)
    except ValueError:
        return "local" if host.endswith(".local") else "public"
    if address.is_private or address.is_link_local:
        return "local"
    return "public"


_RANK: dict[AddressSpace, int] = {"public": 0, "local": 1, "loopback": 2}


def local_network_target(page_origin: str, url: str) -> AddressSpace | None:
    """The more-private space a request targets (lna.bs), or ``None`` if LNA does not apply."""
    page = parse_serialized_origin(page_origin)
    target = _host(url)
    if target is None or not target[1]:
        return None
    page_space: AddressSpace = "public" if page is None else address_space(page.host)
    target_space = address_space(target[1])
    return target_space if _RANK[target_space] > _RANK[page_space] else None
