"""Probe origins: what an attacker would put in ``Origin``, derived from what the API trusts.

Probes come from each trusted origin (the API on ``api.example.com`` usually trusts
``https://app.example.com``, not itself) and from the target's own host (servers that compare
the Origin with their Host). A random token in every attacker name keeps an allowlisted
"evil.com" from masking a result. The trusted origin itself is the baseline: it shows what the
policy grants legitimately and whether its headers are well-formed.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from corsguard.protocol.origin import (
    DEFAULT_PORTS,
    NULL_ORIGIN,
    is_ip_literal,
    is_loopback_host,
    origin_of_url,
)
from corsguard.scan.hosts import registrable_domain, same_site

BASELINE = "baseline"

# Characters the URL standard's host parser accepts in a domain (they are not forbidden domain
# code points), so some browser puts them in an Origin: '_' every browser, the others Safari.
# https://url.spec.whatwg.org/#forbidden-domain-code-point. A parser that stops the host at one
# of them usually stops at all; '-' and '.' are ordinary host characters (the prefix probes).
SPECIAL_CHARACTERS = ("_", "~", "!", "$", "*", "`")

# Shared hosting and code playgrounds: anyone can publish a page there. ``{r}`` is the token.
THIRD_PARTY_HOSTS = (
    "https://{r}.github.io",
    "https://{r}.gitlab.io",
    "https://codepen.io",
    "https://jsfiddle.net",
    "https://jsbin.com",
    "https://{r}.vercel.app",
    "https://{r}.netlify.app",
    "https://{r}.pages.dev",
    "https://{r}.herokuapp.com",
    "https://{r}.web.app",
    "https://{r}.s3.amazonaws.com",
)

# Development servers people leave in production allowlists (React, Vite, Django/FastAPI, …).
LOCALHOST_ORIGINS = (
    "http://localhost",
    "http://localhost:3000",
    "http://localhost:4200",
    "http://localhost:5173",
    "http://localhost:8000",
    "http://localhost:8080",
    "http://127.0.0.1:3000",
    "http://127.0.0.1:5173",
    "http://127.0.0.1:8000",
    "http://127.0.0.1:8080",
    "http://[::1]:3000",
)

OTHER_PORTS = (8443,)


@dataclass(frozen=True, slots=True)
class Trusted:
    """An origin the API is meant to trust: exact, or a subdomain pattern ``https://*.d``."""

    scheme: str
    host: str  # the pattern's base domain for wildcards
    port: int | None
    wildcard: bool = False

    @property
    def text(self) -> str:
        if self.scheme == "null":
            return NULL_ORIGIN
        host = f"*.{self.host}" if self.wildcard else self.host
        port = "" if self.port is None else f":{self.port}"
        return f"{self.scheme}://{host}{port}"

    def matches(self, origin: str) -> bool:
        parsed = origin_of_url(origin) if origin != NULL_ORIGIN else None
        if parsed is None:
            return origin == self.text
        if (parsed.scheme, parsed.port) != (self.scheme, self.port):
            return False
        if self.wildcard:
            return parsed.host.endswith(f".{self.host}")
        return parsed.host == self.host


def parse_trusted(value: str) -> Trusted:
    """Parse ``--origin``: a serialized origin or ``scheme://*.domain[:port]``."""
    text = value.strip().rstrip("/")
    if text == NULL_ORIGIN:
        return Trusted("null", "", None)
    wildcard = "://*." in text
    parsed = origin_of_url(text.replace("://*.", "://wildcard.", 1) if wildcard else text)
    if parsed is None or "/" in text.split("://", 1)[-1]:
        raise ValueError(
            f"--origin {value!r}: not an origin; write it as a browser sends it, for example "
            "'https://app.example.com' or 'https://*.example.com'."
        )
    host = parsed.host.removeprefix("wildcard.") if wildcard else parsed.host
    return Trusted(parsed.scheme, host, parsed.port, wildcard)


@dataclass(frozen=True, slots=True)
class Probe:
    """One value for the ``Origin`` header and the class it tests."""

    origin: str
    kind: str  # a class id, or "baseline"
    source: str  # the trusted origin or target host it was derived from
    base: str = ""  # scheme://host the parser-confusion probe was built on
    controllable: bool = True  # a browser sends it and an attacker can own it
    preflight: bool = False  # also sent as a preflight
    credentialed: bool = False  # also sent with Cookie and with Authorization
    note: str = ""


def new_token() -> str:
    """A short random label for attacker names: lower-case letters and digits."""
    return "cg" + secrets.token_hex(3)


def _port(port: int | None) -> str:
    return "" if port is None else f":{port}"


def _controllable(host: str) -> bool:
    return registrable_domain(host) is not None


def _from_host(
    scheme: str, host: str, port: int | None, source: str, r: str, *, full: bool = True
) -> list[Probe]:
    """The parser-confusion probes built on one host name.

    ``full`` is false for the target's own host: servers that compare the Origin with their
    Host are caught by one probe per class; the trusted origins get every variant.
    """
    site = registrable_domain(host)
    attacker = f"{r}.net"
    base = f"{scheme}://{host}"
    probes = [
        Probe(f"{base}.{attacker}", "prefix-match", source, base, preflight=full),
        Probe(f"{scheme}://{r}{host}.{attacker}", "substring-match", source, base),
    ]
    if full:
        probes.append(Probe(f"{base}{r}.net", "prefix-match", source, base))
        if site is not None and site != host:
            # A contains-check on the registrable domain ('example.com' in origin).
            site_base = f"{scheme}://{site}"
            probes.append(
                Probe(f"{scheme}://{r}{site}.{attacker}", "substring-match", source, site_base)
            )
    if site is not None:
        probes.append(Probe(f"{scheme}://{r}{site}", "suffix-match", source, base, preflight=full))
    # Every dot separately: a pattern may escape some dots and not others.
    for index, char in enumerate(host):
        if char == ".":
            mutated = f"{host[:index]}x{host[index + 1 :]}"
            probes.append(
                Probe(
                    f"{scheme}://{mutated}{_port(port)}",
                    "unescaped-dot",
                    source,
                    controllable=_controllable(mutated) and not same_site(mutated, host),
                )
            )
    characters = SPECIAL_CHARACTERS if full else SPECIAL_CHARACTERS[:1]
    probes += [
        Probe(f"{base}{char}.{attacker}", "special-char-bypass", source, base)
        for char in characters
    ]
    probes.append(Probe(f"{scheme}://{r}.{host}", "any-subdomain", source, preflight=full))
    if full:
        probes.append(Probe(f"{scheme}://{r}.{r}.{host}", "any-subdomain", source))
        if site is not None and site != host:
            probes.append(Probe(f"{scheme}://{r}.{site}", "any-subdomain", source))
    if scheme == "https":
        probes.append(Probe(f"http://{host}", "insecure-origin", source, preflight=full))
        if full:
            probes.append(Probe(f"http://{r}.{host}", "insecure-origin", source))
            if site is not None and site != host:
                probes.append(Probe(f"http://{r}.{site}", "insecure-origin", source))
    if full:
        default = DEFAULT_PORTS.get(scheme)
        probes += [
            Probe(f"{base}:{other}", "any-port", source)
            for other in (*OTHER_PORTS, port + 1 if port else None)
            if other is not None and other not in (port, default)
        ]
    return probes


def derive_probes(
    trusted: Sequence[Trusted], target_url: str, token: str | None = None
) -> tuple[Probe, ...]:
    """Every probe for one target, deduplicated, without origins the policy is meant to allow."""
    r = token or new_token()
    probes: list[Probe] = [
        Probe(f"https://{r}.net", "origin-reflection", "", preflight=True, credentialed=True),
        Probe(NULL_ORIGIN, "null-origin", "", preflight=True, credentialed=True),
    ]
    baselines: list[Probe] = []
    for entry in trusted:
        if entry.scheme == "null":
            baselines.append(Probe(NULL_ORIGIN, BASELINE, entry.text, credentialed=True))
            continue
        host = f"{r}.{entry.host}" if entry.wildcard else entry.host
        origin = f"{entry.scheme}://{host}{_port(entry.port)}"
        baselines.append(Probe(origin, BASELINE, entry.text, preflight=True, credentialed=True))
        if not (is_ip_literal(entry.host) or is_loopback_host(entry.host)):
            # For a pattern, both its base domain and a matching host: an unanchored
            # 'https://[a-z]+\.example\.com' accepts 'https://x.example.com.attacker.net' only.
            for name in dict.fromkeys((host, entry.host)):
                probes += _from_host(entry.scheme, name, entry.port, entry.text, r)
    target = origin_of_url(target_url)
    if target is not None and not (is_ip_literal(target.host) or is_loopback_host(target.host)):
        probes += _from_host(target.scheme, target.host, target.port, target.host, r, full=False)
    trusted_hosts = [entry.host for entry in trusted if entry.scheme != "null"]
    for template in THIRD_PARTY_HOSTS:
        origin = template.format(r=r)
        host = origin.split("://", 1)[1]
        if not any(same_site(host, known) for known in trusted_hosts):
            probes.append(Probe(origin, "third-party-origin", ""))
    if not any(is_loopback_host(host) for host in trusted_hosts):
        for origin in LOCALHOST_ORIGINS:
            probes.append(Probe(origin, "localhost-origin", ""))
    return (*baselines, *_unique(probes, trusted))


def _unique(probes: Iterable[Probe], trusted: Sequence[Trusted]) -> list[Probe]:
    seen: set[str] = set()
    kept: list[Probe] = []
    for probe in probes:
        if probe.origin in seen or any(entry.matches(probe.origin) for entry in trusted):
            continue
        seen.add(probe.origin)
        kept.append(probe)
    return kept
