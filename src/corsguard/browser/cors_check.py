"""The CORS check on a response (fetch.bs #concept-cors-check), classified as Chromium does.

Chromium's ``cors::CheckAccess`` (services/network/public/cpp/cors/cors.cc) runs the same
check on preflight responses and on every actual response, redirects included, whatever the
status code. Duplicate header lines reach it already joined by ``", "``.
"""

from __future__ import annotations

from dataclasses import dataclass

from corsguard.browser.errors import CorsError
from corsguard.browser.request import HttpResponse
from corsguard.browser.urls import is_valid_url
from corsguard.protocol.origin import NULL_ORIGIN

ALLOW_ORIGIN = "access-control-allow-origin"
ALLOW_CREDENTIALS = "access-control-allow-credentials"


@dataclass(frozen=True)
class AccessFailure:
    """Why the check failed: the error, Chromium's failedParameter, and the decisive header."""

    error: CorsError
    failed_parameter: str | None
    header: str
    # What the console message names when it is not the failed parameter (the address space
    # of InsecureLocalNetwork, for which Chromium reports an empty failedParameter).
    hint: str | None = None


def check_access(
    response: HttpResponse, origin: str, *, include_credentials: bool
) -> AccessFailure | None:
    """``None`` if the response may be shared with ``origin``, else the failure.

    ``origin`` is the request's serialized origin: the page's, or ``null`` once a cross-origin
    redirect tainted it (fetch.bs #concept-request-tainted-origin).
    """
    allow_origin = response.header(ALLOW_ORIGIN)
    # Step 3: "*" shares with anyone, but never a credentialed response.
    if allow_origin == "*":
        if include_credentials:
            return AccessFailure(CorsError.WILDCARD_ORIGIN_NOT_ALLOWED, None, ALLOW_ORIGIN)
        return None
    if allow_origin is None:
        return AccessFailure(CorsError.MISSING_ALLOW_ORIGIN_HEADER, None, ALLOW_ORIGIN)
    # Step 4: a byte-for-byte comparison: no case folding, no trailing "/", no default port.
    if allow_origin != origin:
        return AccessFailure(_classify_mismatch(allow_origin), allow_origin, ALLOW_ORIGIN)
    if not include_credentials:
        return None
    # Step 6: "true", byte-exact, is the only accepted value.
    allow_credentials = response.header(ALLOW_CREDENTIALS)
    if allow_credentials != "true":
        return AccessFailure(
            CorsError.INVALID_ALLOW_CREDENTIALS, allow_credentials or "", ALLOW_CREDENTIALS
        )
    return None


def _classify_mismatch(allow_origin: str) -> CorsError:
    # cors.cc CheckAccess: the order of these tests decides the reported name.
    if " " in allow_origin or "," in allow_origin:
        return CorsError.MULTIPLE_ALLOW_ORIGIN_VALUES
    if allow_origin == NULL_ORIGIN:
        return CorsError.ALLOW_ORIGIN_MISMATCH
    if not is_valid_url(allow_origin):
        return CorsError.INVALID_ALLOW_ORIGIN_VALUE
    return CorsError.ALLOW_ORIGIN_MISMATCH
