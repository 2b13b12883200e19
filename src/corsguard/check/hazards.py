"""Hazards in what the browser accepted: it works now, and fails later, elsewhere, or for all.

A table of small rules like ``causes``; each returns its finding or ``None``, and every rule
that applies is reported:

1. ``Access-Control-Allow-Origin`` echoes the origin without ``Vary: Origin`` (CG210);
2. the request was redirected to add or remove a trailing slash (CG404, as the audit names it
   for the route);
3. credentials are granted to any origin (CG301, scan's wording): when an allowed request's
   responses allow credentials, one extra preflight from a made-up origin shows whether the
   server grants that one too.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from corsguard.browser.differences import finding
from corsguard.browser.preflight import preflight_request
from corsguard.check.error_pages import status_line
from corsguard.check.evidence import Evidence
from corsguard.codes import audit as audit_codes
from corsguard.codes import diagnosis as codes
from corsguard.codes import scan as scan_codes
from corsguard.findings import Finding

Rule = Callable[[Evidence], Finding | None]

# A made-up origin no allow-list names (".example" is reserved, RFC 2606).
STRANGER = "https://corsguard-probe.example"
OTHER_STRANGER = "https://another-corsguard-probe.example"


def hazards(e: Evidence) -> list[Finding]:
    return [found for rule in HAZARDS if (found := rule(e)) is not None]


def reflected_without_vary(e: Evidence) -> Finding | None:
    for exchange in e.verdict.exchanges:
        response = exchange.response
        origin = exchange.request.header("origin")
        allow = response.header("access-control-allow-origin")
        if origin is None or allow != origin or origin == "null":
            continue
        vary = [v.strip().lower() for v in (response.header("vary") or "").split(",")]
        if "origin" in vary or "*" in vary:
            continue
        return finding(
            codes.REFLECTED_WITHOUT_VARY,
            f"{exchange.request.url}: Access-Control-Allow-Origin echoes {origin!r} without "
            "Vary: Origin; a shared cache can serve this answer to another origin, which "
            "then fails CORS at random",
            "Add Vary: Origin to every response whose Access-Control-Allow-Origin depends "
            "on the request (corsguard's middleware does; in nginx: add_header Vary Origin "
            "always;).",
            exchange.request.url,
        )
    return None


def slash_redirect(e: Evidence) -> Finding | None:
    """A redirect that only adds or removes the trailing slash, on a request that got through."""
    if not e.verdict.allowed:
        return None
    for request, response in e.verdict.exchanges:
        location = response.header("location")
        if request.is_preflight or not 300 <= response.status < 400 or not location:
            continue
        old, new = urlsplit(request.url), urlsplit(location)
        if not new.netloc:  # a relative Location
            new = urlsplit(f"{old.scheme}://{old.netloc}{location}")
        if (old.scheme, old.netloc) != (new.scheme, new.netloc) or old.path == new.path:
            continue
        if old.path.rstrip("/") != new.path.rstrip("/"):
            continue
        target = new.geturl()
        return finding(
            audit_codes.SLASH_REDIRECT,
            f"{request.url}: the {request.method} request got {status_line(response.status)} "
            f"to {target} (FastAPI/Starlette redirect_slashes); it works, but every call costs "
            "an extra round trip, and the same URL fails as soon as a request to it needs a "
            "preflight (PUT, JSON, Authorization), because browsers never follow a redirected "
            "preflight",
            f"Call the canonical URL {target} from the page, exactly as the route is declared.",
            request.url,
            redirect_to=target,
        )
    return None


def credentials_for_any_origin(e: Evidence) -> Finding | None:
    """Credentials allowed for the page: does the server allow them for a stranger as well?"""
    # Only for a request that got through: when it is blocked, the block is what to fix first.
    if e.probes is None or not e.verdict.allowed or not e.verdict.exchanges:
        return None
    granted = any(
        response.header("access-control-allow-credentials") == "true"
        and response.header("access-control-allow-origin") in (e.request.origin, "*")
        for _, response in e.verdict.exchanges
    )
    if not granted:
        return None
    stranger = OTHER_STRANGER if e.request.origin == STRANGER else STRANGER
    first = e.verdict.exchanges[0].request
    # Ask for the method the page's preflight asked for (GET for a request without one).
    preflights = e.verdict.preflights
    method = preflights[0].request.header("Access-Control-Request-Method") if preflights else None
    exchange = e.probes.request(preflight_request(first.url, stranger, method or "GET", ()))
    if exchange is None:
        return None
    response = exchange.response
    if response.header("access-control-allow-origin") != stranger or (
        response.header("access-control-allow-credentials") != "true"
    ):
        return None
    code = scan_codes.ORIGIN_REFLECTION
    return finding(
        code,
        f"{first.url}: {code.title}: the preflight from {stranger}, an origin no allow-list "
        f"names, got Access-Control-Allow-Origin: {stranger} with "
        "Access-Control-Allow-Credentials: true; every website a user visits can call this "
        "API with the user's cookies and read the answer",
        f"{code.fix} Starlette's allow_origins=['*'] with allow_credentials=True does this "
        "(it echoes every origin); corsguard refuses that configuration.",
        first.url,
        probe_origin=stranger,
        status=response.status,
    )


HAZARDS: tuple[Rule, ...] = (reflected_without_vary, slash_redirect, credentials_for_any_origin)
