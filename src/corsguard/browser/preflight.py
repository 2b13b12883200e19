"""The CORS preflight: when it is needed, what is sent, and how Chromium judges the answer.

fetch.bs #cors-preflight-fetch-0, with the order of checks and the error names of Chromium's
``PreflightController`` and ``PreflightResult`` (services/network/cors/).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from corsguard.browser.cors_check import AccessFailure, check_access
from corsguard.browser.errors import CorsError, preflight_variant
from corsguard.browser.request import Headers, HttpRequest, HttpResponse
from corsguard.protocol.origin import Origin, parse_serialized_origin
from corsguard.protocol.safelist import SAFELISTED_METHODS, cors_unsafe_request_header_names
from corsguard.protocol.tokens import parse_token_list

ALLOW_METHODS = "access-control-allow-methods"
ALLOW_HEADERS = "access-control-allow-headers"
MAX_AGE = "access-control-max-age"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

_FROM_ORIGIN: Any = object()  # preflight_request's default: the initiator parsed from origin

# preflight_result.cc: kDefaultTimeout (absent or unparsable max-age) and kMaxTimeout (the cap).
DEFAULT_MAX_AGE = 5
CHROMIUM_MAX_AGE_CAP = 7200


def unsafe_header_names(headers: Headers, *, chromium: bool = True) -> list[str]:
    """The CORS-unsafe request-header names of already-combined author headers."""
    return cors_unsafe_request_header_names(
        [(name, value.encode("latin-1", "replace")) for name, value in headers],
        chromium=chromium,
    )


def needs_preflight(method: str, headers: Headers, *, chromium: bool = True) -> bool:
    """fetch.bs #main-fetch: a non-safelisted method or any CORS-unsafe header name."""
    return method not in SAFELISTED_METHODS or bool(unsafe_header_names(headers, chromium=chromium))


def preflight_request(
    url: str,
    origin: str,
    method: str,
    headers: Headers,
    *,
    initiator: Origin | None = _FROM_ORIGIN,
) -> HttpRequest:
    """The OPTIONS request Chromium sends: no cookies, no Authorization, no author headers.

    ``initiator`` is the page's origin for ``Sec-Fetch-Site`` (by default parsed from
    ``origin``; after a redirect that tainted the origin, ``origin`` is ``null`` but the
    initiator is still the page).
    """
    from corsguard.browser.fetch import fetch_site  # fetch.py imports this module

    if initiator is _FROM_ORIGIN:
        initiator = parse_serialized_origin(origin)
    lines: list[tuple[str, str]] = [
        ("Accept", "*/*"),
        ("Access-Control-Request-Method", method),
    ]
    names = unsafe_header_names(headers)
    if names:
        # Lower-cased, sorted, joined by "," without spaces (fetch.bs step 5 of the preflight).
        lines.append(("Access-Control-Request-Headers", ",".join(names)))
    lines += [
        ("Origin", origin),
        ("Sec-Fetch-Mode", "cors"),
        ("Sec-Fetch-Site", fetch_site(initiator, url)),
        ("Sec-Fetch-Dest", "empty"),
    ]
    return HttpRequest("OPTIONS", url, tuple(lines), is_preflight=True)


@dataclass(frozen=True)
class PreflightResult:
    """What an accepted preflight allows, for the preflight cache of this fetch."""

    methods: frozenset[str]
    headers: frozenset[str]  # lower-case
    include_credentials: bool
    max_age: int

    def allows(self, method: str, unsafe_names: list[str], *, include_credentials: bool) -> bool:
        """A cache hit (preflight_cache.cc): always the strict Authorization rule."""
        if include_credentials and not self.include_credentials:
            return False
        if not _method_allowed(method, self.methods, include_credentials=include_credentials):
            return False
        for name in unsafe_names:
            if name in self.headers:
                continue
            if include_credentials or "*" not in self.headers or name == "authorization":
                return False
        return True


def _method_allowed(method: str, methods: frozenset[str], *, include_credentials: bool) -> bool:
    if method in SAFELISTED_METHODS or method in methods:
        return True
    return not include_credentials and "*" in methods


def parse_max_age(value: str | None) -> int:
    """Chromium: absent or not an integer → 5 s; negative → 0 (not cached); capped at 2 h."""
    if value is None:
        return DEFAULT_MAX_AGE
    text = value.strip()
    digits = text[1:] if text[:1] in "+-" else text
    if not digits.isdigit():
        return DEFAULT_MAX_AGE
    seconds = int(text)
    return max(0, min(seconds, CHROMIUM_MAX_AGE_CAP))


def check_preflight(
    response: HttpResponse,
    *,
    origin: str,
    method: str,
    unsafe_names: list[str],
    include_credentials: bool,
) -> tuple[PreflightResult | None, AccessFailure | None]:
    """Judge a preflight response in Chromium's order; exactly one of the pair is set."""
    # 0. PreflightController::HandleRedirect: a preflight must not be redirected at all.
    if response.status in REDIRECT_STATUSES and (response.header("location") or "").strip():
        return None, AccessFailure(CorsError.PREFLIGHT_DISALLOWED_REDIRECT, None, "location")
    # 1. The CORS check, with the actual request's credentials mode, before the status.
    failure = check_access(response, origin, include_credentials=include_credentials)
    if failure is not None:
        return None, AccessFailure(
            preflight_variant(failure.error), failure.failed_parameter, failure.header
        )
    # 2. An ok status: 200-299 (fetch.bs #ok-status).
    if not 200 <= response.status <= 299:
        return None, AccessFailure(CorsError.PREFLIGHT_INVALID_STATUS, "", ":status")
    # 3-4. Both lists must parse as comma-separated tokens (empty elements are skipped).
    raw_methods = response.header(ALLOW_METHODS)
    methods = parse_token_list(raw_methods) if raw_methods is not None else []
    # Chromium reports an empty failedParameter for unparsable lists (verified in 156).
    if methods is None:
        return None, AccessFailure(
            CorsError.INVALID_ALLOW_METHODS_PREFLIGHT_RESPONSE, "", ALLOW_METHODS
        )
    raw_headers = response.header(ALLOW_HEADERS)
    header_names = parse_token_list(raw_headers) if raw_headers is not None else []
    if header_names is None:
        return None, AccessFailure(
            CorsError.INVALID_ALLOW_HEADERS_PREFLIGHT_RESPONSE, "", ALLOW_HEADERS
        )
    result = PreflightResult(
        methods=frozenset(methods),
        headers=frozenset(name.lower() for name in header_names),
        include_credentials=include_credentials,
        max_age=parse_max_age(response.header(MAX_AGE)),
    )
    # 5. The method, byte-exact (AccessControlAllowMethodsInCORSPreflightSpecConformant);
    #    "*" is a wildcard only without credentials.
    if not _method_allowed(method, result.methods, include_credentials=include_credentials):
        return None, AccessFailure(
            CorsError.METHOD_DISALLOWED_BY_PREFLIGHT_RESPONSE, method, ALLOW_METHODS
        )
    # 6. Every CORS-unsafe header, case-insensitively. Chromium lets "*" cover Authorization
    #    too (CorsNonWildcardRequestHeadersSupport is off by default); the standard does not.
    for name in unsafe_names:
        if name in result.headers:
            continue
        if include_credentials or "*" not in result.headers:
            return None, AccessFailure(
                CorsError.HEADER_DISALLOWED_BY_PREFLIGHT_RESPONSE, name, ALLOW_HEADERS
            )
    return result, None
