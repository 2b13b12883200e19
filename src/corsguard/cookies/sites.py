"""Sites as browsers compute them for cookies: scheme plus registrable domain.

A site is the scheme and the registrable domain of a host (the public suffix plus one label,
from the vendored Public Suffix List, private section included). A host without one (an IP
address, ``localhost``, a bare public suffix) is its own site. Ports never count.

Chromium treats a top-level domain the list does not know (``.test``, ``.internal``) as a
one-label suffix, so ``api.example.test`` and ``app.example.test`` are one site. The scan's
``registrable_domain`` deliberately answers ``None`` there (nobody can buy such a name), which
is why cookies compute sites here.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from corsguard.policy.publicsuffix import rules
from corsguard.protocol.origin import is_ip_literal, is_loopback_host


@dataclass(frozen=True, slots=True)
class Site:
    scheme: str
    domain: str  # the registrable domain, or the whole host when it has none

    def __str__(self) -> str:
        return f"{self.scheme}://{self.domain}"


def registrable_domain(host: str) -> str | None:
    """The public suffix plus one label, or ``None`` (an IP, a single label, a public suffix)."""
    host = host.rstrip(".").lower()
    if not host or is_ip_literal(host) or "." not in host:
        return None
    suffix = rules().public_suffix(host)
    if suffix == host:
        return None
    labels = host.split(".")
    return ".".join(labels[-(suffix.count(".") + 2) :])


def url_host(url: str) -> str:
    """The lower-case host of an http(s) URL, IPv6 in brackets; ``""`` when there is none."""
    host = urlsplit(url).hostname or ""
    return f"[{host}]" if ":" in host else host.lower()


def site_of_host(scheme: str, host: str) -> Site:
    return Site(scheme.lower(), registrable_domain(host) or host.lower())


def site_of_url(url: str) -> Site:
    """The site of a URL or of a serialized origin (``https://app.example.com:8443``)."""
    return site_of_host(urlsplit(url).scheme, url_host(url))


def is_secure_url(url: str) -> bool:
    """https, or a loopback host (``localhost``, ``*.localhost``, 127.0.0.0/8, ``[::1]``).

    Chromium lets cookies treat these as secure: ``Secure`` cookies are stored and sent over
    plain http to them.
    """
    return urlsplit(url).scheme.lower() == "https" or is_loopback_host(url_host(url))
