"""Who controls a host name: registrable domains from the vendored Public Suffix List.

A probe origin only proves something an attacker can use if a browser can send it and an
attacker can own it. ``https://appxexample.com`` is registrable by anyone; ``https://app.examplexcom``
has no registrable domain (``examplexcom`` is not a top-level domain), so a server accepting it
is sloppy but not exploitable today.
"""

from __future__ import annotations

from corsguard.policy.publicsuffix import rules
from corsguard.protocol.origin import is_ip_literal, is_loopback_host


def registrable_domain(host: str) -> str | None:
    """The public suffix plus one label (``example.co.uk``), or ``None`` if nobody can register it.

    ``None`` for IP literals, loopback names, names under a top-level domain the list does not
    know (the list's implicit ``*`` rule would otherwise make any label a suffix), and public
    suffixes themselves.
    """
    host = host.rstrip(".").lower()
    if not host or is_ip_literal(host) or is_loopback_host(host):
        return None
    table = rules()
    labels = host.split(".")
    top = labels[-1]
    if top not in table.normal and top not in table.wildcard:
        return None
    suffix = table.public_suffix(host)
    if suffix == host:
        return None
    return ".".join(labels[-(suffix.count(".") + 2) :])


def same_site(a: str, b: str) -> bool:
    """True if both hosts share a registrable domain (or are the same unregistrable name)."""
    site_a, site_b = registrable_domain(a), registrable_domain(b)
    if site_a is None or site_b is None:
        return a.lower() == b.lower()
    return site_a == site_b
