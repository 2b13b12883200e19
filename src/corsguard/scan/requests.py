"""The HTTP requests a scan sends for each probe, and what came back.

Each probe goes out as a simple request (what ``fetch()`` sends without a preflight) and, for
the probes that decide the policy's shape, as a preflight for each of the API's methods with a
non-safelisted header. Credentialed variants carry a ``Cookie`` or an ``Authorization`` header,
because some servers only misbehave when credentials are present. Preflights never carry
credentials: browsers never send them (Fetch, "CORS-preflight fetch", step 1: the preflight's
credentials mode excludes them), so a finding from a credentialed preflight would be a false
alarm.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from corsguard.protocol.safelist import SAFELISTED_METHODS
from corsguard.scan.probes import BASELINE, Probe

Credentials = Literal["none", "cookie", "authorization"]
Kind = Literal["simple", "preflight", "private-network", "any-method"]

# The non-safelisted header a JSON API call makes the browser ask for.
PREFLIGHT_HEADER = "content-type"


@dataclass(frozen=True, slots=True)
class ProbeRequest:
    url: str
    method: str  # on the wire: OPTIONS for preflights
    api_method: str  # the method under test (Access-Control-Request-Method for preflights)
    probe: Probe
    kind: Kind
    credentials: Credentials
    headers: tuple[tuple[str, str], ...]

    @property
    def is_preflight(self) -> bool:
        return self.kind != "simple"


@dataclass(frozen=True, slots=True)
class Observation:
    """The response to one probe request; ``headers`` are the raw lines, duplicates kept."""

    request: ProbeRequest
    status: int | None
    headers: tuple[tuple[str, str], ...] = ()
    error: str | None = None

    def values(self, name: str) -> list[str]:
        name = name.lower()
        return [value for key, value in self.headers if key.lower() == name]


def _origin_header(probe: Probe) -> tuple[str, str]:
    return ("Origin", probe.origin)


def plan_requests(
    url: str, methods: Sequence[str], probes: Sequence[Probe], token: str
) -> list[ProbeRequest]:
    """Every request for one URL, in the order they are worth sending."""
    planned: list[ProbeRequest] = []
    simple = [m for m in methods if m in SAFELISTED_METHODS]
    for method in simple:
        extra = (("Content-Type", "text/plain"),) if method == "POST" else ()
        planned += [
            ProbeRequest(url, method, method, p, "simple", "none", (_origin_header(p), *extra))
            for p in probes
        ]
    if simple:
        method = simple[0]
        for probe in probes:
            if not probe.credentialed:
                continue
            cookie = ("Cookie", f"session={token}")
            bearer = ("Authorization", f"Bearer {token}")
            planned.append(
                ProbeRequest(
                    url, method, method, probe, "simple", "cookie", (_origin_header(probe), cookie)
                )
            )
            planned.append(
                ProbeRequest(
                    url,
                    method,
                    method,
                    probe,
                    "simple",
                    "authorization",
                    (_origin_header(probe), bearer),
                )
            )
    for method in methods:
        for probe in probes:
            if not probe.preflight:
                continue
            headers = (
                _origin_header(probe),
                ("Access-Control-Request-Method", method),
                ("Access-Control-Request-Headers", PREFLIGHT_HEADER),
            )
            planned.append(
                ProbeRequest(url, "OPTIONS", method, probe, "preflight", "none", headers)
            )
    first = methods[0] if methods else "GET"
    for probe in probes:
        if probe.kind in (BASELINE, "origin-reflection"):
            # Private Network Access: the preflight Chrome sends before a public page reaches a
            # private address (https://wicg.github.io/private-network-access/#cors-preflight).
            headers = (
                _origin_header(probe),
                ("Access-Control-Request-Method", first),
                ("Access-Control-Request-Private-Network", "true"),
            )
            planned.append(
                ProbeRequest(url, "OPTIONS", first, probe, "private-network", "none", headers)
            )
        if probe.kind == BASELINE:
            odd_method = token.upper()
            headers = (
                _origin_header(probe),
                ("Access-Control-Request-Method", odd_method),
                ("Access-Control-Request-Headers", f"x-{token}"),
            )
            planned.append(
                ProbeRequest(url, "OPTIONS", odd_method, probe, "any-method", "none", headers)
            )
    return planned
