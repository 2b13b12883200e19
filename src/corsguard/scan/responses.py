"""Reading CORS response headers the way the browser does.

The browser reads ``Access-Control-Allow-Origin`` with the Fetch "get" algorithm: every header
line's value joined with ", ". Two lines (a proxy and the app both adding the header) therefore
become one value that equals no origin, and the response is blocked.
"""

from __future__ import annotations

from corsguard.protocol.origin import NULL_ORIGIN, parse_serialized_origin
from corsguard.protocol.tokens import combine, parse_token_list
from corsguard.scan.requests import Observation

ACAO = "access-control-allow-origin"
ACAC = "access-control-allow-credentials"


def allow_origin(observation: Observation) -> str | None:
    return combine(observation.values(ACAO))


def allows_credentials(observation: Observation) -> bool:
    # Fetch, CORS check step 7: the value must be exactly "true" (case-sensitive).
    return combine(observation.values(ACAC)) == "true"


def is_ok(observation: Observation) -> bool:
    return observation.status is not None and 200 <= observation.status <= 299


def grants_origin(observation: Observation) -> bool:
    """The response names the request's origin itself (not ``*``): the origin is trusted.

    For a preflight the status must also be ok (Fetch, "CORS-preflight fetch", step 7).
    """
    if observation.request.is_preflight and not is_ok(observation):
        return False
    return allow_origin(observation) == observation.request.probe.origin


def grants_read(observation: Observation, *, credentialed: bool) -> bool:
    """The Fetch CORS check: can script on the probe's origin read this response?"""
    value = allow_origin(observation)
    if value is None:
        return False
    if observation.request.is_preflight and not is_ok(observation):
        return False
    if not credentialed and value == "*":
        return True
    if value != observation.request.probe.origin:
        return False
    return not credentialed or allows_credentials(observation)


def malformed_allow_origin(observation: Observation) -> str | None:
    """Why the Allow-Origin header is unusable, or ``None`` if it is absent or well-formed."""
    values = observation.values(ACAO)
    if not values:
        return None
    if len(values) > 1:
        return f"{len(values)} header lines: {', '.join(repr(v) for v in values)}"
    value = values[0].strip()
    if value in ("*", NULL_ORIGIN):
        return None
    if parse_serialized_origin(value) is None:
        return f"{value!r} is not '*', 'null' or a serialized origin"
    return None


def list_tokens(observation: Observation, name: str) -> set[str]:
    """A comma-separated header as lower-case tokens (empty if absent or malformed)."""
    value = combine(observation.values(name))
    items = parse_token_list(value, max_items=256) if value else None
    return {item.lower() for item in items or ()}


def varies_on_origin(observation: Observation) -> bool:
    tokens = list_tokens(observation, "vary")
    return "origin" in tokens or "*" in tokens


def cache_exposure(observation: Observation) -> str | None:
    """How a cache may store this response: "shared", "private", "heuristic" or ``None``.

    Follows RFC 9111: ``no-store`` forbids storing; ``public``/``s-maxage`` invite shared caches;
    ``max-age``/``Expires`` make it fresh for the browser cache; a 200 GET without any of these
    may still be stored and reused heuristically (RFC 9111, section 4.2.2).
    """
    directives = {d.split("=", 1)[0].strip().lower(): d for d in _cache_control(observation)}
    if "no-store" in directives:
        return None
    if "public" in directives or "s-maxage" in directives or observation.values("age"):
        return "shared"
    max_age = directives.get("max-age", "").partition("=")[2].strip()
    if (max_age.isdigit() and int(max_age) > 0) or observation.values("expires"):
        return "private"
    if "no-cache" in directives or "private" in directives:
        return "private" if "private" in directives else None
    return "heuristic"


def _cache_control(observation: Observation) -> list[str]:
    value = combine(observation.values("cache-control")) or ""
    return [part.strip() for part in value.split(",") if part.strip()]


def combine_header(observation: Observation, name: str) -> str | None:
    """Any header's value as the browser reads it (every line joined with ", ")."""
    return combine(observation.values(name))
